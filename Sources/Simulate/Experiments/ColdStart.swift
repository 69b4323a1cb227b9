import Foundation

/// Cold and warm start latency (section 5.1): for each runtime and memory size, a fresh function
/// gets a request (cold), then another one second later (warm).
enum ColdStart {
    static func run(_ context: ExperimentContext) throws {
        let platform = context.platform()
        let writer = try context.run("cold-warm-pairs", on: platform)
        let rounds = context.scaled(100, minimum: 5)
        let profile = context.profile
        var time = platform.startMs
        var groups: [[String: Any]] = []
        var newVM: [Double] = [], existingVM: [Double] = []
        for runtime in profile.runtimeNames {
            for memory in profile.memorySizesMb {
                for round in 0..<rounds {
                    let function = context.function(runtime: runtime, memoryMB: memory)
                    let cold = platform.batch(function, count: 1, atMs: time)
                    let warm = platform.batch(function, count: 1, atMs: cold[0].receivedMs + 1_000)
                    writer.write(cold, round: round, batch: 1)
                    writer.write(warm, round: round, batch: 2)
                    let latency = cold[0].startMs - cold[0].sentMs
                    if cold[0].newVM { newVM.append(latency) } else { existingVM.append(latency) }
                    time = warm[0].receivedMs + 5_000
                }
                groups.append([
                    "runtime": runtime, "memory_mb": memory, "n": rounds,
                    "cold_median_ms": profile.coldMedianMs(runtime: runtime, memoryMB: memory),
                ])
            }
        }
        var expected: [String: Any] = [
            "cold": groups,
            "warm_median_ms": profile.latency.warmMedianMs,
            "new_vm_extra_ms": profile.latency.newVmExtraMs,
            "new_vm_cold_starts": newVM.count,
            "existing_vm_cold_starts": existingVM.count,
        ]
        if !newVM.isEmpty, !existingVM.isEmpty {
            expected["new_minus_existing_vm_median_ms"] =
                TruthStatistics.quantile(newVM, 0.5) - TruthStatistics.quantile(existingVM, 0.5)
        }
        try context.finish(writer, truth: expected, parameters: ["cold_sigma": profile.latency.coldSigma])
    }
}
