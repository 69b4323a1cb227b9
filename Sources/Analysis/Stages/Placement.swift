import Statistics
import GRDB
import Store

/// Placement (section 4.4): the memory of the distinct instances seen on each VM during one run, and
/// its utilization of the VM's usable memory (configurable per provider; 3,328 MB for AWS 2017).
struct Placement: Stage {
    let title = "Placement: VM memory utilization"
    let requires = "vm_id, instance id and memory_mb"

    func run(_ context: AnalysisContext) throws -> StageOutcome {
        let (condition, label) = try context.scope(preferring: "placement")
        let rows = try context.rows("""
            SELECT provider, sum(memory_mb) AS memory FROM (
                SELECT DISTINCT f.provider, i.source_file_id, i.vm_id, i.instance_id, f.memory_mb FROM \(context.invocations)
                WHERE i.snapshot_id = ?1 AND \(condition) AND i.vm_id IS NOT NULL AND i.instance_id IS NOT NULL AND f.memory_mb IS NOT NULL)
            GROUP BY provider, source_file_id, vm_id
            """)
        guard !rows.isEmpty else { return .notMeasurable("no instances with a VM id and a memory size (\(requires))") }
        var metrics: [Metric] = []
        for (provider, vmRows) in Dictionary(grouping: rows, by: { $0["provider"] as String }).sorted(by: { $0.key < $1.key }) {
            let sample = Sample(vmRows.map { Double($0["memory"] as Int) })
            let group = MetricGroup(provider: provider, setting: "aggregate memory of the instances on one VM, \(label)")
            metrics += group.distribution("placement.vm_memory_mb", sample, unit: "MB", bootstrap: context.bootstrap,
                                          statistics: ["median", "max"])
            if let capacity = context.options.vmCapacityMB[provider] {
                metrics.append(MetricGroup(provider: provider, setting: "of \(capacity) MB usable VM memory, \(label)").value(
                    "placement.utilization", statistic: "max", sample.max! / Double(capacity), unit: "fraction", n: sample.count))
            }
        }
        return .metrics(metrics)
    }
}
