import Store

/// Idle recycling (section 5.3): a fresh function gets a request, then another after a gap (between
/// the two requests' send times); the same instance answering means it survived the idle time. Per account (one VM each
/// under bin packing):
/// a binary search over the gap (1 to 120 minutes, to a minute), then repeated probes at gaps from just
/// below the longest survival found to 12 minutes above it, then probes whose VM another instance
/// keeps busy (gaps of 30 to 240 minutes: the paper saw 1-3 h). Functions have the largest memory size,
/// whose instances live longest, so that the lifetime limit does not end a probe (Google's 128 MB
/// instances live about 20 minutes).
enum IdleRecycling {
    static func run(_ context: ExperimentContext) throws {
        let platform = context.platform()
        let writer = try context.run("gap-probes", on: platform)
        let memory = context.profile.memorySizesMb.max()!
        var time = platform.startMs
        var account = 0
        var results: [(gapMinutes: Double, survived: Bool, busy: Bool)] = []

        /// `count` probes at once, 10 ms apart, each a fresh function of a fresh account: a request, then
        /// another `gap` minutes after it was sent. With `keepVMBusy`, a second function of the account
        /// (on the same VM) gets a request every minute in between. Requests go out in time order.
        func probes(gap: Double, count: Int, round: Int, keepVMBusy: Bool = false) -> [Bool] {
            let functions = (0..<count).map { _ -> SimFunction in
                account += 1
                return context.function(account: "idle-\(account)", memoryMB: memory)
            }
            let keepers = keepVMBusy ? functions.map { context.function(account: $0.account, memoryMB: memory) } : []
            var firsts: [Int] = []
            for (i, function) in functions.enumerated() {
                let served = platform.batch(function, count: 1, atMs: time + Double(i) * 10)
                writer.write(served, round: round, batch: 1)
                firsts.append(served[0].instance)
            }
            var keep = time + 1_000
            while keep < time + gap * 60_000 - 1_000, !keepers.isEmpty {
                for (i, keeper) in keepers.enumerated() {
                    writer.write(platform.batch(keeper, count: 1, atMs: keep + Double(i) * 10), round: round, batch: 3)
                }
                keep += 60_000
            }
            var survived: [Bool] = []
            for (i, function) in functions.enumerated() {
                let served = platform.batch(function, count: 1, atMs: time + gap * 60_000 + Double(i) * 10)
                writer.write(served, round: round, batch: 2)
                survived.append(served[0].instance == firsts[i])
                results.append((gap, survived[i], keepVMBusy))
            }
            time += (gap + 5) * 60_000
            return survived
        }

        // Binary searches, one after the other.
        var longest = 1.0
        for search in 0..<context.scaled(10, minimum: 2) {
            var low = 1.0
            var high = 120.0
            while high - low > 1 {
                let gap = ((low + high) / 2).rounded()
                if probes(gap: gap, count: 1, round: search)[0] { low = gap } else { high = gap }
            }
            longest = max(longest, low)
        }
        // Confirmation: many probes at once, at every whole minute from a little below the longest
        // survival found to well above it (survival falls off steeply; the tail needs many probes).
        for gap in stride(from: max(1, longest - 3), through: longest + 12, by: 1) {
            _ = probes(gap: gap, count: context.scaled(100, minimum: 10), round: 1000 + Int(gap))
        }
        // A busy VM keeps idle instances longer.
        for gap in stride(from: 30.0, through: 240, by: 30) {
            _ = probes(gap: gap, count: context.scaled(10, minimum: 1), round: 2000 + Int(gap), keepVMBusy: true)
        }

        let gaps = Set(results.map(\.gapMinutes)).sorted()
        var truth = SimulationTruth.Expected()
        truth.survival = gaps.flatMap { gap in
            [false, true].compactMap { busy -> SimulationTruth.Expected.Survival? in
                let at = results.filter { $0.gapMinutes == gap && $0.busy == busy }
                guard !at.isEmpty else { return nil }
                return .init(
                    gapMinutes: gap, busyVm: busy, probes: at.count,
                    survivalFraction: Double(at.filter(\.survived).count) / Double(at.count))
            }
        }
        let idle = context.profile.idle
        (truth.maxIdleMinutes, truth.busyVmMaxIdleMinutes) = (idle.maxIdleS / 60, idle.busyVmMaxIdleS / 60)
        truth.longestSurvivedGapMinutes = results.filter { $0.survived && !$0.busy }.map(\.gapMinutes).max() ?? 0
        var parameters = SimulationTruth.Parameters()
        (parameters.graceS, parameters.periodS, parameters.endProbability) =
            (idle.graceS, idle.periodS, idle.endProbability)
        try context.finish(writer, truth: truth, parameters: parameters)
    }
}
