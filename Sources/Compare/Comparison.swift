import Analysis
import Statistics
import Store

/// Snapshot A's metrics against B's (one snapshot or several read as one): joined row by row on their
/// typed fields, each pair with B/A and, where both sides kept their samples, a bootstrap CI of the
/// ratio of medians, Mann-Whitney and KS p-values and a verdict. Rows on one side only are kept and
/// listed; rows the rules would join but that measure different things are refused, with the reason.
///
/// Join rules, in order (each pair records the one that matched it; docs/compare.md):
/// 1. `sameKey`: equal metric, provider, runtime, architecture, packaging, memory, setting, statistic,
///    parameters.
/// 2. `sameParameters`: the same with the typed parameters (experiment, temperature, grouping,
///    concurrency...) in place of the setting's words, when A's row names parameters and exactly one
///    row on the other side qualifies.
///    `sameParametersAnyExperiment`: the same when A's row names no experiment, whichever B's names.
/// 3. `overMemorySizes`: a summary over memory sizes (`median_min` or `median_max`, no memory) against
///    the smallest or largest per-memory median on the other side, from the parameters that cover the
///    most memory sizes.
/// 4. `onlyRuntime`: A's row at one memory size naming no runtime against B's only runtime there, whichever
///    experiment either names.
/// 5. Relaxations the user asks for (`Relaxation`), each only when exactly one row qualifies.
///
/// Different definitions or runtimes are compared only when asked for (`Aliases`): B's rows are then
/// read under A's name, B's own rows of that name are left out, and every pair says so.
public struct Comparison: Sendable {
    /// Explicit requests to read B's metric ids or runtimes as A's (a comparison across two definitions
    /// is allowed only when asked for, and labelled).
    public struct Aliases: Sendable {
        /// B's metric id -> A's metric id, e.g. `coldstart.init_duration_ms` -> `coldstart.latency_ms`.
        public var metrics: [MetricID: MetricID] = [:]
        /// B's runtime -> A's runtime, e.g. `python314` -> `python2.7`.
        public var runtimes: [String: String] = [:]
        public init(metrics: [MetricID: MetricID] = [:], runtimes: [String: String] = [:]) {
            self.metrics = metrics
            self.runtimes = runtimes
        }

        /// Throws when an alias names a metric id or runtime its side does not have.
        func validate(a: [Metric], b: [Metric]) throws {
            let (metricsA, metricsB) = (Set(a.map(\.metric)), Set(b.map(\.metric)))
            let (runtimesA, runtimesB) = (Set(a.compactMap(\.runtime)), Set(b.compactMap(\.runtime)))
            for (from, to) in metrics.sorted(by: { $0.key < $1.key }) {
                if !metricsB.contains(from) { throw CompareError.unknownAlias("metric", from.rawValue, side: "B") }
                if !metricsA.contains(to) { throw CompareError.unknownAlias("metric", to.rawValue, side: "A") }
            }
            for (from, to) in runtimes.sorted(by: { $0.key < $1.key }) {
                if !runtimesB.contains(from) { throw CompareError.unknownAlias("runtime", from, side: "B") }
                if !runtimesA.contains(to) { throw CompareError.unknownAlias("runtime", to, side: "A") }
            }
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

        /// What was read under another name in a pair whose B side is `b`.
        func renamings(for b: Metric) -> [String] {
            metrics.sorted(by: { $0.key < $1.key }).filter { $0.value == b.metric }.map {
                "B's \($0.key) read as \($0.value)"
            }
                + runtimes.sorted(by: { $0.key < $1.key }).filter { $0.value == b.runtime }.map {
                    "B's runtime \($0.key) read as \($0.value)"
                }
        }
    }

    public enum Verdict: String, Sendable {
        case summaryOnly = "summary only"
        case unchanged, faster, slower, higher, lower
    }

    public struct Pair: Sendable {
        public var a: Metric
        public var b: Metric
        public var rule: JoinRule
        /// Cross-definition renamings behind the pair (empty for a pair of one definition).
        public var renamings: [String]
        /// B / A, when A is not zero.
        public var ratio: Double?
        public var ratioCI: (low: Double, high: Double)?
        public var mannWhitneyP: Double?
        /// The Mann-Whitney p-value adjusted for the comparison's many tests (Benjamini-Hochberg over
        /// every pair with one): the verdict's test.
        public var mannWhitneyQ: Double?
        public var kolmogorovSmirnovP: Double?
        public var verdict: Verdict

        /// The rule as the report's "join" column shows it, renamings first.
        public var ruleText: String {
            renamings.isEmpty
                ? rule.description : "cross-definition (\(renamings.joined(separator: "; "))), \(rule.description)"
        }
    }

    /// Two rows a rule matched that measure different things.
    public struct Refusal: Sendable {
        public var a: Metric
        public var b: Metric
        public var reason: String
    }

    /// A's snapshots, and B's, each side read as one.
    public let aSnapshots: [String]
    public let bSnapshots: [String]
    public let pairs: [Pair]
    public let refused: [Refusal]
    public let onlyA: [Metric]
    public let onlyB: [Metric]
    public let aliases: Aliases
    public let relaxations: [Relaxation]
    /// What each side's snapshots hold, for the statement at the top of the report.
    public let summaries: [String: SnapshotSummary]
    public let holdings: [String: Holdings]

    /// A snapshot's metric rows at a glance.
    public struct Holdings: Sendable {
        public let rows: Int
        public let providers: [String]
        /// Where rows read from a file say they come from (`seed`, `lambda-perf`); empty for analyses.
        public let sources: [String]

        init(_ rows: [Metric]) {
            self.rows = rows.count
            providers = Set(rows.compactMap(\.provider)).sorted()
            sources = Set(rows.compactMap(\.source)).subtracting([Analyzer.source]).sorted()
        }
    }
    /// Every row read, with the snapshot it came from (B's before any alias), for `snapshot(of:)`.
    private let rowOrigins: [(Metric, String)]

    /// The snapshot a paired row came from, when its side has several; nil for a row an alias renamed.
    public func snapshot(of row: Metric) -> String? {
        rowOrigins.first { $0.0 == row }?.1
    }

    /// Significance level of the verdicts.
    public let level: Double
    public let bootstrap: Bootstrap

    /// A's and B's names as the report shows them: the snapshots joined by " + ".
    public var a: String { aSnapshots.joined(separator: " + ") }
    public var b: String { bSnapshots.joined(separator: " + ") }

    public init(
        store: Store, a: String, b: String, aliases: Aliases = Aliases(), relaxations: [Relaxation] = [],
        bootstrap: Bootstrap = Bootstrap(), level: Double = 0.05
    ) throws {
        try self.init(
            store: store, a: [a], b: [b], aliases: aliases, relaxations: relaxations, bootstrap: bootstrap, level: level
        )
    }

    public init(
        store: Store, a: [String], b: [String], aliases: Aliases = Aliases(), relaxations: [Relaxation] = [],
        bootstrap: Bootstrap = Bootstrap(), level: Double = 0.05
    ) throws {
        self.aSnapshots = a
        self.bSnapshots = b
        self.aliases = aliases
        self.relaxations = relaxations
        self.level = level
        self.bootstrap = bootstrap
        var summaries: [String: SnapshotSummary] = [:]
        for name in a + b {
            guard let summary = try store.summary(of: name) else { throw AnalysisError.unknownSnapshot(name) }
            summaries[name] = summary
            // A side with measurements is compared on its current analysis, run now when none is stored.
            if try store.hasInvocations(name) { try Analyzer(store: store).ensureCurrent(snapshot: name) }
        }
        self.summaries = summaries
        var left: [Metric] = []
        var holdings: [String: Holdings] = [:]
        var origins: [String] = []
        for name in a {
            let rows = try store.metrics(snapshot: name, samples: true)
            if rows.isEmpty { throw CompareError.noMetrics(name) }
            holdings[name] = Holdings(rows)
            left += rows
            origins += Array(repeating: name, count: rows.count)
        }
        var ownRight: [Metric] = []
        // B's own rows (before any alias) speak for its clocks; a simulation has none to disagree.
        var suspects: [String: ClockSuspects.Medians] = [:]
        // B's samples serve only pairs whose A side has one (the paper's published numbers have none).
        let samples = left.contains { $0.samples != nil }
        for name in b {
            let rows = try store.metrics(snapshot: name, samples: samples)
            if rows.isEmpty { throw CompareError.noMetrics(name) }
            holdings[name] = Holdings(rows)
            ownRight += rows
            origins += Array(repeating: name, count: rows.count)
            if summaries[name]?.simulatedProfiles.isEmpty ?? true {
                suspects.merge(ClockSuspects(rows).byProvider) { first, _ in first }
            }
        }
        self.holdings = holdings
        self.rowOrigins = zip(left + ownRight, origins).map { ($0, $1) }
        try aliases.validate(a: left, b: ownRight)
        let right = aliases.apply(to: ownRight)

        var join = Join(a: left, b: right)
        join.byKey()
        let named = { (row: Metric) in row.parameters != MetricParameters() }
        join.unambiguous({ _, _ in .sameParameters }, key: { FieldKey($0) }, when: named)
        // A row that names no experiment (the paper's "all warm starts") stands for any, when one row qualifies;
        // rows whose value depends on the experiment are refused below all the same.
        join.unambiguous(
            { _, _ in .sameParametersAnyExperiment }, key: { FieldKey($0, experiment: false) },
            when: { named($0) && $0.parameters.experiment == nil })
        join.overMemorySizes()
        join.unambiguous(
            { .onlyRuntime($1.runtime ?? "") }, key: { FieldKey($0, experiment: false, runtime: false) },
            when: { $0.runtime == nil && $0.memoryMB != nil }, also: { $1.runtime != nil })
        if relaxations.contains(.memory) {
            join.unambiguous({ .anyMemory(a: $0.memoryMB, b: $1.memoryMB) }, key: { FieldKey($0, memory: false) })
        }
        if relaxations.contains(.runtimeVersion) {
            join.unambiguous(
                { .runtimeVersion(a: $0.runtime ?? "", b: $1.runtime ?? "") },
                key: { FieldKey($0, runtimeFamily: true) },
                when: { $0.runtime != nil })
        }
        // Rows that would join but for the experiment they come from, when that makes them incomparable:
        // listed as refused rather than as missing from B.
        join.unambiguous(
            { _, _ in .sameParameters }, key: { FieldKey($0, experiment: false) },
            also: { Comparability.problem($0, $1) != nil })

        var pairs: [Pair] = []
        var refused: [Refusal] = []
        for (a, b, rule) in join.joined {
            let renamings = aliases.renamings(for: b)
            if let reason = Comparability.problem(a, b)
                ?? (renamings.isEmpty ? Comparability.clockProblem(b, suspects: suspects) : nil)
            {
                refused.append(Refusal(a: a, b: b, reason: reason))
            } else {
                pairs.append(Self.pair(a, b, rule: rule, renamings: renamings, bootstrap: bootstrap))
            }
        }
        // One comparison runs dozens of tests: the verdicts control the false discovery rate at `level`.
        let tested = pairs.indices.filter { pairs[$0].mannWhitneyP != nil }
        let q = FalseDiscovery.benjaminiHochberg(tested.map { pairs[$0].mannWhitneyP! })
        for (index, value) in zip(tested, q) {
            pairs[index].mannWhitneyQ = value
            pairs[index].verdict = Self.verdict(pairs[index], level: level)
        }
        self.pairs = pairs.sorted { Key.precedes($0.a, $1.a) }
        self.refused = refused.sorted { Key.precedes($0.a, $1.a) }
        onlyA = join.unmatchedA
        onlyB = join.unmatchedB
    }

    /// The rows of both sides as the rules take them, and the pairs made so far.
    private struct Join {
        let a: [Metric], b: [Metric]
        var unmatchedA: [Metric], unmatchedB: [Metric]
        var joined: [(Metric, Metric, JoinRule)] = []

        init(a: [Metric], b: [Metric]) {
            (self.a, self.b, unmatchedA, unmatchedB) = (a, b, a, b)
        }

        /// Rule 1: every A row to the first free B row of the same key.
        mutating func byKey() {
            var byKey: [Key: [Int]] = [:]
            for (index, metric) in unmatchedB.enumerated() { byKey[Key(metric), default: []].append(index) }
            var taken = Set<Int>()
            var joined = self.joined
            let unmatchedB = self.unmatchedB
            unmatchedA = unmatchedA.filter { metric in
                guard let index = byKey[Key(metric)]?.first(where: { !taken.contains($0) }) else { return true }
                taken.insert(index)
                joined.append((metric, unmatchedB[index], .sameKey))
                return false
            }
            self.joined = joined
            self.unmatchedB = unmatchedB.enumerated().filter { !taken.contains($0.offset) }.map(\.element)
        }

        /// Joins each unmatched A row that qualifies (`when`) to the one unmatched B row with the same key
        /// (and `also` true of the pair), when exactly one does. B is indexed once by key, so a pass is
        /// linear in the rows, not their product.
        mutating func unambiguous(
            _ rule: (Metric, Metric) -> JoinRule, key: (Metric) -> FieldKey,
            when qualifies: (Metric) -> Bool = { _ in true },
            also: (Metric, Metric) -> Bool = { _, _ in true }
        ) {
            var buckets: [FieldKey: [Int]] = [:]
            for (index, row) in unmatchedB.enumerated() { buckets[key(row), default: []].append(index) }
            var taken = Set<Int>()
            var still: [Metric] = []
            for metric in unmatchedA {
                let candidates =
                    qualifies(metric)
                    ? (buckets[key(metric)] ?? []).filter { !taken.contains($0) && also(metric, unmatchedB[$0]) } : []
                guard candidates.count == 1 else {
                    still.append(metric)
                    continue
                }
                joined.append((metric, unmatchedB[candidates[0]], rule(metric, unmatchedB[candidates[0]])))
                taken.insert(candidates[0])
            }
            unmatchedA = still
            unmatchedB = unmatchedB.enumerated().filter { !taken.contains($0.offset) }.map(\.element)
        }

        /// Rule 3, on either side.
        mutating func overMemorySizes() {
            var still: [Metric] = []
            for metric in unmatchedA {
                if let (derived, rule) = Comparison.overMemorySizes(metric, from: b) {
                    joined.append((metric, derived, rule))
                } else {
                    still.append(metric)
                }
            }
            unmatchedA = still
            let a = self.a
            var joined = self.joined
            unmatchedB = unmatchedB.filter { metric in
                guard let (derived, rule) = Comparison.overMemorySizes(metric, from: a) else { return true }
                joined.append((derived, metric, rule))
                return false
            }
            self.joined = joined
        }
    }

    /// The smallest (`median_min`) or largest (`median_max`) per-memory median standing for a summary
    /// over memory sizes, with the rule that says which.
    static func overMemorySizes(_ summary: Metric, from other: [Metric]) -> (Metric, JoinRule)? {
        guard summary.memoryMB == nil, summary.statistic == .medianMin || summary.statistic == .medianMax else {
            return nil
        }
        let candidates = other.filter {
            FieldKey($0, memory: false, parameters: false)
                == FieldKey(summary, memory: false, parameters: false)
                .with(statistic: .median) && $0.memoryMB != nil
        }
        // The parameters covering the most memory sizes (ties to the first in the store's order).
        var order: [MetricParameters] = []
        let byParameters = Dictionary(grouping: candidates, by: \.parameters)
        for row in candidates where !order.contains(row.parameters) { order.append(row.parameters) }
        guard let widest = order.max(by: { byParameters[$0]!.count < byParameters[$1]!.count }) else { return nil }
        let rows = byParameters[widest]!
        let largest = summary.statistic == .medianMax
        let chosen = largest ? rows.max { $0.value < $1.value }! : rows.min { $0.value < $1.value }!
        var derived = chosen
        derived.statistic = summary.statistic
        derived.memoryMB = nil
        return (
            derived,
            .overMemorySizes(largest: largest, of: rows.count, memoryMB: chosen.memoryMB!, setting: chosen.setting)
        )
    }

    /// A pair with its ratio and, where both sides kept samples, the CI and the tests; the verdict
    /// waits for the q-value (`verdict(_:level:)`).
    static func pair(
        _ a: Metric, _ b: Metric, rule: JoinRule, renamings: [String], bootstrap: Bootstrap
    ) -> Pair {
        var pair = Pair(
            a: a, b: b, rule: rule, renamings: renamings, ratio: a.value != 0 ? b.value / a.value : nil,
            verdict: .summaryOnly)
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
        pair.verdict = .unchanged
        return pair
    }

    /// Faster or slower (latencies), higher or lower (other metrics) when the CI of B/A excludes 1 and
    /// the Mann-Whitney q-value is below `level`; otherwise unchanged.
    static func verdict(_ pair: Pair, level: Double) -> Verdict {
        let separated = pair.ratioCI.map { $0.low > 1 || $0.high < 1 } ?? false
        guard separated, let q = pair.mannWhitneyQ, q < level, let ratio = pair.ratio else { return .unchanged }
        return pair.a.metric.isLatency ? (ratio < 1 ? .faster : .slower) : (ratio < 1 ? .lower : .higher)
    }

    /// The join key of a metric by its typed fields, the setting's words aside; a field left out
    /// (memory, parameters) or widened (runtime to its family) for the looser rules.
    struct FieldKey: Hashable {
        var metric: MetricID, provider: String?, runtime: String?, architecture: String?, packaging: String?
        var memoryMB: Int?, statistic: Statistic, parameters: MetricParameters?

        init(
            _ m: Metric, memory: Bool = true, parameters: Bool = true, experiment: Bool = true,
            runtime includesRuntime: Bool = true, runtimeFamily: Bool = false
        ) {
            (metric, provider, statistic) = (m.metric, m.provider, m.statistic)
            // A runtime whose source states no architecture or packaging ran on the defaults (the only
            // ones before 2020): the paper's `x86_64`/`zip` rows and an unstated probe's are one.
            if includesRuntime {
                architecture = m.architecture ?? m.runtime.map { _ in Metric.defaultArchitecture }
                packaging = m.packaging ?? m.runtime.map { _ in Metric.defaultPackaging }
                runtime = runtimeFamily ? m.runtimeName?.family : m.runtime
            }
            memoryMB = memory ? m.memoryMB : nil
            var fields = m.parameters
            if !experiment { fields.experiment = nil }
            self.parameters = parameters ? fields : nil
        }

        func with(statistic: Statistic) -> FieldKey {
            var key = self
            key.statistic = statistic
            return key
        }
    }

    /// The exact join key of a metric: its typed fields, parameters included, and its setting.
    struct Key: Hashable {
        var fields: FieldKey
        var setting: String?

        init(_ m: Metric) {
            fields = FieldKey(m)
            setting = m.setting
        }

        /// The order pairs are listed in: by metric, provider, runtime and its variant, memory, setting,
        /// statistic.
        static func precedes(_ a: Metric, _ b: Metric) -> Bool {
            let (x, y) = (Key(a), Key(b))
            let heads = (
                (x.fields.metric.rawValue, x.fields.provider ?? "", x.fields.runtime ?? ""),
                (y.fields.metric.rawValue, y.fields.provider ?? "", y.fields.runtime ?? "")
            )
            if heads.0 != heads.1 { return heads.0 < heads.1 }
            let variants = (
                RuntimeVariant(packaging: x.fields.packaging, architecture: x.fields.architecture),
                RuntimeVariant(packaging: y.fields.packaging, architecture: y.fields.architecture)
            )
            if variants.0 < variants.1 || variants.1 < variants.0 { return variants.0 < variants.1 }
            return (x.fields.memoryMB ?? -1, x.setting ?? "", x.fields.statistic.description)
                < (y.fields.memoryMB ?? -1, y.setting ?? "", y.fields.statistic.description)
        }
    }
}

public enum CompareError: Error, CustomStringConvertible {
    case noMetrics(String)
    case unknownAlias(String, String, side: String)

    public var description: String {
        switch self {
        case .noMetrics(let name):
            "snapshot '\(name)' has no metrics to compare: no invocations to analyze and no metrics file ingested "
                + "into it"
        case .unknownAlias(let kind, let value, let side):
            "the alias names \(kind) '\(value)', which snapshot \(side) does not have"
        }
    }
}
