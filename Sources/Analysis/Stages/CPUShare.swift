import GRDB
import Statistics
import Store

/// CPU share (section 6.1): the distinct milliseconds a 1,000 ms busy loop recorded, / 1000, per
/// invocation; by provider x memory x colevel (instances running the test in the same batch on one VM; without a VM id,
/// in the same batch of one function).
struct CPUShare: Stage {
    let id = StageID.cpu
    let requires = "CPU-utilization test results (cpu_sample)"

    func run(_ context: AnalysisContext) throws -> StageOutcome {
        let rows = try context.rows(
            """
            SELECT f.provider, f.memory_mb, min(1.0, c.distinct_ms / 1000.0) AS share,
                   count(*) OVER (PARTITION BY i.source_file_id, i.round_no, i.batch_no, ifnull(i.vm_id, \
            -i.function_id)) AS colevel
            -- CROSS JOIN keeps SQLite from walking every invocation of the snapshot to find its samples
            FROM cpu_sample c CROSS JOIN invocation i ON i.id = c.invocation_id JOIN function f ON f.id = i.function_id
            WHERE i.snapshot_id = ?1
            """)
        guard !rows.isEmpty else { return .notMeasurable("no CPU-utilization test results in this snapshot") }
        let groups = Dictionary(grouping: rows) { row in
            MetricGroup(
                provider: row["provider"], memoryMB: row["memory_mb"], setting: "colevel=\(row["colevel"] as Int)",
                parameters: .init(colevel: row["colevel"]))
        }
        return .metrics(
            groups.sorted { $0.key < $1.key }.flatMap { group, rows in
                group.distribution(
                    .cpuUtilization, Sample(rows.map { $0["share"] as Double }), unit: "fraction",
                    bootstrap: context.bootstrap, statistics: [.median, .mean, .min, .max])
            })
    }
}
