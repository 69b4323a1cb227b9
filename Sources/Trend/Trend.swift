import Analysis
import Foundation
import Statistics
import Store

/// How every metric group moved over an ordered set of points in time (docs/trend.md): each point is a
/// snapshot (or, with `Split`, one time window of a snapshot), analyzed as any snapshot is; each group
/// found in at least `fewestPoints` points becomes a `TrendSeries` of its medians with their CIs, a
/// Theil-Sen slope, a Mann-Kendall test, Pettitt change points and a verdict. The p-values of all
/// series are adjusted together (Benjamini-Hochberg), so that a run over 500 groups does not find 25
/// trends in noise.
public struct Trend: Sendable {
    public struct Point: Sendable {
        /// The snapshot, or its time window (`2023-04`).
        public let label: String
        public let snapshot: String
        public let time: SnapshotTime
        public var years: Double { SnapshotTime.years(time.middle) }
    }

    /// A group is trended when measured in at least this many points.
    public static let fewestPoints = 3
    /// Below this many points no Mann-Kendall p-value can fall under 0.05 (four rising points give 0.089).
    public static let fewestForTest = 5
    /// The least number of points on either side of a change point.
    public static let minimumSegment = 3
    /// The false discovery rate of the verdicts.
    public static let level = 0.05

    public let points: [Point]
    /// Every group in at least `fewestPoints` points, in key order.
    public let series: [TrendSeries]
    /// Groups measured in fewer points, left out.
    public let leftOut: Int
    /// Values that repeat their group's previous value exactly (median, CI and n: the same measurement
    /// published again, as mikhail.io's 2019-03-24 and 2019-03-27), kept once.
    public let republished: Int
    /// Groups whose every value is another followed group's value at the same point (median, CI and n: one
    /// measurement published under two names, as mikhail.io's aws `nodeps` and `js`): followed once, under
    /// the group that has the most points, and named in its `aliases`.
    public var aliased: Int { series.reduce(0) { $0 + $1.aliases.count } }
    /// Values of followed groups that are another followed group's value at the same point (a group that is
    /// another's at some points only: mikhail.io's aws `novpc` and `js` share 7 of 8); both keep them.
    public let sharedValues: Int

    /// A trend over the snapshots, oldest first.
    public init(store: Store, snapshots: [String]) throws {
        var points: [Point] = []
        for snapshot in snapshots {
            guard try store.snapshotExists(snapshot) else { throw TrendError.unknownSnapshot(snapshot) }
            guard let time = try store.time(of: snapshot) else { throw TrendError.noTime(snapshot: snapshot) }
            points.append(Point(label: snapshot, snapshot: snapshot, time: time))
        }
        try Self.checkOrder(points)
        let analyzer = Analyzer(store: store)
        var rows: [[Metric]] = []
        for point in points {
            if try store.hasInvocations(point.snapshot) { try analyzer.ensureCurrent(snapshot: point.snapshot) }
            rows.append(try store.metrics(snapshot: point.snapshot))
        }
        try self.init(points: points, rows: rows)
    }

    /// What splits one snapshot into points: its invocations' years, months or days.
    public typealias Split = SnapshotTime.Window

    /// A trend over the time windows of the snapshots (oldest first): each window's cold- and warm-start
    /// latencies (`Analyzer.startLatencies`), the measurements that stand alone per invocation. Windows
    /// without any are left out.
    public init(store: Store, snapshots: [String], by split: Split) throws {
        let analyzer = Analyzer(store: store)
        var points: [Point] = []
        var rows: [[Metric]] = []
        for snapshot in snapshots {
            guard try store.snapshotExists(snapshot) else { throw TrendError.unknownSnapshot(snapshot) }
            let windows = try store.timeWindows(of: snapshot, by: split)
            guard !windows.isEmpty else { throw TrendError.noPerInvocationTime(snapshot: snapshot) }
            for window in windows {
                let metrics = try analyzer.startLatencies(
                    snapshot: snapshot, first: window.time.first, last: window.time.last)
                guard !metrics.isEmpty else { continue }
                points.append(Point(label: window.label, snapshot: snapshot, time: window.time))
                rows.append(metrics)
            }
        }
        try Self.checkOrder(points)
        try self.init(points: points, rows: rows)
    }

    /// The series of the points' metric rows (one array per point): their medians, by group.
    init(points: [Point], rows: [[Metric]]) throws {
        guard points.count >= Self.fewestPoints else { throw TrendError.tooFewPoints(points.count) }
        self.points = points
        var found: [TrendKey: (row: Metric, values: [TrendSeries.Value])] = [:]
        var republished = 0
        var lastSeen: [TrendKey: TrendSeries.Value] = [:]  // kept or not
        for (index, pointRows) in rows.enumerated() {
            var seen: Set<TrendKey> = []
            // Rows pooled over every runtime and memory size are left out: their mix changes between points.
            for row in pointRows
            where row.statistic == .median && row.value.isFinite && row.parameters.grouping != .pooled {
                let key = TrendKey(row)
                guard seen.insert(key).inserted else { continue }  // one row per group and point
                let value = TrendSeries.Value(
                    point: index, years: points[index].years, median: row.value, low: row.ciLow, high: row.ciHigh,
                    n: row.n)
                defer { lastSeen[key] = value }
                // Without an n, an equal median may be a real repeat: only a value with its n counts as republished.
                if let previous = lastSeen[key], value.n != nil,
                    (previous.median, previous.low, previous.high, previous.n)
                        == (value.median, value.low, value.high, value.n)
                {
                    republished += 1
                    continue
                }
                found[key, default: (row, [])].values.append(value)
            }
        }
        self.republished = republished
        let candidates = found.filter { $0.value.values.count >= Self.fewestPoints }.sorted { $0.key < $1.key }.map {
            TrendSeries(key: $0.key, row: $0.value.row, values: $0.value.values)
        }
        leftOut = found.count - candidates.count
        var series: [TrendSeries]
        (series, sharedValues) = Self.withoutAliases(candidates)
        guard !series.isEmpty else { throw TrendError.noCommonGroup(points: points.count) }
        // One family of tests per kind, over the series that can be tested.
        let tested = series.indices.filter { series[$0].values.count >= Self.fewestForTest }
        let trendQ = FalseDiscovery.benjaminiHochberg(tested.map { series[$0].mannKendall?.pValue ?? 1 })
        let shiftQ = FalseDiscovery.benjaminiHochberg(tested.map { series[$0].pettitt?.pValue ?? 1 })
        for (position, index) in tested.enumerated() {
            series[index].mannKendallQ = trendQ[position]
            series[index].pettittQ = series[index].pettitt == nil ? nil : shiftQ[position]
        }
        for index in series.indices { series[index].decide(level: Self.level) }
        self.series = series
    }

    /// The series less those whose every value repeats another's at the same point, each named in the
    /// `aliases` of the one kept: the one with the most points, then one with a runtime (its label says
    /// more than a scenario's), then the first in key order. Values without n never match.
    /// Also counts the values of kept series that another kept series holds too.
    static func withoutAliases(_ series: [TrendSeries]) -> (series: [TrendSeries], shared: Int) {
        struct Same: Hashable {
            let metric: MetricID
            let provider: String?
            let point: Int
            let median: Double
            let low, high: Double?
            let n: Int
        }
        func values(_ series: TrendSeries) -> [Same] {
            series.values.compactMap { value in
                value.n.map {
                    Same(
                        metric: series.key.metric, provider: series.row.provider, point: value.point,
                        median: value.median, low: value.low,
                        high: value.high, n: $0)
                }
            }
        }
        let order = series.indices.sorted { a, b in
            let (x, y) = (series[a], series[b])
            if x.values.count != y.values.count { return x.values.count > y.values.count }
            if (x.row.runtime == nil) != (y.row.runtime == nil) { return x.row.runtime != nil }
            return a < b
        }
        var kept: [Int] = []
        var holders: [Same: [Int]] = [:]  // the kept series holding a value, in `order`
        var aliases: [Int: [TrendKey]] = [:]
        for index in order {
            let own = values(series[index])
            // The first kept series that holds every one of this series' values, if any.
            let holder =
                own.count == series[index].values.count
                ? own.dropFirst().reduce(holders[own[0]] ?? []) { common, value in
                    common.filter { (holders[value] ?? []).contains($0) }
                }.first : nil
            if let holder {
                aliases[holder, default: []].append(series[index].key)
                continue
            }
            kept.append(index)
            for value in own { holders[value, default: []].append(index) }
        }
        let shared = holders.values.reduce(0) { $0 + $1.count - 1 }
        let result = kept.sorted().map { index in
            var one = series[index]
            one.aliases = (aliases[index] ?? []).sorted()
            return one
        }
        return (result, shared)
    }

    /// Points must come oldest first, their measured spans apart.
    static func checkOrder(_ points: [Point]) throws {
        for (earlier, later) in zip(points, points.dropFirst()) {
            if later.time.first <= earlier.time.last, earlier.time.first <= later.time.last {
                throw TrendError.sameTime(earlier.label, later.label)
            }
            if later.time.middle < earlier.time.middle {
                throw TrendError.outOfOrder(earlier: later.label, later: earlier.label)
            }
        }
    }

    /// The snapshots whose names match a shell pattern (`lambda-perf-*`), oldest first.
    public static func snapshots(matching pattern: String, in store: Store) throws -> [String] {
        let names = try store.snapshotNames().filter { fnmatch(pattern, $0, 0) == 0 }
        guard !names.isEmpty else { throw TrendError.noMatchingSnapshot(pattern: pattern) }
        var timed: [(String, Double)] = []
        for name in names {
            guard let time = try store.time(of: name) else { throw TrendError.noTime(snapshot: name) }
            timed.append((name, time.middle))
        }
        return timed.sorted { ($0.1, $0.0) < ($1.1, $1.0) }.map(\.0)
    }

    /// How many groups got each kind of verdict, in `Kind`'s order.
    public var verdictCounts: [(kind: TrendSeries.Verdict.Kind, count: Int)] {
        let kinds = series.map(\.verdict.kind)
        return TrendSeries.Verdict.Kind.allCases.map { kind in (kind, kinds.filter { $0 == kind }.count) }
    }
}
