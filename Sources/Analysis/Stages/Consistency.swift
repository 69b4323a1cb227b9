import GRDB
import Store

/// Update consistency (section 5.4): the requests of the first batch after a function update (the
/// batch whose expected version differs from the one before it): how many an old version served
/// (reported version != expected), and how many of those were new instances; by delay after the
/// update and batch size k. The safe delay is the smallest from which no stale request was seen.
struct Consistency: Stage {
    let title = "Update consistency"
    let requires = "reported_version and expected_version, delay_s, in runs of the 'consistency' experiment"

    func run(_ context: AnalysisContext) throws -> StageOutcome {
        if let missing = try context.missing(experiment: "consistency") { return missing }
        let rows = try context.rows("""
            WITH batches AS (
                SELECT i.function_id, i.source_file_id, i.round_no, i.batch_no, min(i.request_sent_ms) AS sent,
                       min(i.expected_version) AS expected
                FROM invocation i JOIN experiment e ON e.id = i.experiment_id
                WHERE i.snapshot_id = ?1 AND e.kind = 'consistency' AND i.expected_version IS NOT NULL
                GROUP BY 1, 2, 3, 4),
            marked AS (SELECT *, lag(expected) OVER (PARTITION BY function_id, source_file_id ORDER BY sent) AS previous FROM batches)
            SELECT f.provider, i.batch_size AS k, i.delay_s AS delay, count(*) AS requests,
                   sum(i.reported_version != i.expected_version) AS stale,
                   sum(i.reported_version != i.expected_version AND i.is_cold = 1) AS stale_new
            FROM invocation i JOIN function f ON f.id = i.function_id
            JOIN marked m ON m.function_id = i.function_id AND m.source_file_id = i.source_file_id
                         AND m.round_no IS i.round_no AND m.batch_no IS i.batch_no
            WHERE i.snapshot_id = ?1 AND m.previous IS NOT NULL AND m.previous != m.expected AND i.reported_version IS NOT NULL
            GROUP BY f.provider, i.batch_size, i.delay_s ORDER BY f.provider, i.batch_size, i.delay_s
            """)
        guard !rows.isEmpty else { return .notMeasurable("consistency runs without an update (expected version never changes)") }
        var metrics: [Metric] = []
        for (provider, providerRows) in Dictionary(grouping: rows, by: { $0["provider"] as String }).sorted(by: { $0.key < $1.key }) {
            func add(_ setting: String, _ selected: [Row]) {
                let requests = selected.reduce(0) { $0 + ($1["requests"] as Int) }
                let stale = selected.reduce(0) { $0 + ($1["stale"] as Int) }
                let staleNew = selected.reduce(0) { $0 + ($1["stale_new"] as Int) }
                let group = MetricGroup(provider: provider, setting: setting)
                metrics.append(group.value("consistency.stale_fraction", statistic: "fraction", Double(stale) / Double(requests),
                                           unit: "fraction", n: requests))
                metrics.append(group.value("consistency.stale_new_instance_fraction", statistic: "fraction",
                                           Double(staleNew) / Double(requests), unit: "fraction", n: requests))
            }
            let delays = Dictionary(grouping: providerRows, by: { $0["delay"] as Double? ?? -1 })
            for (delay, delayRows) in delays.sorted(by: { $0.key < $1.key }) {
                let label = delay < 0 ? "delay unknown" : "delay=\(Self.seconds(delay))s"
                for row in delayRows { add("k=\(row["k"] as Int? ?? 0) \(label)", [row]) }
                add(label, delayRows)
            }
            let known = delays.filter { $0.key >= 0 }
            let staleDelays = known.filter { $0.value.contains { ($0["stale"] as Int) > 0 } }.keys
            let safe = known.keys.filter { delay in staleDelays.allSatisfy { $0 < delay } }.min()
            if let safe {
                metrics.append(MetricGroup(provider: provider, setting: "smallest delay after which no stale instance was seen")
                    .value("consistency.safe_delay_s", statistic: "min", safe, unit: "s", n: providerRows.count))
            }
        }
        return .metrics(metrics)
    }

    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}
