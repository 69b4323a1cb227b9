import Foundation
import GRDB

/// What an `analyze simulate` run's `truth.json` says: the profile, seed and scale that wrote it, and
/// the model's values an analysis should recover (docs/simulator.md). Only the values a report reads
/// are decoded; the rest stay in `source_file.simulation_truth`.
public struct SimulationTruth: Sendable, Decodable, Equatable {
    public let profile: String
    public let provider: String?
    public let experiment: String
    public let seed: UInt64
    public let scale: Double
    public let expected: Expected

    public struct Expected: Sendable, Decodable, Equatable {
        /// The model's median cold start of one runtime and memory size (the `coldstart` experiment).
        public struct ColdStart: Sendable, Decodable, Equatable {
            public let runtime: String
            public let memoryMB: Int
            public let modelMedianMs: Double
        }

        public let maxConcurrentInstances: Double?
        public let maxVMMemoryMB: Double?
        public let cold: [ColdStart]?
        public let warmMedianMs: Double?
        /// How long an idle instance lives, and how long one on a VM kept busy by another instance.
        public let maxIdleMinutes: Double?
        public let busyVMMaxIdleMinutes: Double?
    }

    private enum CodingKeys: String, CodingKey {
        case profile, provider, experiment, seed, scale, expected
    }
}

extension SimulationTruth.Expected {
    private enum CodingKeys: String, CodingKey {
        case maxConcurrentInstances = "max_concurrent_instances"
        case maxVMMemoryMB = "max_vm_memory_mb"
        case cold
        case warmMedianMs = "warm_median_ms"
        case maxIdleMinutes = "max_idle_minutes"
        case busyVMMaxIdleMinutes = "busy_vm_max_idle_minutes"
    }
}

extension SimulationTruth.Expected.ColdStart {
    private enum CodingKeys: String, CodingKey {
        case runtime
        case memoryMB = "memory_mb"
        case modelMedianMs = "model_median_ms"
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
        switch (row.metric, row.statistic) {
        case (.maxConcurrentInstances, .max): return expected.maxConcurrentInstances
        case (.vmMemoryMB, .max): return expected.maxVMMemoryMB
        case (.coldStartLatency, .median) where row.parameters.grouping == nil && row.parameters.colevel == nil:
            return expected.cold?.first { $0.runtime == row.runtime && $0.memoryMB == row.memoryMB }?.modelMedianMs
        case (.coldStartLatency, .medianMin), (.coldStartLatency, .medianMax):
            // A summary over memory sizes: the smallest or largest of the runtime's model medians.
            let medians = (expected.cold ?? []).filter { $0.runtime == row.runtime }.map(\.modelMedianMs)
            return row.statistic == .medianMin ? medians.min() : medians.max()
        case (.warmStartLatency, .median) where row.parameters.grouping == .pooled: return expected.warmMedianMs
        case (.maxIdleMinutes, .max):
            return row.parameters.grouping == .busyVM ? expected.busyVMMaxIdleMinutes : expected.maxIdleMinutes
        default: return nil
        }
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
            ).map { try JSONDecoder().decode(SimulationTruth.self, from: Data($0.utf8)) }
        }
    }
}
