import Store

/// Tenant coresidency (section 4.2): two accounts each launch many instances at the same times;
/// how many instances share a VM with the other account's?
enum Coresidency {
    static func run(_ context: ExperimentContext) throws {
        let platform = context.platform()
        let accounts = ["tenant-a", "tenant-b"]
        // One run per account, as two tenants measuring at the same times would have them.
        let writers = try accounts.map { try context.run($0, on: platform, account: $0) }
        let perAccount = context.scaled(500, minimum: 20)
        let batchSize = min(50, context.profile.scaling.maxInstances ?? 50)
        var time = platform.startMs
        var batch = 0
        var launched = 0
        while launched < perAccount {
            let count = min(batchSize, perAccount - launched)
            for (offset, account) in accounts.enumerated() {
                let function = context.function(account: account)
                writers[offset].write(
                    platform.batch(function, count: count, atMs: time + Double(offset) * 3), round: 1, batch: batch)
            }
            launched += count
            batch += 1
            time += 5_000
        }
        let shared = platform.instances.filter { platform.vms[$0.vm].accounts.count > 1 }.count
        let involved = Set(platform.instances.map(\.vm)).count
        var truth = SimulationTruth.Expected()
        (truth.vmIdentityVisible, truth.instances, truth.vms) =
            (context.profile.vm.identity, platform.instances.count, involved)
        truth.crossTenantFraction = Double(shared) / Double(platform.instances.count)
        for writer in writers { try context.finish(writer, truth: truth) }
    }
}
