import Statistics
import GRDB
import Store

/// VM inventory (section 4.1): the host VMs seen per provider, their configurations (CPU model,
/// vCPUs, memory) and the share of instances on each. Where no VM id is visible (Google), the CPU
/// models the instances report.
struct VMInventory: Stage {
    let title = "Architecture and VM inventory"
    let requires = "vm_id, or cpu_model and ncpu"

    func run(_ context: AnalysisContext) throws -> StageOutcome {
        var metrics: [Metric] = []
        let vms = try context.rows("""
            SELECT vm.provider, count(*) AS vms, count(DISTINCT ifnull(cm.name, '') || '|' || ifnull(vm.ncpu, '') || '|' || ifnull(vm.memory_mb, '')) AS configurations
            FROM vm LEFT JOIN cpu_model cm ON cm.id = vm.cpu_model_id
            WHERE vm.id IN (SELECT vm_id FROM invocation WHERE snapshot_id = ?1)
            GROUP BY vm.provider ORDER BY vm.provider
            """)
        for row in vms {
            let group = MetricGroup(provider: row["provider"], setting: "host VMs seen")
            metrics.append(group.value("vm.count", statistic: "count", Double(row["vms"] as Int), unit: "VMs"))
            metrics.append(group.value("vm.configurations", statistic: "count", Double(row["configurations"] as Int),
                                       unit: "configurations"))
        }
        // vCPUs per VM: the most common count and the largest.
        let vcpus = try context.rows("""
            SELECT provider, ncpu FROM vm WHERE ncpu IS NOT NULL AND id IN (SELECT vm_id FROM invocation WHERE snapshot_id = ?1)
            """)
        for (provider, rows) in Dictionary(grouping: vcpus, by: { $0["provider"] as String }).sorted(by: { $0.key < $1.key }) {
            let sample = Sample(rows.map { Double($0["ncpu"] as Int) })
            let group = MetricGroup(provider: provider, setting: "host VMs seen")
            metrics.append(group.value("vm.vcpus", statistic: "mode", sample.mode!, unit: "vCPU", n: sample.count))
            metrics.append(group.value("vm.vcpus", statistic: "max", sample.max!, unit: "vCPU", n: sample.count))
        }
        // Share of instances per configuration (VM configuration, else the CPU model the instance saw).
        let shares = try context.rows("""
            SELECT f.provider, coalesce(vcm.name, icm.name) AS cpu, coalesce(vm.ncpu, first.ncpu) AS ncpu, count(*) AS instances
            FROM instance inst
            JOIN function f ON f.id = inst.function_id
            LEFT JOIN vm ON vm.id = inst.vm_id LEFT JOIN cpu_model vcm ON vcm.id = vm.cpu_model_id
            JOIN (SELECT instance_id, min(cpu_model_id) AS cpu_model_id, min(ncpu) AS ncpu FROM invocation
                  WHERE snapshot_id = ?1 AND instance_id IS NOT NULL GROUP BY instance_id) first ON first.instance_id = inst.id
            LEFT JOIN cpu_model icm ON icm.id = first.cpu_model_id
            WHERE coalesce(vcm.name, icm.name) IS NOT NULL
            GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
            """)
        let totals = Dictionary(grouping: shares, by: { $0["provider"] as String }).mapValues { $0.reduce(0) { $0 + ($1["instances"] as Int) } }
        for row in shares {
            let provider: String = row["provider"]
            let ncpu: Int? = row["ncpu"]
            let setting = "\(row["cpu"] as String), \(ncpu.map { "\($0) vCPU" } ?? "vCPUs unknown")"
            metrics.append(MetricGroup(provider: provider, setting: setting).value(
                "vm.configuration_share", statistic: "fraction", Double(row["instances"] as Int) / Double(totals[provider]!),
                unit: "fraction", n: totals[provider]))
        }
        let noVM = Set(shares.map { $0["provider"] as String }).subtracting(vms.map { $0["provider"] as String })
        for provider in noVM.sorted() {
            let models = Set(shares.filter { $0["provider"] == provider }.map { $0["cpu"] as String }).count
            metrics.append(MetricGroup(provider: provider, setting: "distinct CPU models (no VM id visible)").value(
                "vm.configurations", statistic: "count", Double(models), unit: "configurations"))
        }
        return metrics.isEmpty ? .notMeasurable("no invocation reports a VM id or a CPU model") : .metrics(metrics)
    }
}
