import Foundation
import Testing

/// A simulated snapshot's report as `make report` writes it: the banner names the seed and scale, and
/// the key findings put the model's value (from each run's truth.json) beside the paper's and the
/// measured one.
@Suite(.serialized) struct SimulatedReportTests {
    static let datasets = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Datasets")

    /// `expected.<key>` of a committed run's truth.json, read here without the store.
    static func truth(_ run: String, _ key: String) throws -> Any {
        let data = try Data(contentsOf: datasets.appendingPathComponent("simulated/aws-2017/\(run)/truth.json"))
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return try #require((root["expected"] as? [String: Any])?[key])
    }

    @Test func keyFindingsCarryTheModelsValuesFromTruth() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for data in ["simulated/aws-2017", "paper-2018"] {
            let ingest = try AnalyzeCommand.run(
                ["ingest", Self.datasets.appendingPathComponent(data).path], in: directory)
            #expect(ingest.status == 0, "\(ingest.stderr)")
        }
        let report = try AnalyzeCommand.run(["report", "--out", "out"], in: directory)
        #expect(report.status == 0, "\(report.stderr)")
        let markdown = try String(contentsOfFile: "\(directory)/out/simulated-aws-2017/report.md", encoding: .utf8)
        #expect(markdown.contains("profile `aws-2017` (seed 2017, scale 0.05)"))

        // Key-findings rows by finding and the paper's row: the model column is the fifth.
        let lines = markdown.split(separator: "\n").drop { !$0.hasPrefix("## Key findings") }.prefix { $0 != "## 1. " }
        let header = try #require(lines.first { $0.hasPrefix("| finding |") })
        #expect(header.contains("| paper | model (truth.json) | here"))
        func model(_ finding: String, _ row: String) throws -> Double {
            let line = try #require(lines.first { $0.hasPrefix("| \(finding) | aws | \(row)") }, "\(finding)")
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            return try #require(Double(cells[5]), "\(line)")
        }
        let cold = try #require(try Self.truth("coldstart/cold-warm-pairs", "cold") as? [[String: Any]])
        let java = cold.filter { $0["runtime"] as? String == "java8" }.compactMap { $0["model_median_ms"] as? Double }
        let expected: [(String, String, Double)] = [
            (
                "Maximum concurrent instances", "one function",
                try #require(try Self.truth("scalability/concurrency", "max_concurrent_instances") as? Double)
            ),
            (
                "Memory packed on one VM", "aggregate memory",
                try #require(try Self.truth("placement/mixed-memory", "max_vm_memory_mb") as? Double)
            ),
            ("Cold-start latency", "java8, across memory sizes (highest", try #require(java.max())),
            ("Cold-start latency", "java8, across memory sizes (lowest", try #require(java.min())),
            (
                "Warm-start latency", "all warm starts",
                try #require(try Self.truth("coldstart/cold-warm-pairs", "warm_median_ms") as? Double)
            ),
            (
                "Longest idle time survived", "VM kept busy",
                try #require(try Self.truth("idle/gap-probes", "busy_vm_max_idle_minutes") as? Double)
            ),
            (
                "Longest idle time survived", "idle instances",
                try #require(try Self.truth("idle/gap-probes", "max_idle_minutes") as? Double)
            ),
        ]
        for (finding, row, value) in expected {
            // The report prints four significant digits.
            #expect(abs(try model(finding, row) - value) <= value * 5e-4, "\(finding), \(row): \(value)")
        }
    }

    @Test func aTruthThatDoesNotReadIsNamedAndItsRunNotStored() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let run = URL(fileURLWithPath: directory).appendingPathComponent("run")
        try FileManager.default.copyItem(
            at: Self.datasets.appendingPathComponent("simulated/aws-2017/placement/mixed-memory"), to: run)
        try Data(#"{"profile": "aws-2017", "seed": -1}"#.utf8).write(to: run.appendingPathComponent("truth.json"))
        // As a bad manifest: every file of the run fails, named with the reason; nothing of it is stored.
        let ingest = try AnalyzeCommand.run(["ingest", "run"], in: directory)
        #expect(
            ingest.stderr.contains(
                "run/invocations.log: not ingested: run/truth.json: invalid simulation truth: no 'experiment'"),
            "\(ingest.stderr)")
        let snapshots = try AnalyzeCommand.run(["snapshots", "--format", "csv"], in: directory)
        #expect(!snapshots.stdout.contains("simulated-aws-2017"), "\(snapshots.stdout)")
    }
}
