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
        var configurations: [String: (vms: Int, instances: Int)] = [:]
        let used = platform.vms.filter(\.everUsed)
        for vm in used {
            let key = "\(vm.type.cpuModel)|\(vm.type.ncpu)|\(vm.type.memoryMb)"
            configurations[key, default: (0, 0)].vms += 1
        }
        for instance in platform.instances {
            let type = platform.vms[instance.vm].type
            configurations["\(type.cpuModel)|\(type.ncpu)|\(type.memoryMb)", default: (0, 0)].instances += 1
        }
        try context.finish(
            writer,
            truth: [
                "vm_identity_visible": context.profile.vm.identity,
                "vms": used.count,
                "instances": platform.instances.count,
                "configurations": configurations.keys.sorted().map { key in
                    let parts = key.split(separator: "|").map(String.init)
                    return [
                        "cpu_model": parts[0], "ncpu": Int(parts[1])!, "memory_mb": Int(parts[2])!,
                        "vms": configurations[key]!.vms, "instances": configurations[key]!.instances,
                        "instance_share": Double(configurations[key]!.instances) / Double(platform.instances.count),
                    ] as [String: Any]
                },
            ])
    }
}
