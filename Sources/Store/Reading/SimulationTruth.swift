import Foundation
import GRDB
import Statistics

/// What an `analyze simulate` run's `truth.json` says: the profile, seed and scale that wrote it, the
/// model parameters the run depends on, and the model's values an analysis should recover
/// (docs/simulator.md). The simulator writes it and ingest reads it through this one type, keys in
/// snake_case (`max_vm_memory_mb`); each experiment sets the fields it knows, the others stay nil.
public struct SimulationTruth: Sendable, Codable, Equatable {
    public var profile: String
    public var provider: String?
    public var experiment: String
    /// The seed given to `analyze simulate`, and the experiment's own stream drawn from it.
    public var seed: UInt64
    public var experimentSeed: UInt64?
    public var scale: Double
    public var parameters: Parameters
    public var expected: Expected

    public init(
        profile: String, provider: String?, experiment: String, seed: UInt64, experimentSeed: UInt64?, scale: Double,
        parameters: Parameters, expected: Expected
    ) {
        (self.profile, self.provider, self.experiment) = (profile, provider, experiment)
        (self.seed, self.experimentSeed, self.scale) = (seed, experimentSeed, scale)
        (self.parameters, self.expected) = (parameters, expected)
    }

    /// The run's experiment parameters and the model parameters it depends on.
    public struct Parameters: Sendable, Codable, Equatable {
        public var coldSigma: Double?
        public var k: Int?
        public var delayS: Double?
        public var rounds: Int?
        public var fullCpuMemoryMb: Double?
        public var jitter: Double?
        public var diurnalAmplitude: Double?
        public var graceS: Double?
        public var periodS: Double?
        public var endProbability: Double?
        public var intervalS: Double?
        public var concurrency: Int?
        public var memoryMb: Int?
        public var modelMedianMinutes: Double?
        public init() {}
    }

    public struct Expected: Sendable, Codable, Equatable {
        // coldstart
        public var cold: [ColdStart]?
        public var warmMedianMs: Double?
        public var newVmExtraMs: Double?
        public var newVmColdStarts: Int?
        public var existingVmColdStarts: Int?
        // colevel, hourly
        public var runtime: String?
        public var memoryMb: Int?
        public var colevelPenaltyMs: Double?
        public var levels: [Level]?
        public var hours: [Hour]?
        // consistency
        public var requestsAfterUpdate: Int?
        public var staleFraction: Double?
        public var staleNewInstanceFraction: Double?
        public var safeDelayS: Double?
        // inventory, coresidency, placement, scalability
        public var vmIdentityVisible: Bool?
        public var vms: Int?
        public var instances: Int?
        public var configurations: [Configuration]?
        public var crossTenantFraction: Double?
        public var usableVmMemoryMb: Int?
        public var maxVmMemoryMb: Int?
        public var maxConcurrentInstances: Int?
        // lifetime
        public var instancesEnded: Int?
        public var maxMinutes: Double?
        public var medianMinutes: Double?
        public var p90Minutes: Double?
        // idle
        public var maxIdleMinutes: Double?
        public var busyVmMaxIdleMinutes: Double?
        public var longestSurvivedGapMinutes: Double?
        public var survival: [Survival]?
        // cpu, isolation
        public var groups: [Group]?
        public init() {}

        /// The model's median cold start of one runtime and memory size, and the median of the mixture
        /// the run drew from (new-VM starts included).
        public struct ColdStart: Sendable, Codable, Equatable {
            public var runtime: String
            public var memoryMb: Int
            public var n: Int
            public var newVmColdStarts: Int
            public var modelMedianMs: Double
            public var coldMedianMs: Double
            public init(
                runtime: String, memoryMb: Int, n: Int, newVmColdStarts: Int, modelMedianMs: Double,
                coldMedianMs: Double
            ) {
                (self.runtime, self.memoryMb, self.n, self.newVmColdStarts) = (runtime, memoryMb, n, newVmColdStarts)
                (self.modelMedianMs, self.coldMedianMs) = (modelMedianMs, coldMedianMs)
            }
        }

        /// A colevel's mean cold start (`colevel`) or a concurrency level's instances (`scalability`).
        public struct Level: Sendable, Codable, Equatable {
            public var colevel: Int?
            public var meanColdMsIfOneVm: Double?
            public var concurrency: Int?
            public var instances: Int?
            public var instancesPerRequest: Double?
            public init() {}
        }

        public struct Hour: Sendable, Codable, Equatable {
            public var hour: Int
            public var modelMedianMs: Double
            public init(hour: Int, modelMedianMs: Double) { (self.hour, self.modelMedianMs) = (hour, modelMedianMs) }
        }

        public struct Configuration: Sendable, Codable, Equatable {
            public var cpuModel: String
            public var ncpu: Int
            public var memoryMb: Int
            public var vms: Int
            public var instances: Int
            public var instanceShare: Double
            public init(cpuModel: String, ncpu: Int, memoryMb: Int, vms: Int, instances: Int, instanceShare: Double) {
                (self.cpuModel, self.ncpu, self.memoryMb) = (cpuModel, ncpu, memoryMb)
                (self.vms, self.instances, self.instanceShare) = (vms, instances, instanceShare)
            }
        }

        public struct Survival: Sendable, Codable, Equatable {
            public var gapMinutes: Double
            public var busyVm: Bool
            public var probes: Int
            public var survivalFraction: Double
            public init(gapMinutes: Double, busyVm: Bool, probes: Int, survivalFraction: Double) {
                (self.gapMinutes, self.busyVm, self.probes, self.survivalFraction) =
                    (gapMinutes, busyVm, probes, survivalFraction)
            }
        }

        /// A CPU share (`cpu`) or a throughput (`isolation`) group by memory and instances on one VM.
        public struct Group: Sendable, Codable, Equatable {
            public var memoryMb: Int
            public var colevel: Int
            public var meanShare: Double?
            public var modelShare: Double?
            public var modelIoMbS: Double?
            public var modelNetworkMbps: Double?
            public var modelSlowdown: Double?
            public init(memoryMb: Int, colevel: Int) { (self.memoryMb, self.colevel) = (memoryMb, colevel) }
        }
    }

    /// The JSON of truth.json: snake_case keys, sorted, pretty-printed (same truth, same bytes).
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return try encoder.encode(self) + Data("\n".utf8)
    }

    public static func decode(_ data: Data) throws -> SimulationTruth {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(SimulationTruth.self, from: data)
    }
}

extension SimulationTruth {
    /// The model's value for a metric row a stage computed from this run's experiment, when the model
    /// sets one: max concurrent instances, memory packed on one VM, a runtime's median cold start at
    /// one memory size (or the smallest or largest over memory sizes), the median warm start, the
    /// longest idle time. Nil for anything else (a pooled cold-start median mixes runtimes; the model
    /// has no single value for it).
    public func value(for row: Metric) -> Double? {
        guard row.provider == provider, row.parameters.experiment == experiment else { return nil }
        let memoryMatches = parameters.memoryMb == nil || parameters.memoryMb == row.memoryMB
        let intervalMatches = parameters.intervalS == nil || parameters.intervalS == row.parameters.intervalSeconds
        switch (row.metric, row.statistic) {
        case (.maxConcurrentInstances, .max): return expected.maxConcurrentInstances.map(Double.init)
        case (.vmMemoryMB, .max): return expected.maxVmMemoryMb.map(Double.init)
        case (.coldStartLatency, .median) where row.parameters.grouping == nil && row.parameters.colevel == nil:
            return expected.cold?.first { $0.runtime == row.runtime && $0.memoryMb == row.memoryMB }?.modelMedianMs
        case (.coldStartLatency, .medianMin), (.coldStartLatency, .medianMax):
            // A summary over memory sizes: the smallest or largest of the runtime's model medians.
            let medians = (expected.cold ?? []).filter { $0.runtime == row.runtime }.map(\.modelMedianMs)
            return row.statistic == .medianMin ? medians.min() : medians.max()
        case (.warmStartLatency, .median) where row.parameters.grouping == .pooled: return expected.warmMedianMs
        case (.maxIdleMinutes, .max):
            return row.parameters.grouping == .busyVM ? expected.busyVmMaxIdleMinutes : expected.maxIdleMinutes
        case (.idleSurvivalFraction, .fraction):
            // One entry per gap and kind of probe (IdleRecycling).
            return expected.survival?.first { !$0.busyVm && $0.gapMinutes == row.parameters.idleMinutes }?
                .survivalFraction
        case (.hourlyColdStartMedian, .median):
            return Sample((expected.hours ?? []).map(\.modelMedianMs)).median
        case (.crossTenantFraction, .fraction): return expected.crossTenantFraction
        case (.coresidencyVMs, .count): return expected.vms.map(Double.init)
        case (.instanceLifetimeMinutes, .median) where memoryMatches && intervalMatches: return expected.medianMinutes
        case (.instanceLifetimeMinutes, .percentile(90)) where memoryMatches && intervalMatches:
            return expected.p90Minutes
        case (.staleFraction, .fraction) where sameRun(row):
            return expected.staleFraction
        case (.staleNewInstanceFraction, .fraction) where sameRun(row):
            return expected.staleNewInstanceFraction
        case (.safeDelay, .min): return expected.safeDelayS
        default: return nil
        }
    }

    /// Whether a consistency row is of this run's batch size and delay.
    private func sameRun(_ row: Metric) -> Bool {
        row.parameters.batchSize != nil && row.parameters.batchSize == parameters.k
            && row.parameters.delaySeconds == parameters.delayS
    }
}

extension Store {
    /// The truth of every simulated run in the snapshot, in file order (ingest stored only truths that
    /// decode).
    public func simulationTruths(of snapshot: String) throws -> [SimulationTruth] {
        try queue.read { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT f.simulation_truth FROM source_file f JOIN snapshot s ON s.id = f.snapshot_id
                    WHERE s.name = ? AND f.simulation_truth IS NOT NULL ORDER BY f.id
                    """, arguments: [snapshot]
            ).map { try SimulationTruth.decode(Data($0.utf8)) }
        }
    }
}
