import Foundation
import GRDB
import Store
import Testing

@testable import Ingest

@Suite struct FaasMeasureReaderTests {
    @Test func everyFixedFieldLandsInItsColumn() throws {
        let workspace = try Workspace()
        try workspace.write("run.log", LogLine().text + "\n")
        let (summary, _) = try workspace.ingest(["run.log"])
        #expect(summary.records == 1 && summary.rejected == 0)

        let row = try #require(try workspace.rows("SELECT * FROM invocation_view").first)
        #expect(row.text("provider") == "aws")  // guessed from the region's shape
        #expect(row.text("region") == "us-east-1")
        #expect(row.text("runtime") == "python2.7")
        #expect(row.int("memory_mb") == 128)
        #expect(row.text("function") == "fn-a")
        #expect(row.text("instance_key") == "4f1c-inst-1")
        #expect(row.text("request_id") == "4f1c-inst-1")
        #expect(row.text("vm_key") == "sandbox-root-vm1")
        #expect(
            row.int("round_no") == 1 && row.int("batch_no") == 1 && row.int("batch_size") == 2
                && row.int("worker_no") == 0)
        #expect(row.text("vm_private_ip") == "10.0.0.1" && row.text("vm_public_ip") == "54.0.0.1")
        #expect(row.text("instance_private_ip") == "172.16.0.2")
        #expect(row.double("vm_uptime_s") == 1200.5 && row.double("vm_idle_s") == 2300.25)
        #expect(row.int("ncpu") == 2)
        #expect(row.text("cpu_model") == "Intel(R) Xeon(R) CPU E5-2680 v2 @ 2.80GHz")
        #expect(row.double("function_start_ms") == 1514764800100.5)
        #expect(row.double("function_end_ms") == 1514764800200.0)
        #expect(row.double("function_duration_ms") == 99.5)
        #expect(row.double("request_sent_ms") == 1514764800000.0)
        #expect(row.double("response_received_ms") == 1514764800260.0)
        #expect(row.double("round_trip_ms") == 260.0)
        #expect(row.double("start_latency_ms") == 100.5)
        #expect(row.text("status") == "ok")
        #expect(row.text("extra") == nil)

        let instance = try #require(try workspace.rows("SELECT * FROM instance").first)
        #expect(instance.text("procfs_instance_id") == "sandbox-1")
        #expect(
            instance.double("first_seen_ms") == 1514764800000.0 && instance.double("last_seen_ms") == 1514764800260.0)
        // Boot time = function start (instance clock) - uptime = 1514764800.1005 - 1200.5 = 1514763599.6005 ->
        // 1514763600.
        let vm = try #require(try workspace.rows("SELECT * FROM vm").first)
        #expect(vm.double("boot_time_s") == 1514763600.0)
        #expect(vm.text("key_source") == "vm-id")
    }

    @Test func noneMeansUnknown() throws {
        let workspace = try Workspace()
        var line = LogLine()
        line.vmPublicIP = "None"
        line.uptime = "None"
        try workspace.write("run.log", line.text)
        try workspace.ingest(["run.log"])
        let row = try #require(try workspace.rows("SELECT vm_public_ip, vm_uptime_s FROM invocation_view").first)
        #expect(row.text("vm_public_ip") == nil)
        #expect(row.double("vm_uptime_s") == nil)
    }

    @Test func optionalTestResultsAreInferredFromTheirShape() throws {
        let workspace = try Workspace()
        var line = LogLine()
        line.tests = [
            "1514764800000.2;1514764800000.7;1514764800001.1;1514764800003",  // cpu: 4 stamps in 3 distinct ms
            "0.52,196.3;0.48,210.1",  // dd: two rounds
            "943000000,0.35,0.21,1.2",  // iperf
            "12.5",  // factorial ms
            "v2",  // version the instance runs
            "v3",  // version the client expects
        ]
        try workspace.write("run.log", line.text)
        try workspace.ingest(["run.log"])

        let cpu = try #require(try workspace.rows("SELECT * FROM cpu_sample").first)
        #expect(cpu.int("timestamps") == 4 && cpu.int("distinct_ms") == 3)
        #expect(cpu.double("first_ms") == 1514764800000.2 && cpu.double("last_ms") == 1514764800003.0)
        let io = try workspace.rows("SELECT round_no, seconds, throughput_mb_s FROM io_sample ORDER BY round_no")
        #expect(
            io.map { [$0["round_no"], $0["seconds"], $0["throughput_mb_s"]] as [Double] } == [
                [1, 0.52, 196.3], [2, 0.48, 210.1],
            ])
        let net = try #require(try workspace.rows("SELECT * FROM net_sample").first)
        #expect(
            net.double("bandwidth_bps") == 943000000.0 && net.double("rtt_mean_ms") == 0.35
                && net.double("rtt_min_ms") == 0.21 && net.double("rtt_max_ms") == 1.2)
        let invocation = try #require(
            try workspace.rows("SELECT factorial_ms, reported_version, expected_version FROM invocation").first)
        #expect(invocation.double("factorial_ms") == 12.5 && invocation.text("reported_version") == "v2")
        #expect(invocation.text("expected_version") == "v3")
    }

    @Test func manifestNamesTheTestFieldsAndNoneMarksAFailedProbe() throws {
        let workspace = try Workspace()
        try workspace.write("run/manifest.json", #"{"provider": "aws", "tests": ["io", "version"]}"#)
        var line = LogLine()
        line.tests = ["None", "1.0.3"]  // a version that looks like no number, a failed dd
        try workspace.write("run/a.log", line.text)
        try workspace.ingest(["run"])
        let row = try #require(try workspace.rows("SELECT reported_version, extra FROM invocation").first)
        #expect(row.text("reported_version") == "1.0.3")
        #expect(row.text("extra") == #"{"failed_tests":["io"]}"#)
        #expect(try workspace.int("SELECT count(*) FROM io_sample") == 0)
    }

    @Test func manifestAndLineDisagreeOnTestCount() throws {
        let workspace = try Workspace()
        try workspace.write("run/manifest.json", #"{"tests": ["cpu"]}"#)
        try workspace.write("run/a.log", LogLine().text)
        try workspace.ingest(["run"])
        #expect(try workspace.rejects().map(\.reason) == ["0 optional test fields, but the manifest's 'tests' names 1"])
    }

    @Test func coldFlagFollowsTheRequestIdRule() throws {
        let workspace = try Workspace()
        let first = LogLine()
        let second = first.warm(request: "req-2", after: 5)
        var other = LogLine()
        other.instance = "inst-2"
        other.request = "inst-2"
        try workspace.write(
            "run.log",
            [first, second, other].map(\.text).joined(separator: "\n")
                + "\n1#1#1#0#us-east-1#python2.7#128#fn-a#ERROR: Task timed out#1514764800000#1514764803000#3000\n")
        try workspace.ingest(["run.log"])
        let rows = try workspace.rows("SELECT line, is_cold, cold_rule, status FROM invocation_view ORDER BY line")
        #expect(rows.map { $0["is_cold"] as Int? } == [1, 0, 1, nil])
        #expect(
            rows.map { $0["cold_rule"] as String } == [
                "request-id-equals-instance-id", "request-id-equals-instance-id", "request-id-equals-instance-id",
                "unknown",
            ])
        // Both requests of the first instance widen its lifetime: first request sent .. last response.
        let instance = try #require(
            try workspace.rows("SELECT first_seen_ms, last_seen_ms FROM instance WHERE instance_key = '4f1c-inst-1'")
                .first)
        #expect(
            instance.double("first_seen_ms") == 1514764800000.0 && instance.double("last_seen_ms") == 1514764805260.0)
    }

    @Test func errorPayloadIsKeptAsAFailedInvocation() throws {
        let workspace = try Workspace()
        try workspace.write(
            "run.log",
            "3#2#10#7#us-east-1#nodejs6.10#512#fn-b#ERROR: Task timed out after 30.00 "
                + "seconds#1514764800000#1514764830001#30001\n"
        )
        let (summary, _) = try workspace.ingest(["run.log"])
        #expect(summary.records == 1 && summary.rejected == 0)
        let row = try #require(try workspace.rows("SELECT * FROM invocation_view").first)
        #expect(row.text("status") == "error")
        #expect(row.text("error") == "ERROR: Task timed out after 30.00 seconds")
        #expect(row.text("runtime") == "nodejs6.10" && row.int("memory_mb") == 512 && row.int("worker_no") == 7)
        #expect(row.double("request_sent_ms") == 1514764800000.0 && row.double("round_trip_ms") == 30001.0)
        #expect(row.int("is_cold") == nil)
    }

    /// Each malformed line is rejected with its line number and a reason; the good lines around it go in.
    @Test(arguments: [
        ("1#1#2#0#us-east-1#python2.7#128#fn-a#x#y", "too few fields: 10"),
        (
            LogLine(timing: ["abc", "1514764800200", "99.5", "1514764800000", "1514764800260", "260"]).text,
            "field 17 (function start ms) is not a number: 'abc'"
        ),
        (
            LogLine(timing: ["1514764800100", "1514764800200", "99.5", "-5", "1514764800260", "260"]).text,
            "field 20 (request sent ms) is negative: -5"
        ),
        (
            LogLine(timing: ["1514764800100", "1514764800200", "99.5", "1514764800300", "1514764800260", "260"]).text,
            "response received (field 21) is before request sent (field 20)"
        ),
        (
            LogLine(timing: ["1514764800300", "1514764800200", "99.5", "1514764800000", "1514764800260", "260"]).text,
            "function end (field 18) is before function start (field 17)"
        ),
        (LogLine(memory: "lots").text, "field 6 (memory MB) is not an integer: 'lots'"),
        (LogLine(uptime: "12;3").text, "field 15 (uptime,idle) is not two non-negative numbers: '12;3'"),
        (LogLine(cpu: "Intel Xeon").text, "field 16 (ncpu,model) does not start with a vCPU count: 'Intel Xeon'"),
        (LogLine(tests: ["1514764800000;oops"]).text, "field 17 (cpu test) is malformed: '1514764800000;oops'"),
    ])
    func malformedLineIsRejected(line: String, reason: String) throws {
        let workspace = try Workspace()
        try workspace.write(
            "run.log",
            [LogLine().text, line, LogLine().warm(request: "r2", after: 1).text].joined(separator: "\n") + "\n")
        let (summary, _) = try workspace.ingest(["run.log"])
        #expect(summary.records == 2)
        let rejects = try workspace.rejects()
        #expect(rejects.count == 1)
        #expect(rejects.first?.line == 2)
        #expect(rejects.first?.reason.hasPrefix(reason) == true, "got: \(rejects.first?.reason ?? "nothing")")
        #expect(try workspace.int("SELECT rejected FROM source_file") == 1)
    }

    @Test func binaryGarbageLinesAreRejected() throws {
        let workspace = try Workspace()
        let garbage: [UInt8] =
            [0xC3, 0x28, 0xFF, 0x23, 0x0A] + Array("1#1#2#0#us".utf8) + [0] + Array("east#python2.7\n".utf8)
        let bytes =
            Array((LogLine().text + "\n").utf8) + garbage + Array(LogLine().warm(request: "r2", after: 1).text.utf8)
        try workspace.write("run.log", bytes: bytes)
        try workspace.ingest(["run.log"])
        #expect(
            try workspace.rejects().map { "\($0.line!): \($0.reason)" } == [
                "2: binary data (invalid UTF-8), not a text record", "3: binary data (NUL byte), not a text record",
            ])
        #expect(try workspace.int("SELECT count(*) FROM invocation") == 2)
    }

    @Test func truncatedLastLineIsRejectedAndSaysSo() throws {
        let workspace = try Workspace()
        let whole = LogLine().text
        try workspace.write("run.log", whole + "\n" + whole.prefix(60))
        try workspace.ingest(["run.log"])
        let rejects = try workspace.rejects()
        #expect(rejects.count == 1 && rejects[0].line == 2)
        #expect(rejects[0].reason.hasSuffix("(the file ends inside this line: truncated?)"))
    }

    @Test func completeLastLineWithoutNewlineIsKept() throws {
        let workspace = try Workspace()
        try workspace.write("run.log", LogLine().text)
        #expect(try workspace.ingest(["run.log"]).summary.records == 1)
    }

    @Test func crlfLineEndingsAndByteOrderMark() throws {
        let workspace = try Workspace()
        let text = "\u{FEFF}" + LogLine().text + "\r\n" + LogLine().warm(request: "r2", after: 1).text + "\r\n"
        try workspace.write("run.log", text)
        let (summary, _) = try workspace.ingest(["run.log"])
        #expect(summary.records == 2 && summary.rejected == 0)
        #expect(try workspace.rows("SELECT round_trip_ms FROM invocation").map { $0[0] as Double } == [260, 260])
    }

    @Test func oneMegabyteLineOfCPUTimestampsIsParsed() throws {
        let workspace = try Workspace()
        var line = LogLine()
        // 70,000 timestamps of 15 bytes: a 1.05 MB field; every 0.5 ms, so 35,000 distinct ms.
        line.tests = [
            (0..<70_000).map { String(format: "%.1f", 1514764800000.0 + Double($0) * 0.5) }.joined(separator: ";")
        ]
        try workspace.write("run.log", line.text + "\n")
        let (summary, events) = try workspace.ingest(["run.log"])
        let rejects = try workspace.rejects()
        #expect(summary.records == 1, "\(events) \(rejects)")
        let cpu = try #require(try workspace.rows("SELECT timestamps, distinct_ms FROM cpu_sample").first)
        #expect(cpu.int("timestamps") == 70_000 && cpu.int("distinct_ms") == 35_000)
    }

    @Test func oneMegabyteLineOfGarbageIsRejected() throws {
        let workspace = try Workspace()
        let garbage = String(repeating: "x#", count: 512 * 1024)
        try workspace.write("run.log", LogLine().text + "\n" + garbage + "\n")
        try workspace.ingest(["run.log"])
        let rejects = try workspace.rejects()
        #expect(rejects.count == 1 && rejects[0].line == 2)
        #expect(rejects[0].reason.hasPrefix("field 0 (round id) is not an integer"))
        let raw = try workspace.rows("SELECT raw FROM rejected_record").first?["raw"] as String?
        #expect(raw?.utf8.count == FileSink.rawLimit)
    }

    @Test func lineLongerThanTheLimitIsSkippedWithoutHoldingIt() throws {
        let workspace = try Workspace()
        let long = String(repeating: "9", count: LineReader.defaultMaxLineLength + 10)
        try workspace.write(
            "run.log", LogLine().text + "\n" + long + "\n" + LogLine().warm(request: "r2", after: 1).text + "\n")
        let (summary, _) = try workspace.ingest(["run.log"])
        #expect(summary.records == 2)
        #expect(try workspace.rejects().map(\.reason) == ["line of 4194314 bytes is longer than the 4 MiB limit"])
    }

    @Test(arguments: [
        ("us-east-1", "aws"), ("us-gov-west-1", "aws"), ("ap-southeast-2", "aws"),
        ("us-central1", "google"), ("europe-west1", "google"),
        ("eastus", "azure"), ("East US", "azure"),
        ("mars-1a", "unknown"), ("", "unknown"),
    ])
    func providerFromRegion(region: String, provider: String) {
        #expect(Provider.guess(fromRegion: region) == provider)
    }
}
