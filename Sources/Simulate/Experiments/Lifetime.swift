import Statistics
import Store

/// Instance lifetime (section 5.2): c instances kept busy with a request every interval until the last
/// one has ended; each instance's lifetime is last seen minus first seen. At scale 1, c = 100: the
/// paper collected at least 50 lifetimes per setting. Where the profile caps a function's instances
/// (Azure: 10), the c instances belong to several functions of the account. An instance that ends is
/// not replaced (the next round sends one request fewer, as a client that saw its id disappear
/// would), so every lifetime is observed whole; replacements started late in a run would end within
/// it only when short.
enum Lifetime {
    static func run(_ context: ExperimentContext) throws {
        let profile = context.profile
        let memories = Array(Set([profile.memorySizesMb.first!, profile.memorySizesMb.last!])).sorted()
        let intervals: [Double] = context.scale >= 0.5 ? [5, 30, 60] : [60]
        let concurrency = context.scaled(100, minimum: 1)
        let perFunction = min(concurrency, profile.scaling.maxInstances ?? concurrency)
        for interval in intervals {
            for memory in memories {
                let platform = context.platform()
                let parameters: [String: Any] = ["interval_s": interval, "concurrency": concurrency]
                let writer = try context.run(
                    "interval-\(Int(interval))s-\(memory)mb", on: platform, parameters: parameters)
                // Each function's share of the c instances: perFunction, the last one the rest.
                let targets = stride(from: 0, to: concurrency, by: perFunction).map {
                    min(perFunction, concurrency - $0)
                }
                let functions = targets.map { _ in
                    let function = context.function(memoryMB: memory)
                    function.requestIntervalS = interval
                    return function
                }
                let end = platform.startMs + (profile.lifetime.maxMinutes + 30) * 60_000
                var time = platform.startMs
                var round = 0
                var counts = targets
                var allStarted = targets.map { _ in false }
                while time < end, counts.contains(where: { $0 > 0 }) {
                    for (index, function) in functions.enumerated() where counts[index] > 0 {
                        writer.write(
                            platform.batch(function, count: counts[index], atMs: time + Double(index) * 10),
                            round: round,
                            batch: index + 1)
                    }
                    time += interval * 1000
                    round += 1
                    platform.advance(toMs: time)
                    // Until a function's instances have all started (Google starts about half of a large
                    // batch), the missing ones are asked for again.
                    for (index, function) in functions.enumerated() {
                        if !allStarted[index] {
                            allStarted[index] =
                                platform.instances.lazy.filter { $0.function === function }.count >= targets[index]
                        }
                        counts[index] = allStarted[index] ? platform.aliveInstances(of: function).count : targets[index]
                    }
                }
                // One more request per function finds its instances gone (a new one answers): the last
                // ones' round is not the run's last, which an analysis leaves out as cut off by the run's end.
                for (index, function) in functions.enumerated() where counts[index] == 0 {
                    writer.write(
                        platform.batch(function, count: 1, atMs: time + Double(index) * 10), round: round,
                        batch: index + 1)
                }
                // Lifetimes of the instances that ended within the run (the others are cut off).
                let lifetimes = platform.instances.compactMap { instance -> Double? in
                    guard let ended = instance.endedMs, ended < time else { return nil }
                    return (instance.lastEndMs - instance.createdMs) / 60_000
                }
                var expected = SimulationTruth.Expected()
                (expected.instancesEnded, expected.maxMinutes) = (lifetimes.count, profile.lifetime.maxMinutes)
                if !lifetimes.isEmpty {
                    expected.medianMinutes = Sample(lifetimes).median!
                    expected.p90Minutes = Sample(lifetimes).quantile(0.9)!
                }
                var run = SimulationTruth.Parameters()
                (run.intervalS, run.concurrency, run.memoryMb) = (interval, concurrency, memory)
                run.modelMedianMinutes =
                    profile.lifetime.distribution(memoryMB: memory, intervalS: interval).medianMinutes
                try context.finish(writer, truth: expected, parameters: run)
            }
        }
    }
}
