import Store

/// VM inventory (paper section 4.1): bursts of concurrent requests from several accounts, to see as
/// many host VMs and configurations as possible.
enum Inventory {
    static func run(_ context: ExperimentContext) throws {
        let platform = context.platform()
        let writer = try context.run("bursts", on: platform)
        let accounts = context.scaled(5, minimum: 2)
        var time = platform.startMs
        for account in 0..<accounts {
            for memory in context.profile.memorySizesMb {
                let function = context.function(account: "tenant-\(account)", memoryMB: memory)
                let served = platform.batch(function, count: context.scaled(20), atMs: time)
                writer.write(served, round: account, batch: memory)
                time += 10_000
            }
        }
        struct Configuration: Hashable, Comparable {
            let cpuModel: String, ncpu: Int, memoryMb: Int
            init(_ type: Profile.VMType) { (cpuModel, ncpu, memoryMb) = (type.cpuModel, type.ncpu, type.memoryMb) }
            static func < (a: Self, b: Self) -> Bool {
                (a.cpuModel, a.ncpu, a.memoryMb) < (b.cpuModel, b.ncpu, b.memoryMb)
            }
        }
        var configurations: [Configuration: (vms: Int, instances: Int)] = [:]
        let used = platform.vms.filter(\.everUsed)
        for vm in used { configurations[Configuration(vm.type), default: (0, 0)].vms += 1 }
        for instance in platform.instances {
            configurations[Configuration(platform.vms[instance.vm].type), default: (0, 0)].instances += 1
        }
        var truth = SimulationTruth.Expected()
        (truth.vmIdentityVisible, truth.vms, truth.instances) =
            (context.profile.vm.identity, used.count, platform.instances.count)
        truth.configurations = configurations.keys.sorted().map { key in
            let (vms, instances) = configurations[key]!
            return .init(
                cpuModel: key.cpuModel, ncpu: key.ncpu, memoryMb: key.memoryMb, vms: vms, instances: instances,
                instanceShare: Double(instances) / Double(platform.instances.count))
        }
        try context.finish(writer, truth: truth)
    }
}
