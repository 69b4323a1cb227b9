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
}
