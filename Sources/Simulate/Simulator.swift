import Foundation
import Statistics
import Store

/// The paper's experiments, each a run generator over a fresh `Platform`.
public enum Experiment: String, CaseIterable, Sendable {
    case inventory, coresidency, scalability, placement, coldstart, colevel, lifetime, idle, consistency, cpu,
        isolation, hourly

    /// Parses `all` or a comma-separated list.
    public static func parse(_ list: String) throws -> [Experiment] {
        if list == "all" { return allCases }
        return try list.split(separator: ",").map { name in
            guard let experiment = Experiment(rawValue: String(name)) else {
                throw SimulateError.unknownExperiment(String(name), known: allCases.map(\.rawValue))
            }
            return experiment
        }
    }

    fileprivate func run(_ context: ExperimentContext) throws {
        switch self {
        case .inventory: try Inventory.run(context)
        case .coresidency: try Coresidency.run(context)
        case .scalability: try Scalability.run(context)
        case .placement: try Placement.run(context)
        case .coldstart: try ColdStart.run(context)
        case .colevel: try ConcurrentColdStart.run(context)
        case .lifetime: try Lifetime.run(context)
        case .idle: try IdleRecycling.run(context)
        case .consistency: try Consistency.run(context)
        case .cpu: try CPUShare.run(context)
        case .isolation: try IOAndNetwork.run(context)
        case .hourly: try HourlyColdStart.run(context)
        }
    }
}

/// Writes simulated runs: `OUT/<profile>/<experiment>/<run>/{manifest.json, invocations.log, truth.json}`.
public struct Simulator {
    public let profile: Profile
    public let seed: UInt64
    /// Multiplies the number of repetitions (rounds, probes, instances) of every experiment.
    public let scale: Double

    public init(profile: Profile, seed: UInt64, scale: Double) {
        self.profile = profile
        self.seed = seed
        self.scale = scale
    }

    /// The snapshot every run of this profile goes into.
    public var snapshot: String { "simulated-\(profile.name)" }

    /// Runs the experiments and returns the number of log lines written.
    @discardableResult
    public func run(_ experiments: [Experiment], into output: URL) throws -> Int {
        var lines = 0
        for experiment in experiments {
            let context = ExperimentContext(
                profile: profile, runSeed: seed,
                seed: seed &+ UInt64(Experiment.allCases.firstIndex(of: experiment)!) &* 0x9E37_79B9, scale: scale,
                experiment: experiment, snapshot: snapshot,
                directory: output.appendingPathComponent(profile.name).appendingPathComponent(experiment.rawValue))
            try experiment.run(context)
            lines += context.linesWritten
        }
        return lines
    }
}

/// What an experiment needs: its profile, a seed, the scale, and where its runs go.
final class ExperimentContext {
    let profile: Profile
    /// The seed `analyze simulate` was given, which reproduces the run; `seed` is the experiment's own.
    let runSeed: UInt64
    let seed: UInt64
    let scale: Double
    let experiment: Experiment
    let snapshot: String
    let directory: URL
    private(set) var linesWritten = 0

    init(
        profile: Profile, runSeed: UInt64, seed: UInt64, scale: Double, experiment: Experiment, snapshot: String,
        directory: URL
    ) {
        self.profile = profile
        self.runSeed = runSeed
        self.seed = seed
        self.scale = scale
        self.experiment = experiment
        self.snapshot = snapshot
        self.directory = directory
    }

    /// `count` scaled, at least `minimum`.
    func scaled(_ count: Int, minimum: Int = 1) -> Int {
        max(minimum, Int((Double(count) * scale).rounded()))
    }

    /// A fresh platform for one run; each run of the experiment gets its own random stream (so its
    /// instance and VM ids are its own).
    private var platforms: UInt64 = 0
    func platform() -> Platform {
        platforms += 1
        return Platform(profile: profile, seed: seed &+ platforms &* 0xD1B5_4A32_D192_ED03)
    }

    /// Opens a run directory with its manifest; `parameters` are the run's experiment parameters,
    /// `account` the tenant account the manifest names (the log lines cannot say).
    func run(
        _ name: String, on platform: Platform, parameters: [String: Any] = [:], tests: [String] = [],
        account: String? = nil
    ) throws -> RunWriter {
        var manifest: [String: Any] = [
            "snapshot": snapshot,
            "description": "Simulated with profile \(profile.name): \(profile.description)",
            "simulated_profile": profile.name,
            "provider": profile.provider.rawValue,
            "experiment": experiment.rawValue,
            "parameters": parameters,
        ]
        if !tests.isEmpty { manifest["tests"] = tests }
        if let account { manifest["account"] = account }
        return try RunWriter(
            directory: directory.appendingPathComponent(name), platform: platform, manifest: manifest, seed: seed)
    }

    func finish(
        _ writer: RunWriter, truth expected: SimulationTruth.Expected,
        parameters: SimulationTruth.Parameters = SimulationTruth.Parameters()
    ) throws {
        linesWritten += writer.lines
        try writer.finish(
            truth: SimulationTruth(
                profile: profile.name, provider: profile.provider.rawValue, experiment: experiment.rawValue,
                seed: runSeed, experimentSeed: seed, scale: scale, parameters: parameters, expected: expected))
    }

    /// A function of a fresh name.
    private var functionCount = 0
    func function(account: String = "tenant-a", runtime: String? = nil, memoryMB: Int? = nil) -> SimFunction {
        functionCount += 1
        let runtime = runtime ?? profile.runtimeNames[0]
        let memory = memoryMB ?? profile.memorySizesMb[0]
        return SimFunction(
            account: account, name: "\(experiment.rawValue)-\(runtime)-\(memory)-\(functionCount)", runtime: runtime,
            memoryMB: memory)
    }
}
