import GRDB
import Statistics
import Store

/// Scalability (section 4.3): for each batch of N concurrent requests, the instances that served it;
/// per concurrency level, instances per request and (where VMs are visible) the VMs a batch spread
/// over, and the most instances one batch got.
struct Scalability: Stage {
    let id = StageID.scalability
    let requires = "batch, batch_size and instance id, in runs of the 'scalability' experiment"

    func run(_ context: AnalysisContext) throws -> StageOutcome {
        if let missing = try context.missing(experiment: "scalability") { return missing }
        let batches = try context.rows(
            """
            SELECT f.provider, i.batch_size AS level, count(DISTINCT i.instance_id) AS instances,
                   count(DISTINCT i.vm_id) AS vms
            FROM \(context.invocations)
            WHERE i.snapshot_id = ?1 AND e.kind = 'scalability' AND i.batch_size IS NOT NULL AND i.instance_id IS NOT \
            NULL
            GROUP BY f.provider, i.source_file_id, i.function_id, i.round_no, i.batch_no, i.batch_size
            """)
        guard !batches.isEmpty else { return .notMeasurable("scalability runs without batch sizes or instance ids") }
        var metrics: [Metric] = []
        let byProvider = Dictionary(grouping: batches, by: { $0["provider"] as String })
        for (provider, rows) in byProvider.sorted(by: { $0.key < $1.key }) {
            let byLevel = Dictionary(grouping: rows, by: { $0["level"] as Int })
            for (level, levelRows) in byLevel.sorted(by: { $0.key < $1.key }) {
                let perRequest = Sample(levelRows.map { Double($0["instances"] as Int) / Double(level) })
                let group = MetricGroup(
                    provider: provider, setting: "concurrency=\(level)",
                    parameters: .init(experiment: "scalability", concurrency: level))
                metrics.append(
                    group.value(
                        .instancesPerRequest, statistic: .mean, perRequest.mean!, unit: "fraction", n: perRequest.count)
                )
                // Where every batch of the level names its VMs, how many VMs a batch spread over.
                let vms = levelRows.map { Double($0["vms"] as Int) }
                if vms.allSatisfy({ $0 > 0 }) {
                    metrics.append(
                        group.value(.vmsPerBatch, statistic: .mean, Sample(vms).mean!, unit: "VMs", n: vms.count))
                }
            }
            let most = rows.map { $0["instances"] as Int }.max()!
            metrics.append(
                MetricGroup(
                    provider: provider, setting: "one function under concurrent requests",
                    parameters: .init(experiment: "scalability")
                ).value(
                    .maxConcurrentInstances, statistic: .max, Double(most), unit: "instances", n: rows.count))
        }
        return .metrics(metrics)
    }
}
