import Foundation
import Store

/// Cold starts launched together on one VM (section 5.1): k concurrent requests from a fresh account,
/// so that all k instances start on one new VM (where placement packs them).
enum ConcurrentColdStart {
    static func run(_ context: ExperimentContext) throws {
        let platform = context.platform()
        let writer = try context.run("colevel", on: platform)
        let repetitions = context.scaled(30, minimum: 2)
        let profile = context.profile
        let runtime = profile.runtimeNames.contains("python2.7") ? "python2.7" : profile.runtimeNames[0]
        let memory = profile.memorySizesMb[0]
        let sigma = profile.latency.coldSigma
        var levels: [SimulationTruth.Expected.Level] = []
        var time = platform.startMs
        var account = 0
        for colevel in 1...20 {
            for repetition in 0..<repetitions {
                account += 1
                let function = context.function(account: "tenant-\(account)", runtime: runtime, memoryMB: memory)
                writer.write(platform.batch(function, count: colevel, atMs: time), round: colevel, batch: repetition)
                time += 60_000
            }
            // Mean of a log-normal is median * exp(sigma^2 / 2); the penalty and the new-VM extra add.
            let mean =
                profile.coldMedianMs(runtime: runtime, memoryMB: memory) * exp(sigma * sigma / 2)
                + profile.latency.colevelPenaltyMs * Double(colevel - 1) + profile.latency.newVmExtraMs
            var level = SimulationTruth.Expected.Level()
            (level.colevel, level.meanColdMsIfOneVm) = (colevel, mean)
            levels.append(level)
        }
        var expected = SimulationTruth.Expected()
        (expected.runtime, expected.memoryMb, expected.levels) = (runtime, memory, levels)
        expected.colevelPenaltyMs = profile.latency.colevelPenaltyMs
        try context.finish(writer, truth: expected)
    }
}
