import Foundation
import GRDB
import Store
import Testing

@testable import Ingest

/// Input that used to be taken wrongly without a word: each is now a reject or a failed file with a
/// reason, and the rest of the input goes on.
@Suite struct OddInputTests {
    @Test func aTrailingCommaIsNotJSON() throws {
        let workspace = try Workspace()
        try workspace.write(
            "probe.jsonl",
            """
            {"function":"f","request_sent_ms":1,}
            {"function":"g","request_sent_ms":2,"note":"a, }"}
            {"function":"h","request_sent_ms":3,"list":[1,2,]}
            """)
        let (summary, _) = try workspace.ingest(["probe.jsonl"])
        #expect(summary.records == 1 && summary.rejected == 2)
        #expect(
            try workspace.rejects().map(\.reason)
                == Array(repeating: "not valid JSON (a comma before a closing bracket)", count: 2))
    }

    @Test func aNameGivenTwiceCountsWithItsLastValue() throws {
        let workspace = try Workspace()
        try workspace.write(
            "probe.jsonl",
            """
            {"function":"f","request_sent_ms":-1,"request_sent_ms":5,"note":"a","note":{"b":1}}
            """)
        let (summary, _) = try workspace.ingest(["probe.jsonl"])
        #expect(summary.records == 1 && summary.rejected == 0)
        #expect(try workspace.int("SELECT request_sent_ms FROM invocation") == 5)
        #expect(try workspace.rows("SELECT extra FROM invocation").map { $0[0] as String } == [#"{"note":{"b":1}}"#])
    }

    @Test func anInfiniteNumberIsARejectNotAMissingField() throws {
        let workspace = try Workspace()
        try workspace.write(
            "2026-01-01.json",
            #"""
            {"metadata":{"generatedAt":"2026-01-01T14:00:16Z"},"runtimeData":[
            {"r":"lambda-perf-python312-zip-128-x86_64","p":"zip","d":"python","i":[90.5,"1e999"],"m":128,"a":"x86_64"\#
            }]}
            """#)
        let summary = try workspace.ingest(["2026-01-01.json"], options: .init(format: .lambdaPerf)).summary
        #expect(summary.records == 1 && summary.rejected == 1)
        #expect(try workspace.rejects().map(\.reason) == ["init_duration_ms inf is not a finite number within ±1e15"])
    }

    @Test func aCarriageReturnOnlyFileIsRefusedNotOneGarbageRecord() throws {
        let workspace = try Workspace()
        try workspace.write("probe.csv", "provider,function\raws,f\raws,g\r")
        let (summary, events) = try workspace.ingest(["probe.csv"])
        #expect(summary.failed == 1 && summary.records == 0)
        guard case .failed(_, let reason) = events.first else {
            Issue.record("not failed: \(events)")
            return
        }
        #expect(reason.hasPrefix("lines end in a bare carriage return"))
    }

    /// The first line's fields are judged whole, however long (up to the 4 MiB line limit).
    @Test func aLongFirstLineIsStillDetected() throws {
        let workspace = try Workspace()
        var long = LogLine()
        long.function = String(repeating: "f", count: 70_000)
        try workspace.write("run.log", long.text + "\n" + LogLine().warm(request: "r2", after: 5).text + "\n")
        let (summary, _) = try workspace.ingest(["run.log"])
        #expect(summary.failed == 0 && summary.records == 1 && summary.rejected == 1)
        #expect(
            try workspace.rejects().map(\.reason) == [
                "function is 70000 bytes long, over the 1024 a dimension may have"
            ])
    }

    @Test func aHugeProviderIsRejectedNotCopiedIntoEveryKey() throws {
        let workspace = try Workspace()
        let provider = String(repeating: "p", count: 100_000)
        try workspace.write(
            "probe.jsonl",
            """
            {"provider":"\(provider)","function":"f","instance_id":"i1","request_sent_ms":1}
            {"provider":"aws","function":"f","instance_id":"i1","request_sent_ms":2}
            """)
        let (summary, _) = try workspace.ingest(["probe.jsonl"])
        #expect(summary.records == 1 && summary.rejected == 1)
        #expect(
            try workspace.rejects().map(\.reason) == ["provider is 100000 bytes long, over the 64 a dimension may have"]
        )
    }

    @Test func aHugeArchitectureIsRejectedLikeAnyDimension() throws {
        let workspace = try Workspace()
        let architecture = String(repeating: "a", count: 5_000)
        try workspace.write(
            "probe.jsonl",
            """
            {"provider":"aws","function":"f","architecture":"\(architecture)","instance_id":"i1","request_sent_ms":1}
            {"provider":"aws","function":"f","packaging":"zip","instance_id":"i1","request_sent_ms":2}
            """)
        let (summary, _) = try workspace.ingest(["probe.jsonl"])
        #expect(summary.records == 1 && summary.rejected == 1)
        #expect(
            try workspace.rejects().map(\.reason) == [
                "architecture is 5000 bytes long, over the 1024 a dimension may have"
            ])
    }

    @Test func aFileNameThatIsNotUTF8IsNamedAsSuch() throws {
        let workspace = try Workspace()
        try workspace.write("runs/good.jsonl", #"{"function":"f","request_sent_ms":1}"# + "\n")
        let bad = workspace.directory + "/runs/bad"
        #expect(FileManager.default.createFile(atPath: bad, contents: Data("{}".utf8)))
        // Rename to a name with a byte that is not UTF-8.
        var name = Array((workspace.directory + "/runs/bad").utf8CString.map { UInt8(bitPattern: $0) }.dropLast())
        name += [0xFF, 0]
        let renamed = name.withUnsafeBufferPointer { target in
            rename(bad, UnsafeRawPointer(target.baseAddress!).assumingMemoryBound(to: CChar.self))
        }
        #expect(renamed == 0)
        let (summary, events) = try workspace.ingest(["runs"])
        #expect(summary.ingested == 1 && summary.failed == 1)
        let reasons = events.compactMap { event -> String? in
            if case .failed(_, let reason) = event { return reason }
            return nil
        }
        #expect(reasons == ["cannot read the file: its name is not valid UTF-8 (rename the file)"])
    }
}
