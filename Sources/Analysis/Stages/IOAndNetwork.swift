import GRDB
import Statistics
import Store

/// I/O and network isolation (section 6.2): per invocation, the mean `dd` throughput of its rounds
/// and the iperf bandwidth; by provider x memory x colevel (as for the CPU share); slowdown = median alone / median at
/// colevel c.
struct IOAndNetwork: Stage {
    let id = StageID.ioAndNetwork
    let requires = "dd or iperf test results (io_sample, net_sample)"

    func run(_ context: AnalysisContext) throws -> StageOutcome {
        let io = try context.rows(
            """
            SELECT f.provider, f.memory_mb, avg(s.throughput_mb_s) AS value,
                   count(*) OVER (PARTITION BY i.source_file_id, i.round_no, i.batch_no, ifnull(i.vm_id, \
            -i.function_id)) AS colevel
            -- CROSS JOIN keeps SQLite from walking every invocation of the snapshot to find its samples
            FROM io_sample s CROSS JOIN invocation i ON i.id = s.invocation_id JOIN function f ON f.id = i.function_id
            WHERE i.snapshot_id = ?1 GROUP BY i.id
            """)
        let network = try context.rows(
            """
            SELECT f.provider, f.memory_mb, s.bandwidth_bps / 1e6 AS value,
                   count(*) OVER (PARTITION BY i.source_file_id, i.round_no, i.batch_no, ifnull(i.vm_id, \
            -i.function_id)) AS colevel
            FROM net_sample s CROSS JOIN invocation i ON i.id = s.invocation_id JOIN function f ON f.id = i.function_id
            WHERE i.snapshot_id = ?1
            """)
        guard !io.isEmpty || !network.isEmpty else {
            return .notMeasurable("no dd or iperf test results in this snapshot")
        }
        return .metrics(
            measure(io, metric: .ioThroughput, unit: "MB/s", slowdown: .ioSlowdown, context)
                + measure(network, metric: .networkThroughput, unit: "Mbps", slowdown: .networkSlowdown, context))
    }

    private func measure(
        _ rows: [Row], metric: MetricID, unit: String, slowdown: MetricID, _ context: AnalysisContext
    ) -> [Metric] {
        var metrics: [Metric] = []
        let byMemory = Dictionary(grouping: rows) { MetricGroup(provider: $0["provider"], memoryMB: $0["memory_mb"]) }
        for (base, memoryRows) in byMemory.sorted(by: { $0.key < $1.key }) {
            let byColevel = Dictionary(grouping: memoryRows, by: { $0["colevel"] as Int })
            let alone = byColevel[1].map { Sample($0.map { $0["value"] as Double }) }
            for (colevel, colevelRows) in byColevel.sorted(by: { $0.key < $1.key }) {
                var group = base
                group.setting = "colevel=\(colevel)"
                group.parameters.colevel = colevel
                let sample = Sample(colevelRows.map { $0["value"] as Double })
                metrics += group.distribution(
                    metric, sample, unit: unit, bootstrap: context.bootstrap, statistics: [.median, .mean, .min, .max])
                if colevel > 1, let aloneMedian = alone?.median, let median = sample.median, median > 0 {
                    metrics.append(
                        group.value(
                            slowdown, statistic: .ratioOfMedians, aloneMedian / median, unit: "x", n: sample.count))
                }
            }
        }
        return metrics
    }
}
