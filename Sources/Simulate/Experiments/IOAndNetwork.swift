import Store

/// I/O and network isolation (section 6.2): c instances of one account run `dd` (three rounds) and iperf
/// at once; each gets its share of its VM's disk and network throughput, split among the instances of
/// the batch on that VM (a batch larger than a VM holds spreads over several).
enum IOAndNetwork {
    static func run(_ context: ExperimentContext) throws {
        let platform = context.platform()
        let writer = try context.run("dd-iperf", on: platform, tests: ["io", "net"])
        let performance = context.profile.performance
        var time = platform.startMs
        var account = 0
        struct Sharing: Hashable, Comparable {
            let memory: Int, onVM: Int
            static func < (a: Sharing, b: Sharing) -> Bool { (a.memory, a.onVM) < (b.memory, b.onVM) }
        }
        var sharing: Set<Sharing> = []
        let memories = Array(Set([context.profile.memorySizesMb.first!, context.profile.memorySizesMb.last!])).sorted()
        for memory in memories {
            let memoryFactor = performance.throughputFullMemoryMb.map { min(1, Double(memory) / $0) } ?? 1
            for colevel in [1, 2, 4, 8] {
                for _ in 0..<context.scaled(30, minimum: 1) {
                    account += 1
                    let function = context.function(account: "io-\(account)", memoryMB: memory)
                    let served = platform.batch(function, count: colevel, atMs: time, executionMs: 3000...3500)
                    writer.write(served, round: colevel, batch: account) { request in
                        func jitter() -> Double {
                            max(0.05, 1 + performance.throughputJitter * platform.random.normal())
                        }
                        let onVM = Double(max(1, request.colevel))
                        sharing.insert(Sharing(memory: memory, onVM: Int(onVM)))
                        let rounds = (0..<3).map { _ in
                            let throughput = performance.vmIoMbS * memoryFactor / onVM * jitter()
                            return TextBytes.fixed(100 / throughput, digits: 4) + ","
                                + TextBytes.fixed(throughput, digits: 2)
                        }
                        let bandwidth = performance.vmNetworkMbps * 1e6 * memoryFactor / onVM * jitter()
                        let rtt = platform.random.uniform(0.2...0.6)
                        return [
                            rounds.joined(separator: ";"),
                            [bandwidth, rtt, rtt * 0.6, rtt * 3].enumerated().map {
                                TextBytes.fixed($1, digits: $0 == 0 ? 0 : 3)
                            }.joined(separator: ","),
                        ]
                    }
                    time += 30_000
                }
            }
        }
        // The model's throughput per instance, by memory and the instances sharing its VM.
        var truth = SimulationTruth.Expected()
        truth.groups = sharing.sorted().map { key in
            let memoryFactor = performance.throughputFullMemoryMb.map { min(1, Double(key.memory) / $0) } ?? 1
            var group = SimulationTruth.Expected.Group(memoryMb: key.memory, colevel: key.onVM)
            group.modelIoMbS = performance.vmIoMbS * memoryFactor / Double(key.onVM)
            group.modelNetworkMbps = performance.vmNetworkMbps * memoryFactor / Double(key.onVM)
            group.modelSlowdown = Double(key.onVM)
            return group
        }
        var parameters = SimulationTruth.Parameters()
        parameters.jitter = performance.throughputJitter
        try context.finish(writer, truth: truth, parameters: parameters)
    }
}
