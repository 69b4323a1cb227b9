import GRDB
import Store

/// Idle recycling (section 5.3): consecutive requests to one function, `gap` minutes apart (between
/// the send times, rounded to the minute): did the same instance answer (it survived the idle time),
/// and was the second request cold? The longest survived gap is the maximum idle time; a VM that
/// another instance used during the gap counts as kept busy.
/// Sources that publish only a scatter of (idle gap, cold or warm) give the probability of a cold start
/// by gap, without survival (runs of the 'idle-scatter' experiment).
struct IdleRecycling: Stage {
    let id = StageID.idleRecycling
    let requires =
        "instance id and request times, in runs of the 'idle' experiment (or idle gaps with a cold/warm flag, "
        + "'idle-scatter')"

    func run(_ context: AnalysisContext) throws -> StageOutcome {
        let scatter = try scatterProbabilities(context)
        if let missing = try context.missing(experiment: "idle") {
            return scatter.isEmpty ? missing : .metrics(scatter)
        }
        let rows = try context.rows(
            """
            WITH pairs AS (
                SELECT i.id, i.vm_id, i.instance_id, i.is_cold, i.request_sent_ms, f.provider,
                       lag(i.instance_id) OVER w AS previous_instance, lag(i.request_sent_ms) OVER w AS previous_sent
                FROM \(context.invocations)
                WHERE i.snapshot_id = ?1 AND e.kind = 'idle' AND i.instance_id IS NOT NULL AND i.request_sent_ms IS \
            NOT NULL
                WINDOW w AS (PARTITION BY i.source_file_id, i.function_id ORDER BY i.request_sent_ms, i.id)),
            -- The requests on the pairs' VMs, searched through an index SQLite builds for this query: a
            -- stored index on vm_id cost every ingest more than this query takes.
            activity AS MATERIALIZED (
                SELECT vm_id, instance_id, request_sent_ms FROM invocation
                WHERE snapshot_id = ?1 AND vm_id IN (SELECT vm_id FROM pairs) AND request_sent_ms IS NOT NULL)
            SELECT provider, round((request_sent_ms - previous_sent) / 60000.0) AS gap, instance_id = \
            previous_instance AS survived, is_cold,
                   vm_id IS NOT NULL AND EXISTS (SELECT 1 FROM activity o WHERE o.vm_id = p.vm_id
                       AND o.instance_id != p.previous_instance AND o.request_sent_ms > p.previous_sent AND \
            o.request_sent_ms < p.request_sent_ms) AS busy
            FROM pairs p WHERE previous_sent IS NOT NULL
            """)
        guard !rows.isEmpty else {
            return scatter.isEmpty
                ? .notMeasurable("idle runs without repeated requests to a function") : .metrics(scatter)
        }
        var metrics: [Metric] = []
        for (provider, providerRows) in Dictionary(grouping: rows, by: { $0["provider"] as String }).sorted(by: {
            $0.key < $1.key
        }) {
            for busy in [false, true] {
                let selected = providerRows.filter { ($0["busy"] as Bool) == busy }
                guard !selected.isEmpty else { continue }
                let vm = busy ? "VM kept busy by another instance" : "idle instances of one function"
                let survivedGaps = selected.filter { $0["survived"] as Bool }.map { $0["gap"] as Double }
                metrics.append(
                    MetricGroup(
                        provider: provider, setting: vm,
                        parameters: .init(experiment: "idle", grouping: busy ? .busyVM : nil)
                    ).value(
                        .maxIdleMinutes, statistic: .max, survivedGaps.max() ?? 0, unit: "minutes", n: selected.count))
                guard !busy else { continue }
                for (gap, gapRows) in Dictionary(grouping: selected, by: { $0["gap"] as Double }).sorted(by: {
                    $0.key < $1.key
                }) {
                    let group = MetricGroup(
                        provider: provider, setting: "idle=\(Bounded.text(gap))min",
                        parameters: .init(experiment: "idle", idleMinutes: gap))
                    let survived = gapRows.filter { $0["survived"] as Bool }.count
                    metrics.append(
                        group.value(
                            .idleSurvivalFraction, statistic: .fraction, Double(survived) / Double(gapRows.count),
                            unit: "fraction", n: gapRows.count))
                    let classified = gapRows.compactMap { $0["is_cold"] as Int? }
                    if !classified.isEmpty {
                        metrics.append(
                            group.value(
                                .coldProbability, statistic: .fraction,
                                Double(classified.filter { $0 == 1 }.count) / Double(classified.count),
                                unit: "fraction", n: classified.count))
                    }
                }
            }
        }
        return .metrics(metrics + scatter)
    }

    /// P(cold) by idle gap, rounded to the minute, from requests that carry their gap and a flag.
    private func scatterProbabilities(_ context: AnalysisContext) throws -> [Metric] {
        guard try context.hasExperiment("idle-scatter") else { return [] }
        let rows = try context.rows(
            """
            SELECT f.provider, f.name AS series, CAST(round(i.interval_s / 60.0) AS INTEGER) AS gap,
                   count(*) AS n, sum(i.is_cold) AS cold
            FROM \(context.invocations)
            WHERE i.snapshot_id = ?1 AND e.kind = 'idle-scatter' AND i.interval_s IS NOT NULL AND i.is_cold IS NOT NULL
            GROUP BY f.provider, f.name, gap ORDER BY f.provider, f.name, gap
            """)
        return rows.map { row in
            MetricGroup(
                provider: row["provider"],
                setting: "idle=\(row["gap"] as Int)min, \(row["series"] as String? ?? "scatter")",
                parameters: .init(experiment: "idle-scatter", idleMinutes: Double(row["gap"] as Int))
            )
            .value(
                .coldProbability, statistic: .fraction, Double(row["cold"] as Int) / Double(row["n"] as Int),
                unit: "fraction", n: row["n"])
        }
    }
}
