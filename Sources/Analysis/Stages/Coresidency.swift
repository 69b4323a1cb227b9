import GRDB
import Store

/// Tenant coresidency (section 4.2): the fraction of instances on a VM that also hosted another
/// account's instance, and how many VMs the accounts' instances used.
struct Coresidency: Stage {
    let id = StageID.coresidency
    let requires = "vm_id and account (two or more accounts)"

    func run(_ context: AnalysisContext) throws -> StageOutcome {
        let notMeasurable = StageOutcome.notMeasurable(
            "needs instances of two or more accounts with a VM id (\(requires))")
        // Two accounts of one provider among all functions is necessary: checked before reading invocations.
        let providersWithTwoAccounts =
            try Int.fetchOne(
                context.db,
                sql: """
                    SELECT count(*) FROM (SELECT provider FROM function WHERE account IS NOT NULL GROUP BY provider \
                    HAVING count(DISTINCT account) >= 2)
                    """) ?? 0
        guard providersWithTwoAccounts > 0 else { return notMeasurable }
        let (condition, label, experiment) = try context.scope(preferring: "coresidency")
        let rows = try context.rows(
            """
            WITH seen AS (
                SELECT DISTINCT f.provider, f.account, i.instance_id, i.vm_id FROM \(context.invocations)
                WHERE i.snapshot_id = ?1 AND \(condition) AND i.vm_id IS NOT NULL AND i.instance_id IS NOT NULL AND \
            f.account IS NOT NULL),
            vm_accounts AS (SELECT vm_id, count(DISTINCT account) AS accounts FROM seen GROUP BY vm_id)
            SELECT s.provider, count(DISTINCT s.account) AS accounts, count(DISTINCT s.instance_id) AS instances,
                   count(DISTINCT CASE WHEN v.accounts > 1 THEN s.instance_id END) AS shared, count(DISTINCT s.vm_id) \
            AS vms
            FROM seen s JOIN vm_accounts v ON v.vm_id = s.vm_id GROUP BY s.provider ORDER BY s.provider
            """)
        let measurable = rows.filter { ($0["accounts"] as Int) >= 2 }
        guard !measurable.isEmpty else { return notMeasurable }
        return .metrics(
            measurable.flatMap { row -> [Metric] in
                let group = MetricGroup(
                    provider: row["provider"], setting: "\(row["accounts"] as Int) accounts, \(label)",
                    parameters: .init(experiment: experiment))
                let instances: Int = row["instances"]
                return [
                    group.value(
                        .crossTenantFraction, statistic: .fraction,
                        Double(row["shared"] as Int) / Double(instances), unit: "fraction", n: instances),
                    group.value(
                        .coresidencyVMs, statistic: .count, Double(row["vms"] as Int), unit: "VMs", n: instances),
                ]
            })
    }
}
