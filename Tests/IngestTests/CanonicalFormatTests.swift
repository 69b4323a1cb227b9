import Foundation
import GRDB
import Store
import Testing

@testable import Ingest

@Suite struct JSONLinesReaderTests {
    @Test func canonicalFieldsAndExtras() throws {
        let workspace = try Workspace()
        try workspace.write(
            "probe.jsonl",
            """
            {"provider":"Google","region":"us-central1","function":"f","runtime":"nodejs8","memory_mb":2048,\
            "instance_id":"i-1","request_id":"i-1","request_sent_ms":1000,"function_start_ms":1110.5,\
            "function_end_ms":1200,"response_received_ms":1250,"vm_uptime_s":33.5,"colo":"iad","tags":["a","b"]}

            {"provider":"google","function":"f","runtime":"nodejs8","memory_mb":2048,"instance_id":"i-1",\
            "request_id":"r-2","request_sent_ms":2000,"function_start_ms":2040,"status":"ok"}
            {"provider":"aws","function":"g","init_duration_ms":212.3,"experiment":"coldstart"}
            {"provider":"aws","function":"g","is_cold":false,"status":"error","error":"throttled"}
            """)
        // The source declares the paper's convention, so the ids decide where nothing stated does.
        try workspace.write("manifest.json", #"{"instance_named_by_first_request": true}"#)
        let (summary, _) = try workspace.ingest(["probe.jsonl"])
        #expect(summary.records == 4 && summary.rejected == 0)
        let rows = try workspace.rows("SELECT * FROM invocation_view ORDER BY line")
        #expect(rows.map { $0["line"] as Int } == [1, 3, 4, 5])
        #expect(
            rows[0].text("provider") == "google" && rows[0].int("memory_mb") == 2048
                && rows[0].double("start_latency_ms") == 110.5)
        #expect(rows[0].double("vm_uptime_s") == 33.5)
        #expect(rows[0].text("extra") == #"{"colo":"iad","tags":["a","b"]}"#)
        #expect(rows.map { $0["is_cold"] as Int? } == [1, 0, 1, 0])
        #expect(
            rows.map { $0["cold_rule"] as String } == [
                "request-id-equals-instance-id", "request-id-equals-instance-id", "platform-init-field",
                "declared-by-source",
            ])
        #expect(rows[2].text("experiment") == "coldstart" && rows[2].double("init_duration_ms") == 212.3)
        #expect(rows[3].text("status") == "error" && rows[3].text("error") == "throttled")
    }

    /// Keys are matched as bytes: a key written with an escape is still the canonical name; a name given
    /// twice counts once, with its last value, even where the first value alone would be rejected; a
    /// canonical name holding an object goes to `extra`.
    @Test func keysMatchAsWrittenAndTheLastOfARepeatedNameCounts() throws {
        let workspace = try Workspace()
        try workspace.write(
            "probe.jsonl",
            #"""
            {"provider":"aws","memory_mb":-1,"memory_mb":128,"request_sent_ms":5}
            {"provider":"aws","colo":"a","colo":"b","region":{"name":"x"}}
            {"provider":"aws","memory_mb":256,"memory_mb":-1}
            {"colo":"a"}
            """#)
        let (summary, _) = try workspace.ingest(["probe.jsonl"])
        #expect(summary.records == 2 && summary.rejected == 2)
        let rows = try workspace.rows("SELECT * FROM invocation_view ORDER BY line")
        #expect(rows[0].text("provider") == "aws" && rows[0].int("memory_mb") == 128)
        #expect(rows[0].double("request_sent_ms") == 5)
        #expect(rows[1].text("extra") == #"{"colo":"b","region":{"name":"x"}}"#)
        let reasons = try workspace.rows("SELECT line, reason FROM rejected_record ORDER BY line")
        #expect(reasons.map { $0["line"] as Int } == [3, 4])
        #expect(reasons[0].text("reason") == "field 'memory_mb' is negative: -1.0")
        #expect(reasons[1].text("reason")?.hasPrefix("no canonical field (keys: colo)") == true)
    }

    /// docs/formats.md, "Cold or warm": a stated flag, then the platform's init duration (zero is warm),
    /// then the request-id convention only where declared; without a declaration the ids decide nothing.
    @Test func coldWarmPrecedence() throws {
        let records = """
            {"provider":"aws","instance_id":"a","request_id":"b","is_cold":true}
            {"provider":"aws","instance_id":"a","request_id":"a","init_duration_ms":0}
            {"provider":"aws","instance_id":"a","request_id":"b","init_duration_ms":180}
            {"provider":"aws","instance_id":"a","request_id":"a","is_cold":false,"init_duration_ms":180}
            {"provider":"aws","instance_id":"c","request_id":"c"}
            """
        let undeclared = try Workspace()
        try undeclared.write("probe.jsonl", records)
        try undeclared.ingest(["probe.jsonl"])
        let declared = try Workspace()
        try declared.write("d/probe.jsonl", records)
        try declared.write("d/manifest.json", #"{"instance_named_by_first_request": true}"#)
        try declared.ingest(["d"])
        let query = "SELECT is_cold, cold_rule FROM invocation_view ORDER BY line"
        let expected: [(Int?, String)] = [
            (1, "declared-by-source"), (0, "platform-init-field"), (1, "platform-init-field"),
            (0, "declared-by-source"),
        ]
        for (workspace, last) in [(undeclared, (nil, "unknown")), (declared, (1, "request-id-equals-instance-id"))] {
            let rows = try workspace.rows(query).map { ($0[0] as Int?, $0[1] as String) }
            #expect(rows.map(\.0) == (expected + [last]).map(\.0))
            #expect(rows.map(\.1) == (expected + [last]).map(\.1))
        }
    }

    @Test func badRecords() throws {
        let workspace = try Workspace()
        try workspace.write(
            "probe.jsonl",
            """
            {"provider":"aws","request_sent_ms":5}
            {"provider":"aws","request_sent_ms":"soon"}
            {"provider":"aws","request_sent_ms":-1}
            {"provider":"aws","request_sent_ms":10,"response_received_ms":9}
            [1,2]
            {"provider":"aws",
            {"provider":"aws","memory_mb":1.5}
            {"provider":"aws","is_cold":"maybe"}
            {"tags":["a"],"colo":"iad"}
            """)
        try workspace.ingest(["probe.jsonl"])
        #expect(
            try workspace.rejects().map { "\($0.line!): \($0.reason)" } == [
                "2: field 'request_sent_ms' is not a number: 'soon'",
                "3: field 'request_sent_ms' is negative: -1.0",
                "4: response_received_ms is before request_sent_ms",
                "5: not a JSON object",
                "6: not valid JSON (the text ends where a member name should be)",
                "7: field 'memory_mb' is not an integer within ±1e15: 1.5",
                "8: field 'is_cold' must be true or false",
                "9: no canonical field (keys: colo, tags): not an invocation of this format",
            ])
        #expect(try workspace.int("SELECT count(*) FROM invocation") == 1)
    }
}

@Suite struct CSVReaderTests {
    @Test func quotedFieldsEmptyCellsAndExtras() throws {
        let workspace = try Workspace()
        let lines = [
            #"provider,function,runtime,memory_mb,request_sent_ms,function_start_ms,cpu_model,note"#,
            #"aws,"fn,with,commas",java8,512,1000,1300,"Intel(R) Xeon(R) CPU @ 2.50GHz","#,
            #"aws,plain,java8,,2000,2100,"say ""hi""","multi"#,
            #"line note""#,
            #"aws,plain,java8,512,3000"#,
            "",
        ]
        try workspace.write("probe.csv", lines.joined(separator: "\r\n"))
        let (summary, _) = try workspace.ingest(["probe.csv"])
        #expect(summary.records == 2)
        let rows = try workspace.rows("SELECT * FROM invocation_view ORDER BY line")
        #expect(
            rows[0].text("function") == "fn,with,commas" && rows[0].int("memory_mb") == 512
                && rows[0].double("start_latency_ms") == 300.0)
        #expect(rows[0].text("cpu_model") == "Intel(R) Xeon(R) CPU @ 2.50GHz" && rows[0].text("extra") == nil)
        #expect(
            rows[1].int("line") == 3 && rows[1].int("memory_mb") == nil && rows[1].text("cpu_model") == #"say "hi""#)
        #expect(rows[1].text("extra") == #"{"note":"multi\nline note"}"#)
        #expect(try workspace.rejects().map { "\($0.line!): \($0.reason)" } == ["5: 5 fields, but the header has 8"])
    }

    @Test func unclosedQuoteAtEndOfFile() throws {
        let workspace = try Workspace()
        try workspace.write("probe.csv", "provider,function\naws,ok\naws,\"never closed\n")
        try workspace.ingest(["probe.csv"])
        #expect(
            try workspace.rejects().map { "\($0.line!): \($0.reason)" } == [
                "3: quoted field not closed at end of file (truncated?)"
            ])
    }

    /// One unbalanced quote used to hold every later line (7 s at 5k rows, 268 s at 40k, all one reject).
    @Test func aStrayQuoteCostsOneRecord() throws {
        let workspace = try Workspace()
        let rows = (0..<25_000).map { "aws,f\($0),\(1000 + $0)" }
        try workspace.write(
            "probe.csv", "provider,function,request_sent_ms\naws,\"stray,5\n" + rows.joined(separator: "\n") + "\n")
        let (summary, _) = try workspace.ingest(["probe.csv"])
        #expect(summary.records == 25_000 && summary.rejected == 1)
        #expect(
            try workspace.rejects().map { "\($0.line!): \($0.reason)" } == [
                "2: quoted field never closes within 10000 lines or 4 MiB"
            ])
        #expect(try workspace.int("SELECT count(DISTINCT function_id) FROM invocation") == 25_000)
    }

    /// Lines that each reopen a quote: every line is read at most twice (it used to be re-read at every
    /// give-up, about 10^10 line reads for this file).
    @Test func linesThatKeepReopeningQuotesStayLinear() throws {
        let workspace = try Workspace()
        try workspace.write(
            "probe.csv", "provider,function\n" + String(repeating: "x\",\"\n", count: 50_000) + "aws,last\n")
        let (summary, _) = try workspace.ingest(["probe.csv"])
        #expect(summary.records == 1 && summary.rejected == 50_000)
    }

    @Test func aQuoteOpenAtEndOfFileGivesBackTheLinesAfterIt() throws {
        let workspace = try Workspace()
        try workspace.write("probe.csv", "provider,function\naws,\"open\naws,a\naws,b\n")
        let (summary, _) = try workspace.ingest(["probe.csv"])
        #expect(summary.records == 2)
        #expect(
            try workspace.rejects().map { "\($0.line!): \($0.reason)" } == [
                "2: quoted field not closed at end of file (truncated?)"
            ])
    }

    /// The line-by-line quote scan agrees with the splitter on where a record ends.
    @Test func quoteScanAgreesWithSplit() {
        var seed: UInt64 = 2018
        func next() -> UInt64 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return seed >> 33
        }
        let alphabet: [UInt8] = Array("a,\"\n".utf8)
        for _ in 0..<20_000 {
            let text = (0..<Int(next() % 12)).map { _ in alphabet[Int(next() % 4)] }
            var state = CSVRecords.QuoteState()
            state.scan(text)
            #expect(
                state.continues == (CSVRecords.split(text) == nil),
                "\(String(decoding: text, as: UTF8.self).debugDescription)")
        }
    }

    @Test func duplicateHeaderRejectsTheFile() throws {
        let workspace = try Workspace()
        try workspace.write("probe.csv", "provider,function,provider\naws,f,aws\n")
        let (summary, events) = try workspace.ingest(["probe.csv"])
        #expect(summary.failed == 1 && summary.records == 0)
        guard case .failed(_, let reason) = events.first else {
            Issue.record("not failed")
            return
        }
        #expect(reason == "duplicate column 'provider' in the header")
        #expect(try workspace.int("SELECT count(*) FROM source_file") == 0)
        #expect(
            try workspace.int("SELECT count(*) FROM rejected_record WHERE line IS NULL AND source_file_id IS NULL") == 1
        )
    }
}
