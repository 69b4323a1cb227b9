import GRDB
import Statistics
import Store

/// Instance lifetime (section 5.2): per instance, last seen (latest response) minus first seen
/// (earliest request) within a run; ECDF by provider x memory x request interval. Instances still
/// answering in a run's last round are cut off by the run's end, not by the platform, and are left out.
/// Also the longest host VM uptime seen: over the snapshot, and within lifetime runs (the paper's
/// number, which grows with how long VMs are watched).
struct Lifetime: Stage {
    let id = StageID.lifetime
    let requires = "instance id and timestamps, in runs of the 'lifetime' experiment; vm_uptime_s for VM uptime"

    func run(_ context: AnalysisContext) throws -> StageOutcome {
        var metrics: [Metric] = []
        if try context.hasExperiment("lifetime") {
            let rows = try context.rows(
                """
                WITH last_round AS (SELECT source_file_id, max(round_no) AS round_no FROM invocation WHERE \
                snapshot_id = ?1 GROUP BY source_file_id)
                SELECT f.provider, f.memory_mb, i.interval_s,
                       (max(coalesce(i.response_received_ms, i.request_sent_ms)) - min(i.request_sent_ms)) / 60000.0 \
                AS minutes
                FROM \(context.invocations) JOIN last_round l ON l.source_file_id = i.source_file_id
                WHERE i.snapshot_id = ?1 AND e.kind = 'lifetime' AND i.instance_id IS NOT NULL AND i.request_sent_ms \
                IS NOT NULL
                GROUP BY f.provider, f.memory_mb, i.interval_s, i.source_file_id, i.instance_id
                HAVING max(i.round_no) < max(l.round_no)
                """)
            let groups = Dictionary(grouping: rows) { row in
                let interval = (row["interval_s"] as Double?).map { $0.rounded(.towardZero) }
                return MetricGroup(
                    provider: row["provider"], memoryMB: row["memory_mb"],
                    setting: interval.map { "interval=\(Bounded.text($0))s" } ?? "interval unknown",
                    parameters: .init(experiment: "lifetime", intervalSeconds: interval))
            }
            for (group, groupRows) in groups.sorted(by: { $0.key < $1.key }) {
                metrics += group.distribution(
                    .instanceLifetimeMinutes, Sample(groupRows.map { $0["minutes"] as Double }),
                    unit: "minutes", bootstrap: context.bootstrap, statistics: [.median, .p90, .max])
            }
            for (provider, providerRows) in Dictionary(grouping: rows, by: { $0["provider"] as String }).sorted(by: {
                $0.key < $1.key
            }) {
                metrics += MetricGroup(
                    provider: provider, setting: "all settings",
                    parameters: .init(experiment: "lifetime", grouping: .pooled)
                ).distribution(
                    .instanceLifetimeHours, Sample(providerRows.map { ($0["minutes"] as Double) / 60 }), unit: "hours",
                    bootstrap: context.bootstrap, statistics: [.median, .max])
            }
            for row in try context.rows(
                """
                SELECT f.provider, max(i.vm_uptime_s) AS seconds, count(DISTINCT i.vm_id) AS vms
                FROM \(context.invocations)
                WHERE i.snapshot_id = ?1 AND e.kind = 'lifetime' AND i.vm_uptime_s IS NOT NULL GROUP BY f.provider
                """)
            {
                metrics.append(
                    MetricGroup(
                        provider: row["provider"], setting: "longest host VM uptime seen in lifetime runs",
                        parameters: .init(experiment: "lifetime")
                    ).value(
                        .vmUptimeHours, statistic: .max, (row["seconds"] as Double) / 3600, unit: "hours", n: row["vms"]
                    ))
            }
        }
        // The longest VM uptime per provider, over its VMs reporting one.
        let functions = try context.functions()
        struct Seen: Hashable { let function: Int64, vm: Int64? }
        var longest: [Seen: Double] = [:]  // per function and VM: few entries, one lookup a row
        try context.scan(
            "SELECT function_id, vm_uptime_s, vm_id FROM invocation WHERE snapshot_id = ?1 AND vm_uptime_s IS NOT NULL"
        ) { row in
            let seconds = row.double(1)!
            Self.raise(&longest[Seen(function: row.int(0)!, vm: row.int(2)), default: seconds], to: seconds)
        }
        var uptimes: [String: (maxSeconds: Double, vms: Set<Int64>)] = [:]
        for (seen, seconds) in longest {
            let provider = functions[seen.function]!.provider
            var entry = uptimes[provider] ?? (seconds, [])
            entry.maxSeconds = max(entry.maxSeconds, seconds)
            if let vm = seen.vm { entry.vms.insert(vm) }
            uptimes[provider] = entry
        }
        for (provider, uptime) in uptimes.sorted(by: { $0.key < $1.key }) {
            metrics.append(
                MetricGroup(provider: provider, setting: "longest host VM uptime seen").value(
                    .vmUptimeHours, statistic: .max, uptime.maxSeconds / 3600.0, unit: "hours", n: uptime.vms.count))
        }
        return metrics.isEmpty
            ? .notMeasurable("no runs of the 'lifetime' experiment and no VM uptime") : .metrics(metrics)
    }

    private static func raise(_ value: inout Double, to candidate: Double) { value = max(value, candidate) }
}
