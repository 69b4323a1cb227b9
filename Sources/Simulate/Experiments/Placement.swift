import Store

/// Placement (section 4.4): one account launches instances of mixed memory sizes; how much memory do
/// the instances on one VM add up to?
enum Placement {
    static func run(_ context: ExperimentContext) throws {
        let platform = context.platform()
        let writer = try context.run("mixed-memory", on: platform)
        var time = platform.startMs
        for (round, memory) in context.profile.memorySizesMb.reversed().enumerated() {
            let function = context.function(memoryMB: memory)
            let count = context.scaled(30, minimum: 4)
            writer.write(
                platform.batch(function, count: count, atMs: time, executionMs: 200...300), round: round, batch: 1)
            time += 1_000
        }
        var truth = SimulationTruth.Expected()
        (truth.vmIdentityVisible, truth.usableVmMemoryMb, truth.maxVmMemoryMb) =
            (context.profile.vm.identity, context.profile.vm.usableMemoryMb, platform.peakVMMemoryMB)
        try context.finish(writer, truth: truth)
    }
}
