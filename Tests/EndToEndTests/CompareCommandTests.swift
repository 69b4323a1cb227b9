import Foundation
import Testing

/// `analyze compare` as a user runs it on fresh snapshots: no `analyze metrics` first.
@Suite(.serialized) struct CompareCommandTests {
    /// Google's 2018 rerun cut cold starts about 4x (the paper's profiles, docs/simulator.md).
    @Test func recoversGooglesSpeedupWithoutMetricsFirst() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for year in ["2017", "2018"] {
            let simulate = try AnalyzeCommand.run(
                [
                    "simulate", "--profile", "google-\(year)", "--experiments", "coldstart",
                    "--out", "runs\(year)", "--seed", year, "--scale", "0.5",
                ], in: directory)
            #expect(simulate.status == 0, "\(simulate.stderr)")
            #expect(
                try AnalyzeCommand.run(["ingest", "runs\(year)", "--snapshot", "google-\(year)"], in: directory).status
                    == 0)
        }
        let compare = try AnalyzeCommand.run(
            ["compare", "google-2017", "google-2018", "--format", "json"], in: directory)
        #expect(compare.status == 0, "\(compare.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(compare.stdout.utf8)) as? [String: Any])
        let pairs = try #require(document["pairs"] as? [[String: Any]])
        let pooled = try #require(
            pairs.first {
                let a = $0["a"] as? [String: Any]
                let parameters = a?["parameters"] as? [String: Any]
                return a?["metric"] as? String == "coldstart.latency_ms" && a?["statistic"] as? String == "median"
                    && parameters?["grouping"] as? String == "pooled" && parameters?["temperature"] as? String == "cold"
            })
        let ratio = try #require(pooled["b_over_a"] as? Double)
        let high = try #require(pooled["ci_high"] as? Double)
        let low = try #require(pooled["ci_low"] as? Double)
        #expect(ratio > 0.2 && ratio < 0.33, "B/A \(ratio)")
        #expect(low < ratio && ratio < high && high < 1, "CI [\(low), \(high)]")
        #expect(pooled["verdict"] as? String == "faster")
    }

    /// The paper's numbers against the 2020 FaaS Parallelism Benchmark, as `make compare-rerun` runs them:
    /// the headline joins (maximum concurrent instances, AWS warm starts) and the refusals.
    @Test func paperAgainstTheBenchmarkJoinsTheHeadlinesAndRefusesTheRest() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for (data, snapshot) in [("paper-2018", nil), ("faas-parallelism-benchmark-2020", "faas-parallelism-2020")] {
            let path = root.appendingPathComponent("Datasets/\(data)").path
            let arguments = ["ingest", path] + (snapshot.map { ["--snapshot", $0] } ?? [])
            #expect(try AnalyzeCommand.run(arguments, in: directory).status == 0)
        }
        let compare = try AnalyzeCommand.run(
            ["compare", "paper-2018", "faas-parallelism-2020", "--format", "json"], in: directory)
        #expect(compare.status == 0, "\(compare.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(compare.stdout.utf8)) as? [String: Any])
        func rows(_ key: String) -> [(metric: String, provider: String, a: Double, b: Double)] {
            ((document[key] as? [[String: Any]]) ?? []).compactMap { row in
                guard let a = row["a"] as? [String: Any], let b = row["b"] as? [String: Any],
                    let metric = a["metric"] as? String, let provider = a["provider"] as? String,
                    let x = a["value"] as? Double, let y = b["value"] as? Double
                else { return nil }
                return (metric, provider, x, y)
            }
        }
        let pairs = rows("pairs").map { "\($0.metric) \($0.provider) \($0.a) -> \($0.b)" }
        #expect(pairs.contains("scalability.max_concurrent_instances aws 200.0 -> 791.0"), "\(pairs)")
        #expect(pairs.contains("scalability.max_concurrent_instances azure 10.0 -> 17.0"), "\(pairs)")
        #expect(pairs.contains { $0.hasPrefix("warmstart.latency_ms aws 25.0 -> 71.4") }, "\(pairs)")
        let refused = Set(rows("refused").map { "\($0.metric) \($0.provider)" })
        #expect(
            refused == [
                "lifetime.vm_uptime_hours aws", "placement.vm_memory_mb aws", "warmstart.latency_ms google",
            ], "\(refused)")
        // The forest plot names each pair in words, one row per ratio.
        let report = try AnalyzeCommand.run(
            ["compare", "paper-2018", "faas-parallelism-2020", "--format", "md", "--out", "out"], in: directory)
        #expect(report.status == 0, "\(report.stderr)")
        let forest = try String(contentsOfFile: "\(directory)/out/figures/ratios.svg", encoding: .utf8)
        #expect(forest.contains(">aws · warm-start latency (median)<"))
        #expect(!forest.contains("scalability.max_concurrent_instances"))
        // The most instances seen grows with the highest level a run tried (the benchmark's 1,000 against
        // the paper's 200): not drawn as a ratio, named in the caption.
        #expect(!forest.contains("max concurrent instances"))
        // Every row is a published summary: the caption promises no CI.
        let compareMarkdown = try String(contentsOfFile: "\(directory)/out/compare.md", encoding: .utf8)
        #expect(compareMarkdown.contains("dashed: summary values, without a CI; only pairs"))
        #expect(
            compareMarkdown.contains("so they are left out (they are in the table): max concurrent instances (max)"))
        // The benchmark's Azure runs mark no cold start: its report says so under the cross-provider figure.
        let snapshotReport = try AnalyzeCommand.run(
            ["report", "--snapshot", "faas-parallelism-2020", "--out", "report"], in: directory)
        #expect(snapshotReport.status == 0, "\(snapshotReport.stderr)")
        let markdown = try String(contentsOfFile: "\(directory)/report/report.md", encoding: .utf8)
        #expect(markdown.contains("n in the legend). No line for azure: no cold start with a start latency"))
    }
}
