import Analysis
import Statistics
import Store

/// Two snapshots' metrics side by side: joined metric by metric, each pair with B/A and, where both
/// sides kept their samples, a bootstrap CI of the ratio of medians, Mann-Whitney and KS p-values and
/// a verdict. Metrics on one side only are kept and listed.
///
/// Join rules, in order (each pair records the one that matched it):
/// 1. `same key`: equal metric, provider, runtime, memory, setting and statistic.
/// 2. `same parameters`: equal metric, provider, runtime, memory, statistic and parameters (experiment,
///    temperature, grouping, concurrency...; docs/analyses.md), whatever the settings' texts say, when
///    A's row names parameters and exactly one row on the other side qualifies.
/// 3. `same setting core`: equal except that the settings agree only up to their first ", " or " (",
///    e.g. the paper's "all warm starts" and "all warm starts, experiment=coldstart". Used only when
///    exactly one row on the other side qualifies.
/// 4. `over memory sizes`: a summary over memory sizes (statistic `median_min` or `median_max`, no
///    memory) against the smallest or largest per-memory median of the same metric, provider and
///    runtime on the other side, taken from the setting that covers the most memory sizes.
///
/// Different definitions or runtimes are compared only when asked for (`Aliases`): B's rows are then
/// read under A's name, B's own rows of that name are left out, and every pair says so in its rule.
public struct Comparison: Sendable {
    /// Explicit requests to read B's metric ids or runtimes as A's (SPEC section 7: a comparison across
    /// two definitions is allowed only when asked for, and labelled).
    public struct Aliases: Sendable {
        /// B's metric id -> A's metric id, e.g. `coldstart.init_duration_ms` -> `coldstart.latency_ms`.
        public var metrics: [MetricID: MetricID] = [:]
        /// B's runtime -> A's runtime, e.g. `python314` -> `python2.7`.
        public var runtimes: [String: String] = [:]
        public init(metrics: [MetricID: MetricID] = [:], runtimes: [String: String] = [:]) {
            self.metrics = metrics
            self.runtimes = runtimes
        }

        /// B's rows as A's names; B's own rows under those names are left out.
        func apply(to rows: [Metric]) -> [Metric] {
            let metricTargets = Set(metrics.values)
            let runtimeTargets = Set(runtimes.values)
            return rows.compactMap { row in
                var row = row
                if let target = metrics[row.metric] {
                    row.metric = target
                } else if metricTargets.contains(row.metric) {
                    return nil
                }
                if let runtime = row.runtime {
                    if let target = runtimes[runtime] {
                        row.runtime = target
                    } else if runtimeTargets.contains(runtime) {
                        return nil
                    }
                }
                return row
            }
        }

        /// The label of a pair whose B side was renamed, or nil.
        func label(for b: Metric) -> String? {
            var parts: [String] = []
            for (from, to) in metrics.sorted(by: { $0.key < $1.key }) where b.metric == to {
                parts.append("B's \(from) read as \(to)")
            }
            for (from, to) in runtimes.sorted(by: { $0.key < $1.key }) where b.runtime == to {
                parts.append("B's runtime \(from) read as \(to)")
            }
            return parts.isEmpty ? nil : "cross-definition (" + parts.joined(separator: "; ") + ")"
        }
    }

    public struct Pair: Sendable {
        public var a: Metric
        public var b: Metric
        public var rule: String
        /// B / A, when A is not zero.
        public var ratio: Double?
        public var ratioCI: (low: Double, high: Double)?
        public var mannWhitneyP: Double?
        public var kolmogorovSmirnovP: Double?
        public var verdict: String
    }

    public let a: String
    public let b: String
    public let pairs: [Pair]
    public let onlyA: [Metric]
    public let onlyB: [Metric]
    /// Significance level of the verdicts.
    public let level: Double
    public let bootstrap: Bootstrap

    public init(
        store: Store, a: String, b: String, aliases: Aliases = Aliases(), bootstrap: Bootstrap = Bootstrap(),
        level: Double = 0.05
    ) throws {
        self.a = a
        self.b = b
        self.level = level
        self.bootstrap = bootstrap
        for name in [a, b] where try !store.snapshotExists(name) { throw AnalysisError.unknownSnapshot(name) }
        // A side with measurements is compared on its current analysis, run now when none is stored.
        for name in [a, b] where try store.hasInvocations(name) {
            _ = try Analyzer(store: store).current(snapshot: name)
        }
        let left = try store.metrics(snapshot: a, samples: true)
        let right = aliases.apply(to: try store.metrics(snapshot: b, samples: true))
        for (name, rows) in [(a, left), (b, right)] where rows.isEmpty {
            throw CompareError.noMetrics(name)
        }
        var unmatchedA = left
        var unmatchedB = right
        var joined: [(Metric, Metric, String)] = []

        // 1. Same key.
        var byKey: [Key: [Int]] = [:]
        for (index, metric) in unmatchedB.enumerated() { byKey[Key(metric), default: []].append(index) }
        var takenB = Set<Int>()
        unmatchedA = unmatchedA.filter { metric in
            guard let index = byKey[Key(metric)]?.first(where: { !takenB.contains($0) }) else { return true }
            takenB.insert(index)
            joined.append((metric, unmatchedB[index], "same key"))
            return false
        }
        unmatchedB = unmatchedB.enumerated().filter { !takenB.contains($0.offset) }.map(\.element)

        /// Joins each unmatched A row to the one B row that `matches` picks, when exactly one does.
        func joinUnambiguous(_ rule: String, _ matches: (Metric, Metric) -> Bool) {
            unmatchedA = unmatchedA.filter { metric in
                let candidates = unmatchedB.indices.filter { matches(metric, unmatchedB[$0]) }
                guard candidates.count == 1 else { return true }
                joined.append((metric, unmatchedB[candidates[0]], rule))
                unmatchedB.remove(at: candidates[0])
                return false
            }
        }

        // 2. Same fields: the settings' texts differ but the rows name the same parameters (experiment,
        //    temperature, grouping, concurrency...), when A's row names some and one row of B matches.
        joinUnambiguous("same parameters") { a, b in a.parameters != MetricParameters() && FieldKey(a) == FieldKey(b) }

        // 3. Same setting core, when unambiguous.
        joinUnambiguous("same setting core") { a, b in Key(a, core: true) == Key(b, core: true) }

        // 4. Summaries over memory sizes, on either side.
        var stillA: [Metric] = []
        for metric in unmatchedA {
            if let derived = Self.overMemorySizes(metric, from: right) {
                joined.append((metric, derived, "over memory sizes: \(derived.setting ?? "")"))
            } else {
                stillA.append(metric)
            }
        }
        unmatchedA = stillA
        unmatchedB = unmatchedB.filter { metric in
            guard let derived = Self.overMemorySizes(metric, from: left) else { return true }
            joined.append((derived, metric, "over memory sizes: \(derived.setting ?? "")"))
            return false
        }

        onlyA = unmatchedA
        onlyB = unmatchedB
        pairs = joined.map { a, b, rule in
            Self.pair(
                a, b, rule: aliases.label(for: b).map { "\($0), \(rule)" } ?? rule, bootstrap: bootstrap, level: level)
        }
        .sorted { Key($0.a).order < Key($1.a).order }
    }

    /// The smallest (`median_min`) or largest (`median_max`) per-memory median standing for a summary
    /// over memory sizes.
    static func overMemorySizes(_ summary: Metric, from other: [Metric]) -> Metric? {
        guard summary.memoryMB == nil, summary.statistic == .medianMin || summary.statistic == .medianMax else {
            return nil
        }
        let candidates = other.filter {
            $0.metric == summary.metric && $0.provider == summary.provider && $0.runtime == summary.runtime
                && $0.statistic == .median && $0.memoryMB != nil
        }
        let bySetting = Dictionary(grouping: candidates) { Key.core($0.setting) }
        guard let (_, rows) = bySetting.max(by: { ($0.value.count, $1.key) < ($1.value.count, $0.key) }) else {
            return nil
        }
        let chosen =
            summary.statistic == .medianMin ? rows.min { $0.value < $1.value }! : rows.max { $0.value < $1.value }!
        var derived = chosen
        derived.statistic = summary.statistic
        derived.setting =
            "\(summary.statistic == .medianMin ? "smallest" : "largest") of \(rows.count) per-memory medians (\(chosen.memoryMB!) MB, \(Key.core(chosen.setting)))"
        derived.memoryMB = nil
        return derived
    }

    static func pair(_ a: Metric, _ b: Metric, rule: String, bootstrap: Bootstrap, level: Double) -> Pair {
        var pair = Pair(a: a, b: b, rule: rule, ratio: a.value != 0 ? b.value / a.value : nil, verdict: "summary only")
        guard let left = a.samples, let right = b.samples, !left.isEmpty, !right.isEmpty, a.statistic == .median,
            b.statistic == .median
        else {
            return pair
        }
        let sampleA = Sample(sorted: left)
        let sampleB = Sample(sorted: right)
        pair.ratioCI = bootstrap.ratioOfMediansInterval(sampleA, sampleB)
        pair.mannWhitneyP = MannWhitney(sampleA, sampleB)?.pValue
        pair.kolmogorovSmirnovP = KolmogorovSmirnov(sampleA, sampleB)?.pValue
        let separated = pair.ratioCI.map { $0.low > 1 || $0.high < 1 } ?? false
        guard separated, let p = pair.mannWhitneyP, p < level, let ratio = pair.ratio else {
            pair.verdict = "unchanged"
            return pair
        }
        pair.verdict = a.metric.isLatency ? (ratio < 1 ? "faster" : "slower") : (ratio < 1 ? "lower" : "higher")
        return pair
    }

    /// The join key of a metric by its typed fields, the setting's text aside.
    struct FieldKey: Hashable {
        var metric: MetricID, provider: String?, runtime: String?, memoryMB: Int?, statistic: Statistic
        var parameters: MetricParameters

        init(_ m: Metric) {
            (metric, provider, runtime, memoryMB, statistic) = (
                m.metric, m.provider, m.runtime, m.memoryMB, m.statistic
            )
            parameters = m.parameters
        }
    }

    /// The join key of a metric; with `core`, the setting up to its first ", " or " (".
    struct Key: Hashable {
        var metric: MetricID, provider: String?, runtime: String?, memoryMB: Int?, setting: String?,
            statistic: Statistic

        init(_ m: Metric, core: Bool = false) {
            (metric, provider, runtime, memoryMB, statistic) = (
                m.metric, m.provider, m.runtime, m.memoryMB, m.statistic
            )
            setting = core ? Key.core(m.setting) : m.setting
        }

        static func core(_ setting: String?) -> String {
            guard let setting else { return "" }
            var end = setting.endIndex
            for separator in [", ", " ("] {
                if let range = setting.range(of: separator), range.lowerBound < end { end = range.lowerBound }
            }
            return String(setting[..<end])
        }

        var order: String {
            "\(metric)|\(provider ?? "")|\(runtime ?? "")|\(String(format: "%08d", memoryMB ?? -1))|\(setting ?? "")|\(statistic)"
        }
    }
}

public enum CompareError: Error, CustomStringConvertible {
    case noMetrics(String)
    public var description: String {
        switch self {
        case .noMetrics(let name):
            "snapshot '\(name)' has no metrics to compare: no invocations to analyze and no metrics file ingested into it"
        }
    }
}
