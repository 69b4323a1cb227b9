import Foundation
import GRDB
import Testing

/// The `analyze` executable as a user runs it: exit codes, output, and what a crash leaves behind.
@Suite(.serialized) struct CommandLineTests {
    private func count(_ db: String, _ sql: String) throws -> Int {
        var configuration = Configuration()
        configuration.readonly = true
        return try DatabaseQueue(path: db, configuration: configuration).read { try Int.fetchOne($0, sql: sql) } ?? -1
    }

    @Test func millionLineLogIngestsCompletelyAndOnce() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let written = try GeneratedLog(lines: 1_000_000, seed: 7, into: directory, name: "big.log")
        #expect(written.lines == 1_000_000)

        let first = try AnalyzeCommand.run(["ingest", "big.log"], in: directory)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("records: 1000000; rejected: 0"), "\(first.stdout)")
        let db = directory + "/analyze.sqlite"
        #expect(try count(db, "SELECT count(*) FROM invocation") == 1_000_000)
        #expect(try count(db, "SELECT count(*) FROM invocation WHERE is_cold = 1") == written.coldStarts)
        #expect(try count(db, "SELECT count(*) FROM instance") == written.coldStarts)
        #expect(try count(db, "SELECT count(*) FROM vm") <= 200)  // the generator's VM pool
        // A file this large against an empty table is written without the invocation indexes, which are
        // built again before it commits; first/last seen are gathered in memory: both must match the rows.
        #expect(
            try count(db, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'invocation'") == 1)
        #expect(try count(db, "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check = 'ok'") == 1)
        #expect(
            try count(
                db,
                """
                SELECT count(*) FROM instance n JOIN (
                    SELECT instance_id, min(request_sent_ms) AS first, max(response_received_ms) AS last FROM \
                invocation GROUP BY instance_id
                ) i ON i.instance_id = n.id WHERE n.first_seen_ms IS NOT i.first OR n.last_seen_ms IS NOT i.last
                """) == 0)
        #expect(try count(db, "SELECT count(*) FROM instance WHERE first_seen_ms IS NULL") == 0)

        let second = try AnalyzeCommand.run(["ingest", "big.log"], in: directory)
        #expect(second.status == 0)
        #expect(second.stdout.contains("ingested 0, skipped 1 already in store"), "\(second.stdout)")
        #expect(try count(db, "SELECT count(*) FROM invocation") == 1_000_000)
        #expect(try count(db, "SELECT count(*) FROM source_file") == 1)
    }

    @Test func killedIngestLeavesAConsistentStoreAndARerunCompletesIt() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory + "/runs", withIntermediateDirectories: true)
        let linesPerFile = 150_000
        for file in 0..<4 {
            _ = try GeneratedLog(
                lines: linesPerFile, seed: UInt64(file + 1), into: directory, name: "runs/part\(file).log")
        }
        let db = directory + "/killed.sqlite"

        // Kill -9 while the second or a later file is being written: its transaction is open.
        let (process, _, _) = try AnalyzeCommand.start(["ingest", "runs", "--db", "killed.sqlite"], in: directory)
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline, process.isRunning {
            if FileManager.default.fileExists(atPath: db),
                (try? count(db, "SELECT count(*) FROM source_file")) ?? 0 >= 1
            {
                break
            }
            usleep(20_000)
        }
        usleep(300_000)
        #expect(process.isRunning, "the ingest finished before it could be killed")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)

        // The next command to open the store, a read-only one too, rolls back the file the kill interrupted
        // (a large file is written under a rollback journal, which a read-only connection cannot undo).
        let after = try AnalyzeCommand.run(["snapshots", "--db", "killed.sqlite"], in: directory)
        #expect(after.status == 0, "\(after.stderr)")
        #expect(try count(db, "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check = 'ok'") == 1)
        let files = try count(db, "SELECT count(*) FROM source_file")
        #expect(files >= 1 && files < 4)
        // Only whole files: every stored file has all its records, and nothing else is there.
        #expect(try count(db, "SELECT count(*) FROM source_file WHERE records != \(linesPerFile)") == 0)
        #expect(try count(db, "SELECT count(*) FROM invocation") == files * linesPerFile)

        let rerun = try AnalyzeCommand.run(["ingest", "runs", "--db", "killed.sqlite"], in: directory)
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(rerun.stdout.contains("ingested \(4 - files), skipped \(files) already in store"), "\(rerun.stdout)")
        let clean = try AnalyzeCommand.run(["ingest", "runs", "--db", "clean.sqlite"], in: directory)
        #expect(clean.status == 0)

        for sql in [
            "SELECT count(*) FROM invocation", "SELECT count(*) FROM source_file", "SELECT count(*) FROM instance",
            "SELECT count(*) FROM vm", "SELECT count(*) FROM function", "SELECT sum(is_cold) FROM invocation",
            "SELECT count(*) FROM rejected_record",
        ] {
            #expect(try count(db, sql) == count(directory + "/clean.sqlite", sql), "\(sql)")
        }
    }

    @Test func strictTurnsRejectsIntoFailure() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        _ = try GeneratedLog(lines: 3, seed: 1, into: directory, name: "a.log")
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: directory + "/a.log"))
        try handle.seekToEnd()
        handle.write(Data("not a record\n".utf8))
        try handle.close()

        let lenient = try AnalyzeCommand.run(["ingest", "a.log"], in: directory)
        #expect(lenient.status == 0)
        #expect(lenient.stderr.contains("a.log: 1 record rejected (see `analyze rejects`)"))
        let strict = try AnalyzeCommand.run(["ingest", "a.log", "--db", "strict.sqlite", "--strict"], in: directory)
        #expect(strict.status == 1)
        #expect(strict.stderr.contains("--strict: 1 records rejected, 0 files failed"))

        let rejects = try AnalyzeCommand.run(["rejects", "--format", "csv"], in: directory)
        #expect(
            rejects.stdout
                == "snapshot,path,line,reason,raw\ndefault,a.log,4,too few fields: 1 (a faas_measure line has at "
                + "least 23),not a record\n"
        )
    }

    @Test func queryIsReadOnlyAndPrintsEachFormat() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let log = try GeneratedLog(lines: 20, seed: 3, into: directory, name: "a.log")
        #expect(try AnalyzeCommand.run(["ingest", "a.log", "--snapshot", "demo"], in: directory).status == 0)

        let json = try AnalyzeCommand.run(
            [
                "query", "SELECT runtime, count(*) AS n FROM invocation_view GROUP BY runtime ORDER BY runtime",
                "--format", "json",
            ],
            in: directory)
        let expected = log.runtimes.keys.sorted().map { #"{"runtime":"\#($0)","n":\#(log.runtimes[$0]!)}"# }
        #expect(json.stdout == "[" + expected.joined(separator: ",\n ") + "]\n")
        // The aligned table reads the rows twice: once for the widths, once to print.
        let table = try AnalyzeCommand.run(
            ["query", "SELECT runtime, count(*) AS n FROM invocation_view GROUP BY runtime ORDER BY runtime"],
            in: directory)
        let names = log.runtimes.keys.sorted()
        let widths = [
            max(7, names.map(\.count).max()!), max(1, names.map { String(log.runtimes[$0]!).count }.max()!),
        ]
        func line(_ cells: [String]) -> String {
            zip(cells, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
                .replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) + "\n"
        }
        #expect(
            table.stdout
                == line(["runtime", "n"]) + line(widths.map { String(repeating: "-", count: $0) })
                + names.map { line([$0, String(log.runtimes[$0]!)]) }.joined())

        // Columns align by characters (an accented letter and an emoji are one each), and no line ends in
        // white space, a value's own included.
        let wide = try AnalyzeCommand.run(
            ["query", "SELECT column1 AS a, column2 AS b FROM (VALUES ('é', 'x'), ('🙂', 'y'), ('abc', 'z '))"],
            in: directory)
        #expect(wide.stdout == "a    b\n---  --\né    x\n🙂    y\nabc  z\n")
        // Numbers as C's %.6g prints them: six significant digits, an exponent past them.
        let numbers = try AnalyzeCommand.run(
            ["query", "SELECT 1234567.891 AS a, 0.000012345 AS b, 2.5 AS c"], in: directory)
        #expect(numbers.stdout.split(separator: "\n").last == "1.23457e+06  1.2345e-05  2.5")

        let write = try AnalyzeCommand.run(["query", "DELETE FROM invocation"], in: directory)
        #expect(write.status != 0)
        #expect(write.stderr.contains("readonly"))
        #expect(try count(directory + "/analyze.sqlite", "SELECT count(*) FROM invocation") == 20)

        let snapshots = try AnalyzeCommand.run(["snapshots", "--format", "csv"], in: directory)
        #expect(
            snapshots.stdout.hasPrefix(
                "snapshot,files,records,rejected,providers,first_seen,last_seen,formats,description\ndemo,1,20,0,aws,"
                    + "2017-09-04T00:00:00Z,"
            ))
    }

    /// The committed simulated metrics are what `make report` computes: the profile simulated at the
    /// paper's scale with its year as the seed, ingested into a fresh store, gives the same bytes.
    /// `analyze trend` on three simulated snapshots a year apart: CSV with one row per group and point,
    /// the report with --out, and a one-line error (exit 1) for snapshots given out of time order.
    @Test func trendPrintsWritesAndRefusesDisorder() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let profile = try JSONSerialization.jsonObject(
            with: Data(contentsOf: root.appendingPathComponent("Sources/Simulate/Profiles/aws-2018.json")))
        for year in 0..<3 {
            var shifted = profile as! [String: Any]
            shifted["start_time"] = (shifted["start_time"] as! Double) + Double(year) * 365.25 * 86_400
            try JSONSerialization.data(withJSONObject: shifted).write(
                to: URL(fileURLWithPath: directory + "/profile-\(year).json"))
            let simulate = try AnalyzeCommand.run(
                [
                    "simulate", "--profile-file", "profile-\(year).json", "--experiments", "coldstart", "--scale",
                    "0.1", "--seed", String(year + 1),
                    "--out", "runs-\(year)",
                ], in: directory)
            #expect(simulate.status == 0, "\(simulate.stderr)")
            #expect(
                try AnalyzeCommand.run(["ingest", "runs-\(year)", "--snapshot", "year-\(year)"], in: directory).status
                    == 0)
        }
        let csv = try AnalyzeCommand.run(["trend", "--snapshots", "year-*", "--format", "csv"], in: directory)
        #expect(csv.status == 0, "\(csv.stderr)")
        let lines = csv.stdout.split(separator: "\n")
        #expect(
            lines.first?.hasPrefix(
                "metric,provider,runtime,architecture,packaging,memory_mb,setting,also_published_as,point,") == true)
        #expect(lines.dropFirst().allSatisfy { $0.contains(",too few points") })  // three points: no test decides
        #expect(lines.count > 1 && (lines.count - 1) % 3 == 0)  // every group at each of the three points
        let report = try AnalyzeCommand.run(["trend", "year-0", "year-1", "year-2", "--out", "trend"], in: directory)
        #expect(report.status == 0, "\(report.stderr)")
        for file in ["trend.md", "report.html", "trend.csv", "trend.json"] {
            #expect(FileManager.default.fileExists(atPath: directory + "/trend/" + file), "\(file)")
        }
        let disorder = try AnalyzeCommand.run(["trend", "year-1", "year-0", "year-2"], in: directory)
        #expect(disorder.status == 1)
        #expect(disorder.stderr.contains("out of time order") && disorder.stderr.split(separator: "\n").count == 1)
    }

    @Test func committedMetricsAreReproducible() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try simulateAsMakeReportDoes("aws-2017", in: directory)
        #expect(try AnalyzeCommand.run(["ingest", ".simulated"], in: directory).status == 0)
        let metrics = try AnalyzeCommand.run(
            ["metrics", "--snapshot", "simulated-aws-2017", "--format", "csv"], in: directory)
        #expect(metrics.status == 0)
        let committed = try String(
            contentsOf: root.appendingPathComponent("Reports/simulated-aws-2017/metrics.csv"), encoding: .utf8)
        #expect(metrics.stdout == committed)
        #expect(
            metrics.stdout.contains(
                "placement.vm_memory_mb,aws,,,\"aggregate memory of the instances on one VM, experiment=placement\","
                    + "max,3328.0,MB,"
            ))
    }

    /// `make report` from a clean clone writes the committed reports: ingesting the data as `make ingest`
    /// does (paths relative to the repository root, the simulated runs in `.simulated/`) and writing one
    /// snapshot's report gives the same bytes.
    @Test func committedReportIsReproducible() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // The store's paths are the ones `make` gives: Datasets/... and .simulated/...; the paper's numbers
        // are there for the key findings.
        try FileManager.default.createSymbolicLink(
            atPath: directory + "/Datasets", withDestinationPath: root.appendingPathComponent("Datasets").path)
        try simulateAsMakeReportDoes("aws-2017", in: directory)
        let db = directory + "/store.sqlite"
        let ingest = try AnalyzeCommand.run(
            [
                "ingest", "Datasets/paper-2018", "Datasets/lambda-coldstart-comparison-2017",
                "Datasets/faas-parallelism-benchmark-2020", ".simulated", "--db", db,
            ], in: directory)
        #expect(ingest.status == 0, "\(ingest.stderr)")
        // A simulated snapshot and two public collections (one through a built-in mapping).
        for snapshot in ["simulated-aws-2017", "lambda-coldstart-2017", "faas-parallelism-2020"] {
            let out = directory + "/" + snapshot
            let report = try AnalyzeCommand.run(
                ["report", "--db", db, "--snapshot", snapshot, "--out", out], in: directory)
            #expect(report.status == 0, "\(report.stderr)")
            let committed = root.appendingPathComponent("Reports/" + snapshot)
            #expect(
                try Data(contentsOf: URL(fileURLWithPath: out + "/report.md"))
                    == Data(contentsOf: committed.appendingPathComponent("report.md")), "\(snapshot)")
            let figures = try FileManager.default.contentsOfDirectory(atPath: out + "/figures").sorted()
            #expect(
                figures
                    == (try FileManager.default.contentsOfDirectory(
                        atPath: committed.appendingPathComponent("figures").path
                    ).sorted()))
            for figure in figures {
                #expect(
                    try Data(contentsOf: URL(fileURLWithPath: out + "/figures/" + figure))
                        == Data(contentsOf: committed.appendingPathComponent("figures/" + figure)),
                    "\(snapshot)/\(figure)")
            }
        }
    }

    /// What the Makefile's `.simulated/<profile>` rule runs: the paper's scale, the profile's year as the seed.
    private func simulateAsMakeReportDoes(_ profile: String, in directory: String) throws {
        let seed = String(profile.split(separator: "-").last!)
        let simulate = try AnalyzeCommand.run(
            ["simulate", "--profile", profile, "--out", ".simulated", "--seed", seed, "--scale", "1"], in: directory)
        #expect(simulate.status == 0, "\(simulate.stderr)")
    }

    @Test func missingPathsAndUnknownFormatsAreUsageErrors() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let missing = try AnalyzeCommand.run(["ingest", "nope.log"], in: directory)
        #expect(missing.status != 0 && missing.stderr.contains("nope.log: no such file or directory"))
        let format = try AnalyzeCommand.run(["ingest", ".", "--format", "xml"], in: directory)
        #expect(format.status != 0 && format.stderr.contains("unknown format 'xml'"))
        let noStore = try AnalyzeCommand.run(["snapshots"], in: directory)
        #expect(noStore.status != 0 && noStore.stderr.contains("no store at analyze.sqlite"))
    }
}
