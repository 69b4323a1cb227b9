import Foundation
import GRDB
import Store
import Testing

@testable import Ingest

/// Numbers that a reader accepts as JSON or CSV but that no time, size or count can be (1e19 MB,
/// 1e308 ms, -1e300 s): each is a reject naming the field, the rest of the file goes in, and nothing
/// later traps on them (they used to crash ingest, `metrics` and `report` with "Double value cannot be
/// converted to Int").
@Suite struct HostileNumberTests {
    private func ingest(
        _ workspace: Workspace, _ file: String, _ text: String, format: Format
    ) throws -> Ingester.Summary {
        try workspace.write(file, text)
        return try workspace.ingest([file], options: .init(snapshot: "s", format: format)).summary
    }

    @Test func lambdaPerfMemoryOutOfRange() throws {
        let workspace = try Workspace()
        let summary = try ingest(
            workspace, "2026-01-01.json",
            #"""
            {"metadata":{"generatedAt":"2026-01-01T14:00:16Z"},"runtimeData":[
            {"r":"lambda-perf-python312-zip-128-x86_64","p":"zip","d":"python","i":[90.5,91.5],"m":128,"a":"x86_64"},
            {"r":"lambda-perf-huge","p":"zip","d":"x","i":[1],"m":1e19,"a":"x86_64"}]}
            """#, format: .lambdaPerf)
        #expect(summary.records == 2 && summary.rejected == 1)
        #expect(try workspace.rejects().map(\.reason) == ["no memory size (m / memorySize) for lambda-perf-huge"])
    }

    @Test func faasParallelismMemoryStartAndUptimeOutOfRange() throws {
        let workspace = try Workspace()
        func record(
            _ id: String, memory: String = "\"256\"", duration: String = "1050.4", uptime: String = "\"390.34\""
        ) -> String {
            """
            {"pystart_ms": 1588150959205.25, "pyend_ms": 1588150960417.7, "pyduration_ms": 1212.4,
             "func_data": {"initTime_ms": 1588150959277.75, "endTime_ms": 1588150960328.2, "duration_ms": \(duration),
               "funcActivationID": "\(id)", "hostnameIP": "169.254.1.237",
               "containerID": "2:cpu:/sandbox-root-U1\(id)/sandbox-service-a/sandbox-f", "mem_limit": \(memory), \
            "uptime": \(uptime)}},
            """
        }
        let text = [
            record("good"), record("m", memory: "1e19"), record("s", duration: "1e308"), record("u", uptime: "-1e300"),
        ]
        .joined(separator: "\n")
        let summary = try ingest(
            workspace, "aws/run-experiment/results/sleep_size=4.json", text, format: .faasParallelism)
        #expect(summary.records == 1 && summary.rejected == 3)
        let reasons = try workspace.rejects().map(\.reason)
        #expect(reasons.contains("mem_limit 1e+19 is not an integer within ±1e15"), "\(reasons)")
        #expect(reasons.contains("function_duration_ms 1e+308 is not a finite number within ±1e15"), "\(reasons)")
        #expect(reasons.contains("vm_uptime_s -1e+300 is not a finite number within ±1e15"), "\(reasons)")
    }

    @Test func mikhailioIntervalPointOutOfRange() throws {
        let workspace = try Workspace()
        let summary = try ingest(
            workspace, "history/2019-03-27_x/data/coldstart_aws_interval.json",
            #"{"points":[[0,0.0],[5,0.25],[1e300,0.5]]}"#, format: .mikhailio)
        #expect(summary.rejected == 1)
        #expect(try workspace.int("SELECT count(*) FROM metric WHERE metric = 'idle.cold_probability'") == 2)
        #expect(
            try workspace.rejects().map(\.reason) == [
                "an interval point is [minute (0 to 1e15), probability between 0 and 1]"
            ])
    }

    @Test func metricsFileCountsAndSizesOutOfRange() throws {
        let workspace = try Workspace()
        let summary = try ingest(
            workspace, "metrics.csv",
            """
            metric,provider,runtime,memory_mb,setting,statistic,value,unit,n,source
            coldstart.latency_ms,aws,python2.7,128,,median,167,ms,10,seed
            coldstart.latency_ms,aws,python2.7,1e19,,median,167,ms,10,seed
            coldstart.latency_ms,aws,python2.7,128,,median,167,ms,1e300,seed
            coldstart.latency_ms,aws,python2.7,128,,median,1e308,ms,10,seed
            """, format: .metricsCSV)
        #expect(summary.rejected == 3)
        #expect(try workspace.int("SELECT count(*) FROM metric") == 1)
        #expect(
            try workspace.rejects().map(\.reason) == [
                "memory_mb is not an integer within ±1e15", "n is not a count within 1e15",
                "value 1e+308 is not a finite number within ±1e15",
            ])
    }

    /// Times and parameters that the stages turned into integers: rejected at ingest, whatever the reader.
    @Test func canonicalTimesAndParametersOutOfRange() throws {
        let workspace = try Workspace()
        let summary = try ingest(
            workspace, "probe.jsonl",
            """
            {"function":"f","request_sent_ms":1000,"response_received_ms":1200}
            {"function":"f","request_sent_ms":1e308}
            {"function":"f","request_sent_ms":1000,"interval_s":1e300}
            {"function":"f","request_sent_ms":1000,"delay_s":1e300}
            {"function":"f","request_sent_ms":1000,"memory_mb":1e300}
            """, format: .jsonLines)
        #expect(summary.records == 1 && summary.rejected == 4)
        #expect(
            try workspace.rejects().map(\.reason) == [
                "request_sent_ms 1e+308 is not a finite number within ±1e15",
                "interval_s 1e+300 is not a finite number within ±1e15",
                "delay_s 1e+300 is not a finite number within ±1e15",
                "field 'memory_mb' is not an integer within ±1e15: 1e+300",
            ])
    }
}
