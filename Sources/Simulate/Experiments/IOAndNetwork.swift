/// I/O and network isolation (section 6.2): c coresident instances run `dd` (three rounds) and iperf
/// at once; each gets a share of the VM's disk and network throughput.
enum IOAndNetwork {
    static func run(_ context: ExperimentContext) throws {
        let platform = context.platform()
        let writer = try context.run("dd-iperf", on: platform, tests: ["io", "net"])
        let performance = context.profile.performance
        var time = platform.startMs
        var account = 0
        var groups: [[String: Any]] = []
        let memories = Array(Set([context.profile.memorySizesMb.first!, context.profile.memorySizesMb.last!])).sorted()
        for memory in memories {
            let memoryFactor = performance.throughputFullMemoryMb.map { min(1, Double(memory) / $0) } ?? 1
            for colevel in [1, 2, 4, 8] {
                for _ in 0..<context.scaled(30, minimum: 1) {
                    account += 1
                    let function = context.function(account: "io-\(account)", memoryMB: memory)
                    let served = platform.batch(function, count: colevel, atMs: time, executionMs: 3000...3500)
                    writer.write(served, round: colevel, batch: account) { _ in
                        func jitter() -> Double {
                            max(0.05, 1 + performance.throughputJitter * platform.random.normal())
                        }
                        let rounds = (0..<3).map { _ in
                            let throughput = performance.vmIoMbS * memoryFactor / Double(colevel) * jitter()
                            return TextBytes.fixed(100 / throughput, digits: 4) + ","
                                + TextBytes.fixed(throughput, digits: 2)
                        }
                        let bandwidth = performance.vmNetworkMbps * 1e6 * memoryFactor / Double(colevel) * jitter()
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
                groups.append([
                    "memory_mb": memory, "colevel": colevel,
                    "model_io_mb_s": performance.vmIoMbS * memoryFactor / Double(colevel),
                    "model_network_mbps": performance.vmNetworkMbps * memoryFactor / Double(colevel),
                    "model_slowdown": Double(colevel),
                ])
            }
        }
        try context.finish(writer, truth: ["groups": groups], parameters: ["jitter": performance.throughputJitter])
    }
}
