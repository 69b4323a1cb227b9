/// Scalability (section 4.3): one batch of N = 5i concurrent requests to a fresh function for each
/// level; how many instances serve it?
enum Scalability {
    static func run(_ context: ExperimentContext) throws {
        let platform = context.platform()
        let writer = try context.run("concurrency", on: platform)
        let top = context.scaled(200, minimum: 20)
        var levels: [[String: Any]] = []
        var time = platform.startMs
        for level in stride(from: 5, through: top, by: 5) {
            let function = context.function()
            let served = platform.batch(function, count: level, atMs: time, executionMs: 500...600)
            writer.write(served, round: level / 5, batch: 1)
            let instances = Set(served.map(\.instance)).count
            levels.append([
                "concurrency": level, "instances": instances,
                "instances_per_request": Double(instances) / Double(level),
            ])
            time += 60_000
        }
        try context.finish(
            writer,
            truth: [
                "levels": levels,
                "max_concurrent_instances": levels.map { $0["instances"] as! Int }.max() ?? 0,
            ])
    }
}
