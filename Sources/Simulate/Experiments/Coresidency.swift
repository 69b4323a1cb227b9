/// Tenant coresidency (section 4.2): two accounts each launch many instances at the same times;
/// how many instances share a VM with the other account's?
enum Coresidency {
    static func run(_ context: ExperimentContext) throws {
        let platform = context.platform()
        let writer = try context.run("two-accounts", on: platform)
        let perAccount = context.scaled(500, minimum: 20)
        let batchSize = min(50, context.profile.scaling.maxInstances ?? 50)
        var time = platform.startMs
        var batch = 0
        var launched = 0
        while launched < perAccount {
            let count = min(batchSize, perAccount - launched)
            for (offset, account) in ["tenant-a", "tenant-b"].enumerated() {
                let function = context.function(account: account)
                writer.write(platform.batch(function, count: count, atMs: time + Double(offset) * 3), round: 1, batch: batch)
            }
            launched += count
            batch += 1
            time += 5_000
        }
        let shared = platform.instances.filter { platform.vms[$0.vm].accounts.count > 1 }.count
        let involved = Set(platform.instances.map(\.vm)).count
        try context.finish(writer, truth: [
            "vm_identity_visible": context.profile.vm.identity,
            "instances": platform.instances.count,
            "cross_tenant_fraction": Double(shared) / Double(platform.instances.count),
            "vms": involved,
        ])
    }
}
