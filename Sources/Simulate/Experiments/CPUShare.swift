import Foundation
import Statistics
import Store

/// CPU share (section 6.1): c instances of one account run a 1,000 ms busy loop at once, recording a
/// timestamp every time they get the CPU; the share is the distinct milliseconds they recorded / 1000.
enum CPUShare {
    static func run(_ context: ExperimentContext) throws {
        let platform = context.platform()
        let writer = try context.run("busy-loop", on: platform, tests: ["cpu"])
        let profile = context.profile
        var time = platform.startMs
        var account = 0
        var groups: [SimulationTruth.Expected.Group] = []
        for memory in profile.memorySizesMb {
            for colevel in [1, 2, 4] {
                var shares: [Double] = []
                for _ in 0..<context.scaled(30, minimum: 1) {
                    account += 1
                    let function = context.function(account: "cpu-\(account)", memoryMB: memory)
                    let served = platform.batch(function, count: colevel, atMs: time, executionMs: 1000...1002)
                    writer.write(served, round: colevel, batch: account) { request in
                        let share = self.share(platform, request, memoryMB: memory, startedTogether: served.count)
                        shares.append(share)
                        return [timestamps(from: request.startMs, share: share)]
                    }
                    time += 30_000
                }
                var group = SimulationTruth.Expected.Group(memoryMb: memory, colevel: colevel)
                group.meanShare = Sample(shares).mean!
                group.modelShare = modelShare(profile, memoryMB: memory, ncpu: nil, colevel: colevel)
                groups.append(group)
            }
        }
        var truth = SimulationTruth.Expected()
        truth.groups = groups
        var parameters = SimulationTruth.Parameters()
        (parameters.fullCpuMemoryMb, parameters.jitter) = (
            profile.performance.fullCpuMemoryMb, profile.performance.cpuJitter
        )
        try context.finish(writer, truth: truth, parameters: parameters)
    }

    /// Memory-proportional share (AWS, Google), scaled down when the VM's vCPUs are oversubscribed;
    /// else vCPUs divided among the instances running (Azure).
    static func modelShare(_ profile: Profile, memoryMB: Int, ncpu: Int?, colevel: Int) -> Double {
        if let full = profile.performance.fullCpuMemoryMb {
            let share = min(1, Double(memoryMB) / full)
            guard let ncpu else { return share }
            return share * min(1, Double(ncpu) / (share * Double(colevel)))
        }
        return min(1, Double(ncpu ?? 1) / Double(colevel))
    }

    private static func share(
        _ platform: Platform, _ request: Platform.Served, memoryMB: Int, startedTogether: Int
    ) -> Double {
        let vm = platform.vms[platform.instances[request.instance].vm]
        let together = min(startedTogether, vm.alive.count)
        let share = modelShare(platform.profile, memoryMB: memoryMB, ncpu: vm.type.ncpu, colevel: together)
        return min(1, max(0.001, share * (1 + platform.profile.performance.cpuJitter * platform.random.normal())))
    }

    /// `share * 1000` distinct milliseconds spread over the 1,000 ms window, some recorded twice.
    private static func timestamps(from start: Double, share: Double) -> String {
        let distinct = max(1, Int((share * 1000).rounded()))
        var stamps: [String] = []
        stamps.reserveCapacity(distinct + distinct / 4)
        for j in 0..<distinct {
            let ms = (start + Double(j) * 1000 / Double(distinct)).rounded(.down)
            stamps.append(TextBytes.fixed(ms + 0.125, digits: 3))
            if j % 4 == 0 { stamps.append(TextBytes.fixed(ms + 0.625, digits: 3)) }
        }
        return stamps.joined(separator: ";")
    }
}
