import Analysis
import Statistics
import Store

/// What a trend follows: one metric of one group (provider, runtime, variant, memory, setting), the
/// same row in every point it was measured in.
public struct TrendKey: Hashable, Comparable, Sendable {
    public let metric: MetricID
    public let group: MetricGroup

    public init(_ row: Metric) {
        metric = row.metric
        group = MetricGroup(
            provider: row.provider, runtime: row.runtime, architecture: row.architecture, packaging: row.packaging,
            memoryMB: row.memoryMB, setting: row.setting, parameters: row.parameters)
    }

    public static func < (a: TrendKey, b: TrendKey) -> Bool {
        a.metric != b.metric ? a.metric < b.metric : a.group < b.group
    }
}

/// One group's medians over the points, with its robust slope, trend test, level shifts and verdict
/// (docs/trend.md).
public struct TrendSeries: Sendable {
    /// The group's median at one point, with its 95% bootstrap CI and n.
    public struct Value: Sendable {
        /// Index into the trend's points.
        public let point: Int
        /// The point's time in years (2022.5: early July 2022).
        public let years: Double
        public let median: Double
        public let low: Double?
        public let high: Double?
        public let n: Int?
    }

    public enum Verdict: Sendable, Equatable {
        case rising, falling, stable
        /// The level changed before each of these values (indices into `values`).
        case shifted([Int])
        /// Fewer points than any test at the trend's level can decide on.
        case tooFewPoints

        /// A verdict without its change points, as the counts and tables name it.
        public enum Kind: String, CaseIterable, Sendable, Encodable {
            case rising, falling, shifted, stable
            case tooFewPoints = "too few points"
        }

        public var kind: Kind {
            switch self {
            case .rising: .rising
            case .falling: .falling
            case .stable: .stable
            case .shifted: .shifted
            case .tooFewPoints: .tooFewPoints
            }
        }
    }

    public let key: TrendKey
    /// The group's row at its first point, for its labels and unit.
    public let row: Metric
    public let values: [Value]
    /// Theil-Sen slope of the medians, per year.
    public let slope: TheilSen?
    public let mannKendall: MannKendall?
    /// Pettitt's test over the whole series (segments of at least `Trend.minimumSegment` values).
    public let pettitt: Pettitt?
    /// Benjamini-Hochberg q-values over every series of the trend.
    public internal(set) var mannKendallQ: Double?
    public internal(set) var pettittQ: Double?
    public internal(set) var verdict: Verdict = .tooFewPoints
    /// Groups whose every value is this one's at the same point: the same measurement under other names.
    public internal(set) var aliases: [TrendKey] = []

    init(key: TrendKey, row: Metric, values: [Value]) {
        self.key = key
        self.row = row
        self.values = values
        let medians = values.map(\.median)
        slope = TheilSen(x: values.map(\.years), y: medians)
        mannKendall = MannKendall(medians)
        pettitt = Pettitt(medians, minimumSegment: Trend.minimumSegment)
    }

    /// Last median over first: the change across the whole span.
    public var ratio: Double? {
        guard let first = values.first?.median, let last = values.last?.median, first > 0, last >= 0 else {
            return nil
        }
        return last / first
    }

    /// Decides the verdict once the q-values are known: see docs/trend.md, "Verdicts".
    mutating func decide(level: Double) {
        guard values.count >= Trend.fewestForTest, let mannKendall else {
            verdict = .tooFewPoints
            return
        }
        let trend = (mannKendallQ ?? 1) < level
        let changes = (pettittQ ?? 1) < level ? self.changes(level: level) : []
        if !changes.isEmpty, !trend || stepFitsBetter(changes) {
            verdict = .shifted(changes)
        } else if trend {
            verdict = mannKendall.s > 0 ? .rising : .falling
        } else {
            verdict = .stable
        }
    }

    /// Binary segmentation: the whole series' change point, then within each segment the next one
    /// while Pettitt's p-value stays below the level and both parts keep `Trend.minimumSegment` values.
    func changes(level: Double) -> [Int] {
        let medians = values.map(\.median)
        func split(_ range: Range<Int>, top: Bool) -> [Int] {
            guard let test = Pettitt(Array(medians[range]), minimumSegment: Trend.minimumSegment),
                top || test.pValue < level
            else { return [] }
            let at = range.lowerBound + test.position
            return split(range.lowerBound..<at, top: false) + [at] + split(at..<range.upperBound, top: false)
        }
        return split(medians.indices, top: true)
    }

    /// Whether the segments' own medians leave smaller absolute residuals than the Theil-Sen line.
    func stepFitsBetter(_ changes: [Int]) -> Bool {
        guard let slope else { return true }
        let bounds = [0] + changes + [values.count]
        var step = 0.0
        for (start, end) in zip(bounds, bounds.dropFirst()) {
            let level = Sample(values[start..<end].map(\.median)).median!
            step += values[start..<end].reduce(0) { $0 + abs($1.median - level) }
        }
        let line = values.reduce(0) { $0 + abs($1.median - (slope.intercept + slope.slope * $1.years)) }
        return step < line
    }
}
