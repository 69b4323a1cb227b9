import Store

/// Cold starts over a week (section 5.1): every hour, a few fresh functions get one request each; the
/// function is the profile's `hourly` one (runtime, memory and, where the paper's hourly medians are
/// not its cold-start experiment's, their median).
enum HourlyColdStart {
    static func run(_ context: ExperimentContext) throws {
        let platform = context.platform()
        platform.diurnalSwing = true
        let writer = try context.run("week", on: platform)
        let profile = context.profile
        let runtime = profile.hourly.runtime
        let memory = profile.hourly.memoryMb
        let perHour = context.scaled(30, minimum: 3)
        var hours: [SimulationTruth.Expected.Hour] = []
        for hour in 0..<(7 * 24) {
            let time = platform.startMs + Double(hour) * 3_600_000
            for probe in 0..<perHour {
                let function = context.function(account: "hourly", runtime: runtime, memoryMB: memory)
                function.coldMedianMs = profile.hourlyColdMedianMs
                writer.write(
                    platform.batch(function, count: 1, atMs: time + Double(probe) * 60_000), round: hour, batch: probe)
            }
            hours.append(
                .init(
                    hour: hour,
                    modelMedianMs: profile.hourlyColdMedianMs * platform.diurnal(time + Double(perHour) * 30_000)))
        }
        var truth = SimulationTruth.Expected()
        (truth.runtime, truth.memoryMb, truth.hours) = (runtime, memory, hours)
        var parameters = SimulationTruth.Parameters()
        parameters.diurnalAmplitude = profile.latency.diurnalAmplitude
        try context.finish(writer, truth: truth, parameters: parameters)
    }
}
