import Foundation
import Store

/// Cold and warm start latency (section 5.1): for each runtime and memory size, a fresh function
/// gets a request (cold), then another one second later (warm).
///
/// The true median of a group is that of the latency distribution the run drew from: log-normal
/// around the model median, shifted by the new-VM extra for the share of cold starts that were the
/// first on their VM (large memory sizes open new VMs often).
enum ColdStart {
    static func run(_ context: ExperimentContext) throws {
        let platform = context.platform()
        let writer = try context.run("cold-warm-pairs", on: platform)
        let rounds = context.scaled(100, minimum: 5)
        let profile = context.profile
        var time = platform.startMs
        var groups: [SimulationTruth.Expected.ColdStart] = []
        var newVMStarts = 0
        var existingVMStarts = 0
        for runtime in profile.runtimeNames {
            for memory in profile.memorySizesMb {
                var newInGroup = 0
                for round in 0..<rounds {
                    let function = context.function(runtime: runtime, memoryMB: memory)
                    let cold = platform.batch(function, count: 1, atMs: time)
                    let warm = platform.batch(function, count: 1, atMs: cold[0].receivedMs + 1_000)
                    writer.write(cold, round: round, batch: 1)
                    writer.write(warm, round: round, batch: 2)
                    if cold[0].newVM {
                        newVMStarts += 1
                        newInGroup += 1
                    } else {
                        existingVMStarts += 1
                    }
                    time = warm[0].receivedMs + 5_000
                }
                let median = profile.coldMedianMs(runtime: runtime, memoryMB: memory)
                groups.append(
                    .init(
                        runtime: runtime, memoryMb: memory, n: rounds, newVmColdStarts: newInGroup,
                        modelMedianMs: median,
                        coldMedianMs: mixtureMedian(
                            median: median, sigma: profile.latency.coldSigma,
                            extra: profile.latency.newVmExtraMs, newShare: Double(newInGroup) / Double(rounds))))
            }
        }
        var expected = SimulationTruth.Expected()
        expected.cold = groups
        expected.warmMedianMs = profile.latency.warmMedianMs
        expected.newVmExtraMs = profile.latency.newVmExtraMs
        expected.newVmColdStarts = newVMStarts
        expected.existingVmColdStarts = existingVMStarts
        var parameters = SimulationTruth.Parameters()
        parameters.coldSigma = profile.latency.coldSigma
        try context.finish(writer, truth: expected, parameters: parameters)
    }

    /// The median of (1 - w) LogNormal(median, sigma) + w (extra + LogNormal(median, sigma)), by bisection.
    static func mixtureMedian(median: Double, sigma: Double, extra: Double, newShare w: Double) -> Double {
        func normalCDF(_ z: Double) -> Double { 0.5 * erfc(-z / 2.0.squareRoot()) }
        func logNormalCDF(_ x: Double) -> Double { x <= 0 ? 0 : normalCDF((log(x) - log(median)) / sigma) }
        func cdf(_ x: Double) -> Double { (1 - w) * logNormalCDF(x) + w * logNormalCDF(x - extra) }
        var low = 0.0
        var high = median * 10 + extra
        for _ in 0..<200 {
            let middle = (low + high) / 2
            if cdf(middle) < 0.5 { low = middle } else { high = middle }
        }
        return (low + high) / 2
    }
}
