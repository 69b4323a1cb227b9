import GRDB
import Statistics
import Store

/// VM inventory (section 4.1): the host VMs seen per provider, their configurations (CPU model,
/// vCPUs, memory) and the share of instances on each. Where no VM id is visible (Google), the CPU
/// models the instances report.
struct VMInventory: Stage {
    let id = StageID.vmInventory
    let requires = "vm_id, or cpu_model and ncpu"

    func run(_ context: AnalysisContext) throws -> StageOutcome {
        // The snapshot's VMs, and per instance the lowest CPU model id and vCPU count it reported, in one pass.
        var vmIDs = FlatTable<Int64, Void>()
        var instances = FlatTable<Int64, (cpuModel: Int64?, ncpu: Int64?)>()
        try context.scan("SELECT vm_id, instance_id, cpu_model_id, ncpu FROM invocation WHERE snapshot_id = ?1") {
            row in
            if let vm = row.int(0) { vmIDs.insert(vm) }
            guard let instance = row.int(1) else { return }
            instances.update(instance, initial: (nil, nil)) { Self.lower(&$0, to: (row.int(2), row.int(3))) }
        }
        struct Configuration: Hashable {
            let cpu: String?, ncpu: Int?, memoryMB: Int?
        }
        var vmsByProvider: [String: [Configuration]] = [:]
        for row in try Row.fetchAll(
            context.db,
            sql:
                "SELECT vm.id, vm.provider, cm.name, vm.ncpu, vm.memory_mb FROM vm "
                + "LEFT JOIN cpu_model cm ON cm.id = vm.cpu_model_id"
        )
        where vmIDs.contains(row[0]) {
            vmsByProvider[row[1], default: []].append(Configuration(cpu: row[2], ncpu: row[3], memoryMB: row[4]))
        }
        var metrics: [Metric] = []
        for (provider, vms) in vmsByProvider.sorted(by: { $0.key < $1.key }) {
            let group = MetricGroup(provider: provider, setting: "host VMs seen")
            metrics.append(group.value(.vmCount, statistic: .count, Double(vms.count), unit: "VMs"))
            metrics.append(
                group.value(.vmConfigurations, statistic: .count, Double(Set(vms).count), unit: "configurations"))
        }
        // vCPUs per VM: the most common count and the largest.
        for (provider, vms) in vmsByProvider.sorted(by: { $0.key < $1.key }) {
            let sample = Sample(vms.compactMap { $0.ncpu.map(Double.init) })
            guard !sample.isEmpty else { continue }
            let group = MetricGroup(provider: provider, setting: "host VMs seen")
            metrics.append(group.value(.vmVCPUs, statistic: .mode, sample.mode!, unit: "vCPU", n: sample.count))
            metrics.append(group.value(.vmVCPUs, statistic: .max, sample.max!, unit: "vCPU", n: sample.count))
        }
        // Share of instances per configuration (VM configuration, else the CPU model the instance saw).
        // Read at the C level: a GRDB row per instance held 400 MB on 1M instances.
        let functions = try context.functions()
        let cpuModels = try Row.fetchAll(context.db, sql: "SELECT id, name FROM cpu_model").reduce(
            into: [Int64: String]()
        ) { $0[$1[0]] = $1[1] }
        struct Share: Hashable {
            let provider: String, cpu: String, ncpu: Int?
        }
        var counts: [Share: Int] = [:]
        try context.db.scan(
            """
            SELECT inst.id, inst.function_id, vm.cpu_model_id, vm.ncpu
            FROM instance inst LEFT JOIN vm ON vm.id = inst.vm_id
            """,
            []
        ) { row in
            guard let seen = instances[row.int(0)!], let function = row.int(1).flatMap({ functions[$0] }),
                let cpu = row.int(2).flatMap({ cpuModels[$0] }) ?? seen.cpuModel.flatMap({ cpuModels[$0] })
            else { return }
            let ncpu = (row.int(3) ?? seen.ncpu).map { Int($0) }
            counts[Share(provider: function.provider, cpu: cpu, ncpu: ncpu), default: 0] += 1
        }
        let shares = counts.sorted {
            ($0.key.provider, $0.key.cpu, $0.key.ncpu ?? -1) < ($1.key.provider, $1.key.cpu, $1.key.ncpu ?? -1)
        }
        let totals = Dictionary(grouping: shares, by: \.key.provider).mapValues { $0.reduce(0) { $0 + $1.value } }
        for (share, instances) in shares {
            let setting = "\(share.cpu), \(share.ncpu.map { "\($0) vCPU" } ?? "vCPUs unknown")"
            metrics.append(
                MetricGroup(provider: share.provider, setting: setting).value(
                    .vmConfigurationShare, statistic: .fraction, Double(instances) / Double(totals[share.provider]!),
                    unit: "fraction", n: totals[share.provider]))
        }
        for provider in Set(totals.keys).subtracting(vmsByProvider.keys).sorted() {
            let models = Set(shares.filter { $0.key.provider == provider }.map(\.key.cpu)).count
            metrics.append(
                MetricGroup(provider: provider, setting: "distinct CPU models (no VM id visible)").value(
                    .vmConfigurations, statistic: .count, Double(models), unit: "configurations"))
        }
        return metrics.isEmpty ? .notMeasurable("no invocation reports a VM id or a CPU model") : .metrics(metrics)
    }

    /// SQL's min() over each of the pair: the smaller value, a missing one ignored.
    private static func lower(_ seen: inout (cpuModel: Int64?, ncpu: Int64?), to row: (Int64?, Int64?)) {
        func min(_ a: Int64?, _ b: Int64?) -> Int64? {
            guard let a, let b else { return a ?? b }
            return Swift.min(a, b)
        }
        seen = (min(seen.cpuModel, row.0), min(seen.ncpu, row.1))
    }
}
