import Store

/// Update consistency (section 5.4): k concurrent requests, a function update, and k more requests
/// after a delay; each response says which version served it, each line which one was expected.
enum Consistency {
    static func run(_ context: ExperimentContext) throws {
        let rounds = context.scaled(100, minimum: 5)
        for k in [1, 50] {
            for delay in [0.0, 1, 2, 3, 4, 5, 6, 8, 10] {
                let platform = context.platform()
                let parameters: [String: Any] = ["k": k, "delay_s": delay, "rounds": rounds]
                let writer = try context.run(
                    "k\(k)-delay-\(Int(delay))s", on: platform, parameters: parameters,
                    tests: ["version", "expected"])
                let function = context.function()
                var time = platform.startMs
                var after = 0
                var stale = 0
                var staleNew = 0
                for round in 0..<rounds {
                    let expected = "v\(function.version)"
                    writer.write(platform.batch(function, count: k, atMs: time), round: round, batch: 1) { served in
                        ["v\(served.version)", expected]
                    }
                    let update = time + 10_000
                    function.update(atMs: update)
                    let served = platform.batch(function, count: k, atMs: update + delay * 1000)
                    writer.write(served, round: round, batch: 2) { served in
                        ["v\(served.version)", "v\(function.version)"]
                    }
                    after += served.count
                    stale += served.filter { $0.version != function.version }.count
                    staleNew += served.filter { $0.version != function.version && $0.cold }.count
                    time += 60_000
                }
                var truth = SimulationTruth.Expected()
                truth.requestsAfterUpdate = after
                truth.staleFraction = Double(stale) / Double(after)
                truth.staleNewInstanceFraction = Double(staleNew) / Double(after)
                truth.safeDelayS = context.profile.consistency.windowS
                var run = SimulationTruth.Parameters()
                (run.k, run.delayS, run.rounds) = (k, delay, rounds)
                try context.finish(writer, truth: truth, parameters: run)
            }
        }
    }
}
