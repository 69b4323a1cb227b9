import Compare
import Simulate
import Store

/// The simulator against the paper (docs/simulator.md): each of the paper's published numbers, the
/// profile parameter calibrated on it, the model's value in truth.json, and the value the analyses
/// recover from the profile's runs, with a verdict against a tolerance stated per metric.
///
/// Reads, from one store: the paper's numbers (`paper-2018`) and the snapshots `simulated-<profile>` of the
/// built-in profiles, as `make ingest` writes them; the rerun speedups compare the 2017 profiles' cold
/// starts with the 2018 ones'.
public struct Calibration: Sendable {
    public enum Verdict: String, Sendable, CaseIterable {
        case within = "within tolerance"
        case outside = "outside tolerance"
        case notRecovered = "not recovered"
        case reference = "not a target"
    }

    /// What the analyses recovered for one of the paper's numbers, and from which rows.
    public struct Recovered: Sendable {
        public var row: Metric
        /// How the row was found: the comparison's join rule, or the calibration's own reading.
        public var how: String
    }

    public struct Row: Sendable {
        public let paper: Metric
        public let target: Target
        /// The profile's parameters behind the number, as the profile file names them.
        public let parameter: String?
        /// The model's value in the run's truth.json, where it states one.
        public let model: Double?
        public let recovered: Recovered?

        public var verdict: Verdict {
            guard case .calibrated(let tolerance, _) = target else { return .reference }
            guard let recovered else { return .notRecovered }
            return tolerance.admits(recovered.row.value, paper: paper.value) ? .within : .outside
        }
    }

    public let paperSnapshot: String
    /// The 2017 profiles, by provider, with the snapshot each was read from.
    public let profiles: [(profile: Profile, snapshot: String)]
    public let rows: [Row]
    /// Seed and scale of the runs, as their truth.json files state them (one line per profile).
    public let runs: [String]

    /// The profiles of the paper's measurements, and of its May 2018 rerun (in the same provider order).
    public static let profileNames = ["aws-2017", "azure-2017", "google-2017"]
    public static let rerunProfileNames = ["aws-2018", "azure-2018", "google-2018"]

    public init(store: Store, paper paperSnapshot: String = "paper-2018") throws {
        self.paperSnapshot = paperSnapshot
        let profiles = try Self.profileNames.map { name in
            (profile: try Profile.builtIn(name), snapshot: "simulated-\(name)")
        }
        self.profiles = profiles
        let comparison = try Comparison(store: store, a: [paperSnapshot], b: profiles.map(\.snapshot))
        let rerun = try Comparison(
            store: store, a: profiles.map(\.snapshot), b: Self.rerunProfileNames.map { "simulated-\($0)" })

        let published = try store.metrics(snapshot: paperSnapshot)
        var rows: [Row] = []
        var runs: [String] = []
        for (profile, snapshot) in profiles {
            let provider = profile.provider.rawValue
            let measured = try store.metrics(snapshot: snapshot)
            let truths = try store.simulationTruths(of: snapshot)
            if let truth = truths.first {
                runs.append("`\(snapshot)`: profile `\(truth.profile)`, seed \(truth.seed), scale \(truth.scale)")
            }
            for paper in published where paper.provider == provider {
                let joined: Recovered? = comparison.pairs.first { $0.a == paper }.map {
                    Recovered(row: $0.b, how: $0.ruleText)
                }
                let special: Recovered? =
                    Self.speedup(paper, rerun: rerun)
                    ?? Self.instancesPerRequest(paper, measured: measured, profile: profile)
                // A row the comparison refused as measuring something else is not read another way.
                let refused = comparison.refused.contains { $0.a == paper }
                let recovered = special ?? joined ?? (refused ? nil : Self.sameFields(paper, measured: measured))
                let model = recovered.flatMap { found in truths.lazy.compactMap { $0.value(for: found.row) }.first }
                rows.append(
                    Row(
                        paper: paper, target: Self.target(for: paper),
                        parameter: Self.parameter(for: paper, profile: profile), model: model, recovered: recovered))
            }
        }
        self.rows = rows
        self.runs = runs
    }

    /// The rerun speedup: A/B of the provider's pooled cold-start medians, 2017 against 2018, with the
    /// CI of the ratio inverted.
    static func speedup(_ paper: Metric, rerun: Comparison) -> Recovered? {
        guard paper.metric == .rerunSpeedup,
            let pair = rerun.pairs.first(where: {
                $0.a.metric == .coldStartLatency && $0.a.provider == paper.provider && $0.a.statistic == .median
                    && $0.a.parameters.grouping == .pooled
            }), let ratio = pair.ratio, ratio > 0
        else { return nil }
        var row = pair.b
        row.metric = .rerunSpeedup
        row.statistic = .ratioOfMedians
        row.value = 1 / ratio
        row.unit = "x"
        (row.ciLow, row.ciHigh) = (pair.ratioCI.map { 1 / $0.high }, pair.ratioCI.map { 1 / $0.low })
        row.samples = nil
        return Recovered(
            row: row,
            how: "2017 / 2018 pooled cold-start medians (n = \(pair.a.n ?? 0) and \(pair.b.n ?? 0))")
    }

    /// Instances per request under load: the mean over the concurrency levels from the one where the
    /// profile starts queueing (Google: 10, the paper's "10 and above"), or over every level.
    static func instancesPerRequest(_ paper: Metric, measured: [Metric], profile: Profile) -> Recovered? {
        guard paper.metric == .instancesPerRequest else { return nil }
        let from = profile.scaling.queueFromConcurrency ?? 1
        let levels = measured.filter {
            $0.metric == .instancesPerRequest && $0.statistic == .mean && ($0.parameters.concurrency ?? 0) >= from
        }
        guard !levels.isEmpty else { return nil }
        var row = levels[0]
        row.value = levels.map(\.value).reduce(0, +) / Double(levels.count)
        row.statistic = .mean
        row.n = levels.count
        row.setting = "mean over \(levels.count) concurrency levels from \(from)"
        (row.ciLow, row.ciHigh) = (nil, nil)
        return Recovered(row: row, how: "mean of the per-level means, concurrency \(from) and above")
    }

    /// The one measured row with the paper row's fields and every parameter it names, its setting's
    /// words aside (the paper's "host VMs" is the analysis's "host VMs seen").
    static func sameFields(_ paper: Metric, measured: [Metric]) -> Recovered? {
        let named = paper.parameters
        let candidates = measured.filter { row in
            row.metric == paper.metric && row.statistic == paper.statistic && row.memoryMB == paper.memoryMB
                && (paper.runtime == nil || row.runtime == paper.runtime)
                && named.isSubset(of: row.parameters)
        }
        guard candidates.count == 1 else { return nil }
        return Recovered(row: candidates[0], how: "same fields, setting aside")
    }
}
