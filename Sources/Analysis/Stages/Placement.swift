import GRDB
import Statistics
import Store

/// Placement (section 4.4): the memory of the distinct instances seen on each VM during one run, and
/// its utilization of the VM's usable memory (configurable per provider; 3,328 MB for AWS 2017).
struct Placement: Stage {
    let id = StageID.placement
    let requires = "vm_id, instance id and memory_mb"

    func run(_ context: AnalysisContext) throws -> StageOutcome {
        let (condition, label, experiment) = try context.scope(preferring: "placement")
        // Distinct instances per provider, run and VM (with their function's memory), in one set (one
        // entry per instance and VM seen), then their memory summed per run and VM. The function's
        // provider and memory are one number in the set: the index of the pair in `kinds`.
        struct Seen: FlatKey {
            let kind: Int, file: Int64, vm: Int64, instance: Int64
            var flatHash: UInt64 { Self.fold(Self.fold(Self.fold(UInt64(kind), file), vm), instance) }
        }
        let kinds = FunctionKinds(try context.functions())
        let providers = Set(kinds.kinds.map(\.provider)).sorted()
        let providerOf = kinds.kinds.map { providers.firstIndex(of: $0.provider)! }
        var seen = FlatTable<Seen, Void>()
        try context.scan(
            """
            SELECT i.source_file_id, i.vm_id, i.instance_id, i.function_id FROM invocation i LEFT JOIN experiment e \
            ON e.id = i.experiment_id
            WHERE i.snapshot_id = ?1 AND \(condition) AND i.vm_id IS NOT NULL AND i.instance_id IS NOT NULL
            """
        ) { row in
            let kind = kinds[row.int(3)!]!
            guard kinds.kinds[kind].memoryMB != nil else { return }
            seen.insert(Seen(kind: kind, file: row.int(0)!, vm: row.int(1)!, instance: row.int(2)!))
        }
        guard !seen.isEmpty else { return .notMeasurable("no instances with a VM id and a memory size (\(requires))") }
        struct VM: Hashable { let provider: Int, file: Int64, vm: Int64 }
        var memoryByVM: [VM: Int] = [:]
        seen.forEach { seen, _ in
            let vm = VM(provider: providerOf[seen.kind], file: seen.file, vm: seen.vm)
            memoryByVM[vm, default: 0] += kinds.kinds[seen.kind].memoryMB!
        }
        seen = FlatTable()
        let samples = Dictionary(grouping: memoryByVM, by: \.key.provider).mapValues {
            Sample($0.map { Double($0.value) })
        }
        var metrics: [Metric] = []
        for (index, sample) in samples.sorted(by: { $0.key < $1.key }) {
            let provider = providers[index]
            let group = MetricGroup(
                provider: provider, setting: "aggregate memory of the instances on one VM, \(label)",
                parameters: .init(experiment: experiment))
            metrics += group.distribution(
                .vmMemoryMB, sample, unit: "MB", bootstrap: context.bootstrap,
                statistics: [.median, .max])
            if let capacity = context.options.vmCapacityMB[provider] {
                metrics.append(
                    MetricGroup(
                        provider: provider, setting: "of \(capacity) MB usable VM memory, \(label)",
                        parameters: .init(experiment: experiment)
                    ).value(
                        .placementUtilization, statistic: .max, sample.max! / Double(capacity), unit: "fraction",
                        n: sample.count))
            }
        }
        return .metrics(metrics)
    }
}
