import Foundation
import GRDB
import Store
import Testing

@testable import Ingest

@Suite struct IngesterTests {
    /// A directory mixing every format, documentation, a binary file and a manifest.
    private func mixedDirectory(_ workspace: Workspace) throws {
        try workspace.write("runs/manifest.json", #"{"snapshot": "mixed", "provider": "aws", "account": "tenant-a"}"#)
        try workspace.write(
            "runs/a/run.log", [LogLine(), LogLine().warm(request: "r2", after: 5)].map(\.text).joined(separator: "\n"))
        try workspace.write(
            "runs/b/probe.jsonl", #"{"function":"j","request_sent_ms":1,"response_received_ms":2}"# + "\n")
        try workspace.write("runs/b/probe.csv", "function,request_sent_ms\nc,7\n")
        try workspace.write("runs/README.md", "# Notes, prose\n")
        try workspace.write("runs/b/SOURCE.txt", "from somewhere\n")
        try workspace.write("runs/.hidden/run.log", LogLine().text)
        try workspace.write("runs/b/core.bin", bytes: [0x7F, 0x45, 0x4C, 0x46, 0, 0, 1, 2])
        try workspace.write("runs/empty.log", "")
    }

    @Test func directoryWithMixedFormats() throws {
        let workspace = try Workspace()
        try mixedDirectory(workspace)
        let (summary, events) = try workspace.ingest(["runs"])
        #expect(summary.files == 5)  // README, SOURCE.txt, manifest and the hidden folder are not data
        #expect(summary.ingested == 4 && summary.failed == 1 && summary.records == 4)
        let failed = events.compactMap { event -> String? in
            if case .failed(let path, let reason) = event {
                return "\((path as NSString).lastPathComponent): \(reason)"
            }
            return nil
        }
        #expect(failed == ["core.bin: binary file (NUL bytes in its first line), not a measurement log"])
        let files = try workspace.rows("SELECT format, records FROM source_file ORDER BY path").map {
            "\($0[0] as String):\($0[1] as Int)"
        }
        #expect(files == ["faas-measure:2", "csv:1", "jsonl:1", "empty:0"])
        // The manifest applies to every file below it.
        #expect(
            try workspace.rows("SELECT DISTINCT snapshot, provider, account FROM invocation_view").map {
                [$0[0], $0[1], $0[2]] as [String]
            } == [["mixed", "aws", "tenant-a"]])
    }

    @Test func secondIngestChangesNothing() throws {
        let workspace = try Workspace()
        try mixedDirectory(workspace)
        try workspace.ingest(["runs"])
        let dump = try databaseDump(workspace)
        let (summary, _) = try workspace.ingest(["runs"])
        #expect(summary.skipped == 4 && summary.ingested == 0 && summary.failed == 1 && summary.records == 0)
        #expect(try databaseDump(workspace) == dump)
    }

    /// A file of 32 MiB or more is written straight into the database file when no other connection has
    /// the store open, and through the WAL when one has: the same store either way, in WAL mode after.
    @Test func aLargeFileWrittenDirectlyOrThroughTheWALGivesTheSameStore() throws {
        let text = (0..<105_000).map { index -> String in
            var line = LogLine()
            line.round = String(index)
            line.instance = "inst-\(index / 10)"
            line.request = index % 10 == 0 ? line.instance : "req-\(index)-" + String(repeating: "r", count: 90)
            return line.text
        }.joined(separator: "\n")
        #expect(text.utf8.count >= 32 << 20)
        let alone = try Workspace()
        let shared = try Workspace()
        try alone.write("big.log", text)
        try shared.write("big.log", text)
        #expect(try alone.ingest(["big.log"]).summary.ingested == 1)
        // Another connection keeps the shared store open: SQLite keeps it in WAL mode, and the file stays
        // in the WAL until that connection closes.
        let wal = try withExtendedLifetime(try shared.store()) {
            #expect(try shared.ingest(["big.log"]).summary.ingested == 1)
            return try FileManager.default.attributesOfItem(atPath: shared.dbPath + "-wal")[.size] as? Int ?? 0
        }
        #expect(wal >= 16 << 20)
        for workspace in [alone, shared] {
            // The header's read and write versions: 2 is WAL, 1 a rollback journal.
            let header = try #require(FileHandle(forReadingAtPath: workspace.dbPath)).readData(ofLength: 20)
            #expect(Array(header[18...19]) == [2, 2])
        }
        let tables = ["invocation", "instance", "vm", "function", "source_file_cold_rule"]
        let contents = { (workspace: Workspace) in
            try tables.map { try workspace.rows("SELECT * FROM \($0) ORDER BY 1") }
        }
        #expect(try contents(alone) == contents(shared))
        #expect(try alone.int("SELECT count(*) FROM invocation") == 105_000)
    }

    @Test func sameContentUnderAnotherNameIsSkipped() throws {
        let workspace = try Workspace()
        try workspace.write("a.log", LogLine().text)
        try workspace.write("copy/a.log", LogLine().text)
        let (summary, _) = try workspace.ingest(["a.log", "copy/a.log"])
        #expect(summary.ingested == 1 && summary.skipped == 1)
        #expect(try workspace.int("SELECT count(*) FROM invocation") == 1)
    }

    @Test func snapshotOptionOverridesTheManifest() throws {
        let workspace = try Workspace()
        try workspace.write("run/manifest.json", #"{"snapshot": "from-manifest"}"#)
        try workspace.write("run/a.log", LogLine().text)
        try workspace.ingest(["run"], options: .init(snapshot: "chosen"))
        #expect(try workspace.rows("SELECT name FROM snapshot").map { $0[0] as String } == ["chosen"])
    }

    @Test func unreadableFileIsReportedAndTheRestGoesOn() throws {
        let workspace = try Workspace()
        try workspace.write("run/a.log", LogLine().text)
        try FileManager.default.createSymbolicLink(
            atPath: workspace.directory + "/run/gone.log", withDestinationPath: "/nonexistent/file")
        var locked: String?
        if getuid() != 0 {  // root reads through any permission bits
            locked = try workspace.write("run/locked.log", LogLine().text)
            chmod(locked!, 0)
        }
        let (summary, events) = try workspace.ingest(["run"])
        #expect(summary.ingested == 1 && summary.failed == (locked == nil ? 1 : 2))
        let reasons = events.compactMap { event -> String? in
            if case .failed(_, let reason) = event { return reason }
            return nil
        }
        #expect(reasons.contains("cannot read the file: No such file or directory"))
        if locked != nil { #expect(reasons.contains("cannot read the file: Permission denied")) }
        #expect(
            try workspace.int("SELECT count(*) FROM rejected_record WHERE source_file_id IS NULL") == summary.failed)
    }

    @Test func theStoreInsideADataDirectoryIsNotData() throws {
        let workspace = try Workspace()  // its store lives in the workspace directory itself
        try workspace.write("a.log", LogLine().text)
        try workspace.ingest(["a.log"])
        let (summary, _) = try workspace.ingest(["."])
        #expect(summary.files == 1 && summary.skipped == 1 && summary.failed == 0)
    }

    @Test func forcedFormatOverridesDetection() throws {
        let workspace = try Workspace()
        try workspace.write("odd.txt", "provider,function\naws,f\n")
        let (summary, _) = try workspace.ingest(["odd.txt"], options: .init(format: .jsonLines))
        #expect(summary.records == 0 && summary.rejected == 2)
    }

    @Test func badManifestNamesTheFileAndKey() throws {
        let workspace = try Workspace()
        try workspace.write("run/manifest.json", #"{"snapshot": "x", "interval": 5}"#)
        try workspace.write("run/a.log", LogLine().text)
        let (summary, events) = try workspace.ingest(["run"])
        #expect(summary.failed == 1)
        guard case .failed(_, let reason) = events.first else {
            Issue.record("not failed")
            return
        }
        #expect(reason.contains("manifest.json: invalid manifest: unknown key 'interval'"))
    }

    /// A manifest's `aggregate` says what a record stands for; the snapshot's summary carries it, and a
    /// statistic no record can be is refused with the file named.
    @Test func aManifestDeclaresWhatARecordStandsFor() throws {
        let workspace = try Workspace()
        try workspace.write(
            "run/manifest.json", #"{"snapshot": "cw", "aggregate": {"statistic": "max", "period_s": 60}}"#)
        try workspace.write("run/a.log", LogLine().text)
        try workspace.write("odd/manifest.json", #"{"snapshot": "odd", "aggregate": {"statistic": "count"}}"#)
        try workspace.write("odd/a.log", LogLine().text)
        let (summary, events) = try workspace.ingest(["run", "odd"])
        #expect(summary.failed == 1)
        let reasons = events.compactMap { event -> String? in
            if case .failed(_, let reason) = event { reason } else { nil }
        }
        #expect(
            reasons.contains { $0.contains("odd/manifest.json: invalid manifest: 'aggregate' must be") }, "\(reasons)")
        let aggregates = try #require(try workspace.store().summary(of: "cw")).aggregates
        #expect(aggregates.map(\.description) == ["per-minute maximum"])
        #expect(aggregates.map(\.plural) == ["per-minute maxima"])
        #expect(RecordAggregate(statistic: .percentile(90), periodSeconds: 3600)?.plural == "hourly p90s")
        #expect(RecordAggregate(statistic: .max, periodSeconds: 0) == nil)
    }

    @Test func manifestParametersReachTheInvocations() throws {
        let workspace = try Workspace()
        try workspace.write(
            "run/manifest.json",
            """
            {"experiment": "consistency", "function_version": "v2",
             "parameters": {"delay_s": 6, "interval_s": 0.5, "update_time_ms": 1514764800000}}
            """)
        try workspace.write("run/deeper/a.log", LogLine().text)
        try workspace.ingest(["run"])
        let row = try #require(try workspace.rows("SELECT * FROM invocation_view").first)
        #expect(row.text("experiment") == "consistency" && row.text("version") == "v2")
        #expect(row.text("experiment_parameters") == #"{"delay_s":6,"interval_s":0.5,"update_time_ms":1514764800000}"#)
        #expect(row.double("interval_s") == 0.5 && row.double("delay_s") == 6.0)
    }

    @Test func foreignKeysHoldAfterIngest() throws {
        let workspace = try Workspace()
        try mixedDirectory(workspace)
        try workspace.ingest(["runs"])
        #expect(try workspace.rows("PRAGMA foreign_key_check").isEmpty)
        #expect(try workspace.rows("PRAGMA integrity_check").map { $0[0] as String } == ["ok"])
    }

    /// Every table's rows except ingest timestamps, in a stable order.
    private func databaseDump(_ workspace: Workspace) throws -> [String] {
        let tables = try workspace.rows("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").map {
            $0[0] as String
        }
        return try tables.flatMap { table in
            try workspace.rows("SELECT * FROM \(table) ORDER BY 1").map { row in
                table + ": "
                    + row.columnNames.filter { $0 != "ingested_at" && $0 != "created_at" }
                    .map { "\(row[$0] as DatabaseValue)" }.joined(separator: "|")
            }
        }
    }
}

@Suite struct StoreLevelFailureTests {
    /// A store locked past the busy timeout: the file is reported as not stored (the command exits
    /// non-zero), not as a bad file, and nothing of it is written.
    @Test func aLockedStoreFailsTheFileAsNotStored() throws {
        let workspace = try Workspace()
        try workspace.write("run.log", LogLine().text)
        _ = try workspace.store()
        let holder = try DatabaseQueue(path: workspace.dbPath)
        try holder.writeWithoutTransaction { db in
            try db.execute(sql: "BEGIN IMMEDIATE")
            var events: [Ingester.FileEvent] = []
            let summary = try Ingester(store: Store(path: workspace.dbPath, busyTimeout: 0.1)).run(
                paths: [workspace.directory + "/run.log"], onFile: { events.append($0) })
            #expect(summary.failed == 1 && summary.notStored == 1 && summary.records == 0)
            guard case .notStored(_, let reason) = events.first else {
                Issue.record("not reported as not stored: \(events)")
                return
            }
            #expect(reason.contains("database is locked"), "\(reason)")
            try db.execute(sql: "ROLLBACK")
        }
        #expect(try workspace.rows("SELECT count(*) FROM invocation").first.map { $0[0] as Int } == 0)
    }
}

@Suite struct ChangedWhileReadTests {
    /// A file appended to while it is read: what was read belongs to neither version, so nothing of it
    /// is stored, and the same command run again stores the whole new file.
    @Test func aFileAppendedWhileReadIsNotStored() throws {
        let workspace = try Workspace()
        var line = LogLine()
        let lines = (0..<60_000).map { index -> String in
            line.request = "r\(index)"
            return line.text
        }
        let path = try workspace.write("run.log", lines.joined(separator: "\n") + "\n")
        var appended = false
        var events: [Ingester.FileEvent] = []
        let summary = try Ingester(store: workspace.store()).run(
            paths: [path], onFile: { events.append($0) },
            onProgress: { _ in
                guard !appended else { return }
                appended = true
                let handle = FileHandle(forWritingAtPath: path)!
                handle.seekToEndOfFile()
                handle.write(Data((line.text + "\n").utf8))
                handle.closeFile()
            })
        #expect(appended && summary.notStored == 1 && summary.ingested == 0)
        guard case .notStored(_, let reason) = events.first else {
            Issue.record("not reported as not stored: \(events)")
            return
        }
        #expect(reason.contains("changed while it was read"))
        #expect(try workspace.int("SELECT count(*) FROM invocation") == 0)
        #expect(try workspace.int("SELECT count(*) FROM source_file") == 0)

        let again = try workspace.ingest(["run.log"]).summary
        #expect(again.ingested == 1 && again.records == 60_001)
    }
}
