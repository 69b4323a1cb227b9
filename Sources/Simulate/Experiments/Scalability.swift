import Store

/// Scalability (section 4.3): one batch of N = 5i concurrent requests to a fresh function for each
/// level; how many instances serve it?
enum Scalability {
    static func run(_ context: ExperimentContext) throws {
        let platform = context.platform()
        let writer = try context.run("concurrency", on: platform)
        let top = context.scaled(200, minimum: 20)
        var levels: [SimulationTruth.Expected.Level] = []
        var time = platform.startMs
        for level in stride(from: 5, through: top, by: 5) {
            let function = context.function()
            let served = platform.batch(function, count: level, atMs: time, executionMs: 500...600)
            writer.write(served, round: level / 5, batch: 1)
            let instances = Set(served.map(\.instance)).count
            var row = SimulationTruth.Expected.Level()
            (row.concurrency, row.instances, row.instancesPerRequest) =
                (level, instances, Double(instances) / Double(level))
            levels.append(row)
            time += 60_000
        }
        var truth = SimulationTruth.Expected()
        truth.levels = levels
        truth.maxConcurrentInstances = levels.compactMap(\.instances).max() ?? 0
        try context.finish(writer, truth: truth)
    }
}
