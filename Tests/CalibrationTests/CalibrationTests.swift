import Foundation
import Ingest
import Simulate
import Store
import Testing

@testable import Calibration

@Suite struct CalibrationTests {
    @Test func tolerancesAdmitWhatTheySay() {
        #expect(Tolerance.relative(0.1).admits(109, paper: 100))
        #expect(!Tolerance.relative(0.1).admits(111, paper: 100))
        #expect(Tolerance.absolute(0.05).admits(0.34, paper: 0.3))
        #expect(!Tolerance.absolute(0.05).admits(0.36, paper: 0.3))
        #expect(Tolerance.within(6...12).admits(9.1, paper: 9.2) && !Tolerance.within(6...12).admits(12.5, paper: 9.2))
        #expect(Tolerance.absolute(0).admits(200, paper: 200) && !Tolerance.absolute(0).admits(199, paper: 200))
        #expect(Tolerance.relative(0.2).description == "±20 %" && Tolerance.within(6...12).description == "6 to 12")
    }

    /// What `make report` does, from fresh runs: every profile at the paper's scale with its year as the
    /// seed, the paper's numbers beside them. Every number a profile is calibrated on is recovered
    /// within its tolerance, and the ones the issue names are checked by hand.
    @Test func profilesRecoverThePaperWithinTolerance() throws {
        let folder = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(
            "calibration-" + UUID().uuidString)
        defer { try? FileManager.default.removeItem(at: folder) }
        let runs = folder.appendingPathComponent("runs")
        for name in Calibration.profileNames + Calibration.rerunProfileNames {
            let rerun = Calibration.rerunProfileNames.contains(name)
            try Simulator(profile: try Profile.builtIn(name), seed: rerun ? 2018 : 2017, scale: 1).run(
                rerun ? [.coldstart] : Experiment.allCases, into: runs)
        }
        let store = try Store(path: folder.path + "/store.sqlite")
        let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let summary = try Ingester(store: store).run(paths: [
            runs.path, package.appendingPathComponent("Datasets/paper-2018").path,
        ])
        #expect(summary.rejected == 0 && summary.failed == 0)

        let calibration = try Calibration(store: store)
        let targets = calibration.rows.filter { $0.verdict != .reference }
        #expect(targets.count >= 50)
        for row in targets {
            let found = row.recovered.map { "\($0.row.value)" } ?? "none"
            #expect(
                row.verdict == .within,
                "\(row.paper.provider ?? "") \(row.paper.rowLabel): paper \(row.paper.value), recovered \(found)")
        }
        func recovered(_ metric: MetricID, _ provider: String, _ statistic: Statistic) throws -> Metric {
            try #require(
                calibration.rows.first {
                    $0.paper.metric == metric && $0.paper.provider == provider && $0.paper.statistic == statistic
                }?.recovered?.row)
        }
        // The issue's examples, recomputed from the recovered rows.
        #expect((6...12).contains(try recovered(.vmUptimeHours, "aws", .max).value))
        #expect(abs(try recovered(.crossTenantFraction, "azure", .fraction).value - 0.30) <= 0.05)
        for (provider, paper) in [("aws", 174.0), ("azure", 8500), ("google", 349)] {
            #expect(abs(try recovered(.hourlyColdStartMedian, provider, .median).value / paper - 1) <= 0.2)
        }
        for (provider, speedup) in [("aws", 1.0), ("azure", 15), ("google", 4)] {
            let row = try recovered(.rerunSpeedup, provider, .ratioOfMeans)
            #expect(abs(row.value / speedup - 1) <= 0.2, "\(provider): \(row.value)")
            let (low, high) = (try #require(row.ciLow), try #require(row.ciHigh))
            #expect(low <= row.value && row.value <= high)
            // AWS unchanged: its CI holds 1; Google and Azure faster: theirs lie above 1.
            #expect(provider == "aws" ? low <= 1 && 1 <= high : low > 1)
        }
        // Lifetime settings rest on at least 50 instances each, as the paper's did.
        for row in calibration.rows where row.paper.metric == .instanceLifetimeMinutes {
            #expect((row.recovered?.row.n ?? 0) >= 50)
        }
    }
}
