import Foundation
import GRDB
import Testing

/// Hostile or unlucky input, as a user meets it on the command line: nothing is written outside the
/// folder the user named, a store another writer holds is waited for, and stores that are not ours
/// (newer, not a file, mistyped) are refused with one line.
@Suite(.serialized) struct HardeningTests {
    /// Two faas_measure lines (docs/formats.md): an instance's cold first request and a warm one.
    private let log =
        [("i1", 1_514_764_800_000), ("r2", 1_514_764_805_000)].map { request, sent in
            [
                "1", "1", "2", "0", "us-east-1", "python2.7", "128", "fn-a", "i1", request, "sandbox-root-vm1",
                "sandbox-1",
                "10.0.0.1", "54.0.0.1", "172.16.0.2", "1200.5,2300.25", "2,Intel(R) Xeon(R) CPU E5-2680 v2 @ 2.80GHz",
                "\(sent + 100).5", "\(sent + 200)", "99.5", "\(sent)", "\(sent + 260)", "260",
            ].joined(separator: "#")
        }.joined(separator: "\n") + "\n"

    private func database(_ path: String) throws -> DatabaseQueue { try DatabaseQueue(path: path) }

    @Test func aManifestSnapshotCannotLeadOutsideTheStoreOrTheReport() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for (folder, name) in [("a", "../../victim"), ("b", ".."), ("c", "x/../../../escaped")] {
            try FileManager.default.createDirectory(
                atPath: "\(directory)/runs/\(folder)", withIntermediateDirectories: true)
            try #"{"snapshot": "\#(name)"}"#.write(
                toFile: "\(directory)/runs/\(folder)/manifest.json", atomically: true, encoding: .utf8)
            try log.write(toFile: "\(directory)/runs/\(folder)/run.log", atomically: true, encoding: .utf8)
        }
        let ingest = try AnalyzeCommand.run(["ingest", "runs"], in: directory)
        #expect(ingest.stdout.contains("failed 3"), "\(ingest.stdout)")
        #expect(
            ingest.stderr.contains("invalid manifest: 'snapshot' \"../../victim\": a snapshot name is letters"),
            "\(ingest.stderr)")

        let flag = try AnalyzeCommand.run(["ingest", "runs/a/run.log", "--snapshot", "../x"], in: directory)
        #expect(flag.status == 64 && flag.stderr.contains("--snapshot \"../x\""), "\(flag.stderr)")
    }

    @Test func aReportNeverWritesOutsideOutEvenForAnOldStoresNames() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try log.write(toFile: "\(directory)/run.log", atomically: true, encoding: .utf8)
        #expect(try AnalyzeCommand.run(["ingest", "run.log", "--snapshot", "fine"], in: directory).status == 0)
        #expect(try AnalyzeCommand.run(["ingest", "run.log", "--snapshot", "bad"], in: directory).status == 0)
        // A store written before names were checked.
        try database("\(directory)/analyze.sqlite").write {
            try $0.execute(sql: "UPDATE snapshot SET name = '../victim' WHERE name = 'bad'")
        }
        try FileManager.default.createDirectory(atPath: "\(directory)/out", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(
            atPath: "\(directory)/victim/figures", withIntermediateDirectories: true)
        try "keep".write(toFile: "\(directory)/victim/figures/precious.svg", atomically: true, encoding: .utf8)

        let report = try AnalyzeCommand.run(["report", "--out", "out"], in: directory)
        #expect(report.status == 1)
        #expect(
            report.stderr.contains(
                "not written: 1 snapshot(s) whose name cannot be a folder under out (\"../victim\")"),
            "\(report.stderr)")
        #expect(FileManager.default.fileExists(atPath: "\(directory)/out/fine/report.md"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(directory)/victim/figures") == ["precious.svg"])
        #expect(!FileManager.default.fileExists(atPath: "\(directory)/victim/report.md"))
    }

    /// `report` without --snapshot writes OUT/README.md: every report, and the comparisons already in OUT.
    @Test func theReportsIndexListsEveryReportAndComparison() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try log.write(toFile: "\(directory)/run.log", atomically: true, encoding: .utf8)
        for snapshot in ["a", "b"] {
            #expect(try AnalyzeCommand.run(["ingest", "run.log", "--snapshot", snapshot], in: directory).status == 0)
        }
        #expect(try AnalyzeCommand.run(["compare", "a", "b", "--out", "out/a-vs-b"], in: directory).status == 0)
        #expect(try AnalyzeCommand.run(["report", "--out", "out"], in: directory).status == 0)
        let index = try String(contentsOfFile: "\(directory)/out/README.md", encoding: .utf8)
        for snapshot in ["a", "b"] { #expect(index.contains("| [\(snapshot)](\(snapshot)/report.md) |"), "\(index)") }
        #expect(index.contains("| [a-vs-b](a-vs-b/compare.md) | a | b |"), "\(index)")
    }

    @Test func aSecondWriterWaitsForTheFirstInsteadOfSkippingFiles() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try log.write(toFile: "\(directory)/run.log", atomically: true, encoding: .utf8)
        #expect(try AnalyzeCommand.run(["ingest", "run.log", "--snapshot", "first"], in: directory).status == 0)
        // Another process holds the write lock for 1.5 s while the ingest starts.
        let holder = try database("\(directory)/analyze.sqlite")
        let locked = DispatchSemaphore(value: 0)
        let released = DispatchGroup()
        DispatchQueue.global().async(group: released) {
            try? holder.writeWithoutTransaction { db in
                try db.execute(sql: "BEGIN IMMEDIATE")
                locked.signal()
                Thread.sleep(forTimeInterval: 1.5)
                try db.execute(sql: "COMMIT")
            }
        }
        locked.wait()
        let second = try AnalyzeCommand.run(["ingest", "run.log", "--snapshot", "second"], in: directory)
        released.wait()
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout.contains("ingested 1"), "\(second.stdout)")
    }

    @Test func storesThatAreNotOursAreRefusedInOneLine() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try log.write(toFile: "\(directory)/run.log", atomically: true, encoding: .utf8)

        let typo = try AnalyzeCommand.run(["metrics", "--db", "typo.db"], in: directory)
        #expect(typo.status == 1 && typo.stderr.contains("no store at typo.db"), "\(typo.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "\(directory)/typo.db"))

        #expect(mkfifo("\(directory)/fifo", 0o600) == 0)
        let fifo = try AnalyzeCommand.run(["query", "SELECT 1", "--db", "fifo"], in: directory)
        #expect(fifo.status == 1 && fifo.stderr.contains("fifo is not a regular file"), "\(fifo.stderr)")

        #expect(try AnalyzeCommand.run(["ingest", "run.log"], in: directory).status == 0)
        try database("\(directory)/analyze.sqlite").write {
            try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99: from the future')")
        }
        for command in [["ingest", "run.log", "--snapshot", "other"], ["metrics"], ["query", "SELECT 1"]] {
            let run = try AnalyzeCommand.run(command, in: directory)
            #expect(run.status == 1, "\(command)")
            #expect(
                run.stderr.contains("was written by a newer analyze (schema \"v99: from the future\""), "\(run.stderr)")
        }
        #expect(
            try database("\(directory)/analyze.sqlite").read {
                try Int.fetchOne($0, sql: "SELECT count(*) FROM snapshot")
            } == 1)
    }

    @Test func strictFailsAgainWhenTheRejectsAreAlreadyStored() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try (log + "not a record\n").write(toFile: "\(directory)/run.log", atomically: true, encoding: .utf8)
        for attempt in 1...2 {
            let run = try AnalyzeCommand.run(["ingest", "run.log", "--strict"], in: directory)
            #expect(run.status == 1, "attempt \(attempt)")
            #expect(run.stderr.contains("--strict: 1 records rejected"), "attempt \(attempt): \(run.stderr)")
        }
    }

    @Test func compareRunsMissingAnalysesAndRefusesEmptySides() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try log.write(toFile: "\(directory)/run.log", atomically: true, encoding: .utf8)
        try "".write(toFile: "\(directory)/empty.log", atomically: true, encoding: .utf8)
        for (file, snapshot) in [("run.log", "a"), ("run.log", "b"), ("empty.log", "nothing")] {
            #expect(try AnalyzeCommand.run(["ingest", file, "--snapshot", snapshot], in: directory).status == 0)
        }
        // No `analyze metrics` first: compare analyzes both sides itself.
        let compare = try AnalyzeCommand.run(["compare", "a", "b", "--format", "csv"], in: directory)
        #expect(compare.status == 0, "\(compare.stderr)")
        #expect(compare.stdout.contains("coldstart.latency_ms"), "\(compare.stdout)")
        // JSON numbers are numbers, absent values null.
        let json = try AnalyzeCommand.run(["compare", "a", "b", "--format", "json"], in: directory)
        #expect(json.status == 0, "\(json.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let pairs = try #require(document["pairs"] as? [[String: Any]])
        let sides = pairs.flatMap { [$0["a"], $0["b"]] }.compactMap { $0 as? [String: Any] }
        #expect(
            !pairs.isEmpty && sides.count == 2 * pairs.count
                && sides.allSatisfy { $0["value"] is NSNumber && $0["statistic"] is String })
        #expect(pairs.allSatisfy { $0.keys.contains("ci_low") && $0["b_over_a"] is NSNumber })
        // An alias naming a metric B lacks: a one-line error.
        let alias = try AnalyzeCommand.run(
            ["compare", "a", "b", "--metric-as", "nope.metric=coldstart.latency_ms", "--format", "csv"], in: directory)
        #expect(
            alias.status == 1 && alias.stderr.contains("metric 'nope.metric', which snapshot B does not have"),
            "\(alias.stderr)")
        // Two snapshots with nothing in common: the report says so and the exit status is 1.
        try "metric,provider,runtime,memory_mb,setting,statistic,value,unit\nother.metric,aws,,,x,max,1,x\n".write(
            toFile: "\(directory)/other.csv", atomically: true, encoding: .utf8)
        #expect(try AnalyzeCommand.run(["ingest", "other.csv", "--snapshot", "other"], in: directory).status == 0)
        let unrelated = try AnalyzeCommand.run(["compare", "a", "other", "--out", "cmp"], in: directory)
        #expect(unrelated.status == 1 && unrelated.stderr.contains("nothing comparable"), "\(unrelated.stderr)")
        let report = try String(contentsOfFile: "\(directory)/cmp/compare.md", encoding: .utf8)
        #expect(report.contains("**Nothing comparable:**") && report.contains("## Only in B (other)"))
        let empty = try AnalyzeCommand.run(["compare", "a", "nothing", "--format", "csv"], in: directory)
        #expect(
            empty.status == 1 && empty.stderr.contains("snapshot 'nothing' has no metrics to compare"),
            "\(empty.stderr)")
        let unknown = try AnalyzeCommand.run(["compare", "a", "typo", "--format", "csv"], in: directory)
        #expect(unknown.status == 1 && unknown.stderr.contains("no snapshot named 'typo'"), "\(unknown.stderr)")
    }

    @Test func queryShowsControlCharactersAsEscapes() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try #"{"function":"f\u001b]0;owned\u0007","request_sent_ms":1}"#.write(
            toFile: "\(directory)/p.jsonl", atomically: true, encoding: .utf8)
        #expect(try AnalyzeCommand.run(["ingest", "p.jsonl"], in: directory).status == 0)
        let query = try AnalyzeCommand.run(["query", "SELECT function FROM invocation_view"], in: directory)
        #expect(query.status == 0)
        #expect(query.stdout.contains("f\\u{1B}]0;owned\\u{7}") && !query.stdout.contains("\u{1B}"), "\(query.stdout)")
    }

    /// File-system failures end in one line naming the path, never a trap or an NSCocoaErrorDomain dump.
    @Test func fileSystemFailuresAreOneLine() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: "\(directory)/full", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: "\(directory)/full/records.log", withDestinationPath: "/dev/full")
        let simulate = try AnalyzeCommand.run(["simulate", "--records", "100000", "--out", "full"], in: directory)
        #expect(simulate.status == 1, "\(simulate.stderr)")
        #expect(
            simulate.stderr == "Error: \(directory)/full/records.log: No space left on device\n", "\(simulate.stderr)")

        try log.write(toFile: "\(directory)/run.log", atomically: true, encoding: .utf8)
        #expect(try AnalyzeCommand.run(["ingest", "run.log"], in: directory).status == 0)
        let report = try AnalyzeCommand.run(["report", "--out", "/dev/null/x"], in: directory)
        #expect(report.status == 1 && report.stderr == "Error: /dev/null/x: Not a directory\n", "\(report.stderr)")
    }
}
