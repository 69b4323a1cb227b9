/// Cold starts over a week (section 5.1): every hour, a few fresh functions get one request each.
enum HourlyColdStart {
    static func run(_ context: ExperimentContext) throws {
        let platform = context.platform()
        platform.diurnalSwing = true
        let writer = try context.run("week", on: platform)
        let profile = context.profile
        let runtime = profile.runtimeNames[0]
        let memory = profile.memorySizesMb[0]
        let perHour = context.scaled(10, minimum: 3)
        var hours: [[String: Any]] = []
        for hour in 0..<(7 * 24) {
            let time = platform.startMs + Double(hour) * 3_600_000
            for probe in 0..<perHour {
                let function = context.function(account: "hourly", runtime: runtime, memoryMB: memory)
                writer.write(
                    platform.batch(function, count: 1, atMs: time + Double(probe) * 60_000), round: hour, batch: probe)
            }
            hours.append([
                "hour": hour,
                "model_median_ms": profile.coldMedianMs(runtime: runtime, memoryMB: memory)
                    * platform.diurnal(time + Double(perHour) * 30_000),
            ])
        }
        try context.finish(
            writer, truth: ["runtime": runtime, "memory_mb": memory, "hours": hours],
            parameters: ["diurnal_amplitude": profile.latency.diurnalAmplitude])
    }
}
