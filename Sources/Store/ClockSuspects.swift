/// Providers whose start latencies a snapshot's own rows put in doubt: the pooled warm-start median is
/// above the cold-start median. Start latency is the instance's clock minus the client's, so an offset
/// between the two clocks, which shifts every value, explains this better than the platform does. The
/// report says so beside the numbers; comparisons refuse such pairs (docs/compare.md).
public struct ClockSuspects: Sendable {
    public struct Medians: Sendable, Equatable {
        public let warm: Double
        public let cold: Double
    }

    /// By provider, the two pooled medians.
    public let byProvider: [String: Medians]

    public init(_ rows: [Metric]) {
        let pooled = rows.filter { $0.statistic == .median && $0.parameters.grouping == .pooled }
        var byProvider: [String: Medians] = [:]
        for cold in pooled where cold.metric == .coldStartLatency {
            guard let provider = cold.provider,
                let warm = pooled.first(where: {
                    $0.metric == .warmStartLatency && $0.provider == provider
                        && $0.parameters.experiment == cold.parameters.experiment
                }), warm.value > cold.value
            else { continue }
            byProvider[provider] = Medians(warm: warm.value, cold: cold.value)
        }
        self.byProvider = byProvider
    }
}
