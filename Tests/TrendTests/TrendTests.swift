import Analysis
import Foundation
import Ingest
import Simulate
import Store
import Testing

@testable import Trend

/// Trends over snapshots with a known drift (simulated), over the real lambda-perf data (against an
/// independent computation from its raw files), and the one-line errors of bad input.
@Suite struct TrendTests {
    /// A store of its own in a temporary folder, removed with the value.
    final class Workspace {
        let folder = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("trend-" + UUID().uuidString)
        let store: Store
        init() throws {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            store = try Store(path: folder.path + "/store.sqlite")
        }
        deinit { try? FileManager.default.removeItem(at: folder) }

        /// A 2018 profile's cold-start experiment as snapshot `name`, `years` after its start, with
        /// python2.7's cold-start median moved by `shift` ms.
        func simulate(
            _ name: String, years: Double, shift: Double = 0, seed: UInt64, scale: Double, profile: String = "aws-2018"
        ) throws {
            var profile = try Profile.builtIn(profile)
            profile.startTime += years * SnapshotTime.secondsPerYear
            if shift != 0 { profile.runtimes["python2.7"]!.coldMedianMs128 += shift }
            let out = folder.appendingPathComponent(name)
            _ = try Simulator(profile: profile, seed: seed, scale: scale).run([.coldstart], into: out)
            _ = try Ingester(store: store, options: .init(snapshot: name)).run(paths: [out.path])
        }
    }

    static func python128(_ series: TrendSeries) -> Bool {
        series.row.metric == .coldStartLatency && series.row.runtime == "python2.7" && series.row.memoryMB == 128
            && series.row.parameters.temperature == .cold
    }

    /// A value that repeats its group's value at the point before exactly (median, CI and n: mikhail.io's
    /// raw files published again under a later date) is kept once; an equal median with another n is not.
    @Test func aRepublishedValueIsKeptOnce() throws {
        let day = 86_400.0
        let points = (0..<5).map { index in
            Trend.Point(
                label: "p\(index)", snapshot: "p\(index)",
                time: SnapshotTime(
                    first: Double(index) * 30 * day, last: Double(index) * 30 * day + 1, basis: .fileNameDates))
        }
        func row(_ runtime: String, _ median: Double, n: Int) -> Metric {
            Metric(
                .coldStartLatency, provider: "aws", runtime: runtime, memoryMB: 128,
                parameters: MetricParameters(temperature: .cold), statistic: .median, value: median, unit: "ms",
                n: n, ci: (median - 10, median + 10))
        }
        let repeated = [100.0, 110, 110, 120, 130]
        let sameMedian = [200.0, 200, 210, 220, 230]
        let trend = try Trend(
            points: points,
            rows: (0..<5).map { [row("python", repeated[$0], n: 50), row("java", sameMedian[$0], n: 50 + $0)] })
        let python = try #require(trend.series.first { $0.row.runtime == "python" })
        #expect(python.values.map(\.point) == [0, 1, 3, 4] && python.values.map(\.median) == [100, 110, 120, 130])
        #expect(trend.series.first { $0.row.runtime == "java" }?.values.count == 5)
        #expect(trend.republished == 1)
    }

    /// A group whose every value is another group's at the same point (one file under two names) is
    /// followed once, under the group with more points, or with a runtime when both have as many; a group
    /// that shares only some values, or the same medians with another n, stays.
    @Test func aGroupPublishedUnderTwoNamesIsFollowedOnce() throws {
        let points = (0..<6).map { index in
            Trend.Point(
                label: "p\(index)", snapshot: "p\(index)",
                time: SnapshotTime(
                    first: Double(index) * 1e6, last: Double(index) * 1e6 + 1, basis: .fileNameDates))
        }
        func row(_ runtime: String?, _ scenario: String, _ median: Double, n: Int) -> Metric {
            Metric(
                .coldStartLatency, provider: "aws", runtime: runtime, setting: "scenario=\(scenario), cold starts",
                parameters: MetricParameters(temperature: .cold, scenario: scenario), statistic: .median,
                value: median, unit: "ms", n: n, ci: (median - 10, median + 10))
        }
        let medians = [300.0, 400, 200, 210, 190, 260]
        let rows: [[Metric]] = (0..<6).map { point in
            let m = medians[point]
            var rows = [row(nil, "nodeps", m, n: 50), row("javascript", "js", m, n: 50)]
            if point > 0 { rows.append(row(nil, "subset", m, n: 50)) }  // five of the six, all shared
            rows.append(row(nil, "partly", point < 3 ? m : m + 1, n: 50))  // shares three only
            // All in "partly", two of them also in "js": still the same measurement as "partly".
            if point > 0 { rows.append(row(nil, "inpartly", point < 3 ? m : m + 1, n: 50)) }
            rows.append(row(nil, "othern", m, n: 60))  // same medians, another n
            return rows
        }
        let trend = try Trend(points: points, rows: rows)
        #expect(trend.series.map { $0.row.parameters.scenario! }.sorted() == ["js", "othern", "partly"])
        let javascript = try #require(trend.series.first { $0.row.runtime == "javascript" })
        #expect(javascript.aliases.map { $0.group.parameters.scenario } == ["nodeps", "subset"])
        #expect(trend.series.first { $0.row.parameters.scenario == "partly" }?.aliases.count == 1)
        #expect(trend.aliased == 3)
        #expect(trend.sharedValues == 3)  // "partly" and "js" at the first three points
        #expect(TrendReport.line(javascript, among: trend.series).name == "javascript = nodeps = subset")
        let csv = TrendReport(trend).points().csv()
        #expect(csv.contains("\"scenario=nodeps, cold starts; scenario=subset, cold starts\""))
    }

    /// Six panels to a figure, and no figure of one panel alone.
    @Test func panelsAreSharedOutWithoutAFigureOfOne() {
        #expect(TrendReport.figures(of: Array(1...6)).map(\.count) == [6])
        #expect(TrendReport.figures(of: Array(1...7)).map(\.count) == [7])
        #expect(TrendReport.figures(of: Array(1...8)).map(\.count) == [6, 2])
        #expect(TrendReport.figures(of: Array(1...13)).map(\.count) == [6, 7])
    }

    /// Python 2.7's cold-start median falls 15 ms a year over eight yearly snapshots: the slope's 95% CI
    /// covers -15 ms per year and the verdict is "falling" at every memory size; the other runtimes,
    /// unchanged, are "stable".
    @Test func knownDriftIsRecovered() throws {
        let workspace = try Workspace()
        let names = (0..<8).map { "drift-\($0)" }
        for (step, name) in names.enumerated() {
            try workspace.simulate(
                name, years: Double(step), shift: -15 * Double(step), seed: 7 + UInt64(step), scale: 1)
        }
        let trend = try Trend(store: workspace.store, snapshots: names)
        #expect(trend.points.map(\.snapshot) == names)
        let python = try #require(trend.series.first(where: Self.python128))
        #expect(python.values.count == 8)
        let slope = try #require(python.slope)
        #expect(slope.low <= -15 && -15 <= slope.high, "slope \(slope.slope) [\(slope.low), \(slope.high)]")
        let cold = trend.series.filter {
            $0.row.metric == .coldStartLatency && $0.row.parameters.temperature == .cold && $0.row.memoryMB != nil
        }
        #expect(cold.count == 15)  // three runtimes at five memory sizes
        for series in cold {
            let expected: TrendSeries.Verdict = series.row.runtime == "python2.7" ? .falling : .stable
            #expect(series.verdict == expected, "\(series.row.rowLabel): \(series.verdict)")
        }
    }

    /// With no drift, every cold-start group's verdict over five snapshots is "stable" in at least 95% of
    /// 20 seeds.
    @Test func flatSeriesAreStable() throws {
        var verdicts: [TrendSeries.Verdict] = []
        for seed in UInt64(1)...20 {
            let workspace = try Workspace()
            let names = (0..<5).map { "flat-\($0)" }
            for (step, name) in names.enumerated() {
                try workspace.simulate(name, years: Double(step), shift: 0, seed: seed * 100 + UInt64(step), scale: 0.3)
            }
            let trend = try Trend(store: workspace.store, snapshots: names)
            verdicts += trend.series.filter {
                $0.row.metric == .coldStartLatency && $0.row.parameters.temperature == .cold && $0.row.memoryMB != nil
            }.map(\.verdict)
        }
        #expect(verdicts.count == 20 * 15)
        let stable = verdicts.filter { $0 == .stable }.count
        #expect(Double(stable) >= 0.95 * Double(verdicts.count), "\(stable) of \(verdicts.count) stable")
    }

    /// Bad input: one-line errors for too few points, an unknown snapshot, snapshots given out of time
    /// order or at the same time, and a snapshot that does not say when it was measured.
    @Test func badInputIsRefusedInOneLine() throws {
        let workspace = try Workspace()
        for (step, name) in ["a", "b", "c"].enumerated() {
            try workspace.simulate(name, years: Double(step), shift: 0, seed: 1, scale: 0.1)
        }
        try workspace.simulate("same-as-a", years: 0, shift: 0, seed: 2, scale: 0.1)
        let store = workspace.store
        #expect(throws: TrendError.tooFewPoints(2)) { try Trend(store: store, snapshots: ["a", "b"]) }
        #expect(throws: TrendError.unknownSnapshot("z")) { try Trend(store: store, snapshots: ["a", "b", "z"]) }
        #expect(throws: TrendError.outOfOrder(earlier: "a", later: "b")) {
            try Trend(store: store, snapshots: ["b", "a", "c"])
        }
        #expect(throws: TrendError.sameTime("a", "same-as-a")) {
            try Trend(store: store, snapshots: ["a", "same-as-a", "c"])
        }
        #expect(try Trend.snapshots(matching: "[a-c]", in: store) == ["a", "b", "c"])
        #expect(throws: TrendError.noMatchingSnapshot(pattern: "x*")) { try Trend.snapshots(matching: "x*", in: store) }
        // Published numbers without a date: ingest a metrics CSV as its own snapshot.
        let csv = workspace.folder.appendingPathComponent("published.csv")
        try Data("metric,provider,statistic,value,unit\ncoldstart.latency_ms,aws,median,200,ms\n".utf8).write(to: csv)
        _ = try Ingester(store: store, options: .init(snapshot: "published")).run(paths: [csv.path])
        #expect(throws: TrendError.noTime(snapshot: "published")) {
            try Trend(store: store, snapshots: ["a", "b", "published"])
        }
        // Three points, but no group measured in more than one of them.
        try workspace.simulate("google", years: 3, seed: 3, scale: 0.1, profile: "google-2018")
        try workspace.simulate("azure", years: 4, seed: 4, scale: 0.1, profile: "azure-2018")
        #expect(throws: TrendError.noCommonGroup(points: 3)) {
            try Trend(store: store, snapshots: ["c", "google", "azure"])
        }
        for error in [TrendError.noTime(snapshot: "published"), .outOfOrder(earlier: "a", later: "b")] {
            #expect(!error.description.contains("\n"))
        }
    }

    static let datasets = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Datasets")

    /// The per-year medians of lambda-perf's Init Durations, by snapshot and split by year, equal an
    /// independent computation from the raw files (Python 3, numpy 2.4.6, type-7 median):
    ///
    ///     for f in glob('Datasets/lambda-perf/data/**/*.json', recursive=True):
    ///         year = basename(f)[:4]
    ///         for e in json.load(open(f))['runtimeData']:
    ///             runtime = e.get('r', e.get('runtime')).replace('lambda-perf-', '').split('-')[0]
    ///             key = (year, runtime, e.get('a', e.get('architecture', 'x86_64')), e.get('p', 'zip'),
    ///                    e.get('m', e.get('memorySize')))
    ///             groups[key] += e.get('i', e.get('initDurations'))
    ///     np.median(groups[key]), len(groups[key])
    @Test func lambdaPerfYearlyMediansMatchTheRawFiles() throws {
        let workspace = try Workspace()
        _ = try Ingester(store: workspace.store).run(paths: [Self.datasets.appendingPathComponent("lambda-perf").path])
        let years = ["2022", "2023", "2024", "2025", "2026"]
        let expected: [(runtime: String, architecture: String, medians: [String: (Double, Int)])] = [
            (
                "python39", "x86_64",
                [
                    "2022": (109.13, 880), "2023": (109.36, 120), "2024": (79.00999999999999, 120),
                    "2025": (79.965, 110), "2026": (84.715, 64),
                ]
            ),
            (
                "java11", "x86_64",
                [
                    "2022": (434.155, 880), "2023": (384.95000000000005, 120), "2024": (273.875, 120),
                    "2025": (282.07000000000005, 110), "2026": (284.13, 70),
                ]
            ),
            (
                "nodejs18x", "arm64",
                ["2023": (174.22500000000002, 80), "2024": (180.49, 120), "2025": (184.645, 110)]
            ),
        ]
        let bySnapshot = try Trend(store: workspace.store, snapshots: years.map { "lambda-perf-\($0)" })
        let byYear = try Trend(store: workspace.store, snapshots: years.map { "lambda-perf-\($0)" }, by: .year)
        #expect(byYear.points.map(\.label) == years)
        for trend in [bySnapshot, byYear] {
            for group in expected {
                let series = try #require(
                    trend.series.first {
                        $0.row.metric == .coldStartInitDuration && $0.row.runtime == group.runtime
                            && $0.row.architecture == group.architecture && $0.row.packaging == "zip"
                            && $0.row.memoryMB == 128 && $0.row.parameters.temperature == .cold
                    }, "\(group.runtime)")
                let found = Dictionary(
                    uniqueKeysWithValues: series.values.map {
                        (String(trend.points[$0.point].time.description.prefix(4)), ($0.median, $0.n ?? 0))
                    })
                #expect(found.count == group.medians.count)
                for (year, (median, n)) in group.medians {
                    #expect(found[year]?.0 == median && found[year]?.1 == n, "\(group.runtime) \(year)")
                }
            }
        }
    }
}
