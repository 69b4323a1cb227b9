import Statistics

/// Instance lifetime (section 5.2): c instances kept busy with a request every interval, for longer
/// than the longest lifetime; each instance's lifetime is last seen minus first seen.
enum Lifetime {
    static func run(_ context: ExperimentContext) throws {
        let profile = context.profile
        let memories = Array(Set([profile.memorySizesMb.first!, profile.memorySizesMb.last!])).sorted()
        let intervals: [Double] = context.scale >= 0.5 ? [5, 30, 60] : [60]
        let concurrency = context.scaled(10, minimum: 1)
        for interval in intervals {
            for memory in memories {
                let platform = context.platform()
                let parameters: [String: Any] = ["interval_s": interval, "concurrency": concurrency]
                let writer = try context.run(
                    "interval-\(Int(interval))s-\(memory)mb", on: platform, parameters: parameters)
                let function = context.function(memoryMB: memory)
                let end = platform.startMs + (profile.lifetime.maxMinutes + 30) * 60_000
                var time = platform.startMs
                var round = 0
                while time < end {
                    writer.write(platform.batch(function, count: concurrency, atMs: time), round: round, batch: 1)
                    time += interval * 1000
                    round += 1
                }
                // Lifetimes of the instances that ended within the run (the others are cut off).
                let lifetimes = platform.instances.compactMap { instance -> Double? in
                    guard let ended = instance.endedMs, ended < end else { return nil }
                    return (instance.lastEndMs - instance.createdMs) / 60_000
                }
                var expected: [String: Any] = [
                    "instances_ended": lifetimes.count, "max_minutes": profile.lifetime.maxMinutes,
                ]
                if !lifetimes.isEmpty {
                    expected["median_minutes"] = Sample(lifetimes).median!
                    expected["p90_minutes"] = Sample(lifetimes).quantile(0.9)!
                }
                try context.finish(
                    writer, truth: expected,
                    parameters: parameters.merging([
                        "memory_mb": memory, "model_median_minutes": profile.lifetime.median(memoryMB: memory),
                    ]) { a, _ in a })
            }
        }
    }
}
