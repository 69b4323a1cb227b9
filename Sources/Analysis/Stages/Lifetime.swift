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
        let functions = try context.functions()
        let longest: LongestUptimes
        if try context.hasExperiment("lifetime") {
            let runs = try LifetimeRuns(context, functions)
            longest = runs.longest
            let groups = Dictionary(grouping: runs.lifetimes) { lifetime in
                let interval = lifetime.interval.map { $0.rounded(.towardZero) }
                return MetricGroup(
                    provider: lifetime.provider, memoryMB: lifetime.memoryMB,
                    setting: interval.map { "interval=\(Bounded.text($0))s" } ?? "interval unknown",
                    parameters: .init(experiment: "lifetime", intervalSeconds: interval))
            }
            for (group, lifetimes) in groups.sorted(by: { $0.key < $1.key }) {
                metrics += group.distribution(
                    .instanceLifetimeMinutes, Sample(lifetimes.map(\.minutes)), unit: "minutes",
                    bootstrap: context.bootstrap, statistics: [.median, .p90, .max])
            }
            let byProvider = Dictionary(grouping: runs.lifetimes, by: \.provider)
            for (provider, lifetimes) in byProvider.sorted(by: { $0.key < $1.key }) {
                metrics += MetricGroup(
                    provider: provider, setting: "all settings",
                    parameters: .init(experiment: "lifetime", grouping: .pooled)
                ).distribution(
                    .instanceLifetimeHours, Sample(lifetimes.map { $0.minutes / 60 }), unit: "hours",
                    bootstrap: context.bootstrap, statistics: [.median, .max])
            }
            for uptime in runs.longestInRuns.byProvider(functions) {
                metrics.append(
                    MetricGroup(
                        provider: uptime.provider, setting: "longest host VM uptime seen in lifetime runs",
                        parameters: .init(experiment: "lifetime")
                    ).value(.vmUptimeHours, statistic: .max, uptime.seconds / 3600, unit: "hours", n: uptime.vms))
            }
        } else {
            var seen = LongestUptimes()
            try context.scan(
                """
                SELECT function_id, vm_uptime_s, vm_id FROM invocation
                WHERE snapshot_id = ?1 AND vm_uptime_s IS NOT NULL
                """
            ) { row in seen.see(row.double(1)!, function: row.int(0)!, vm: row.int(2)) }
            longest = seen
        }
        // The longest VM uptime per provider, over its VMs reporting one.
        for uptime in longest.byProvider(functions) {
            metrics.append(
                MetricGroup(provider: uptime.provider, setting: "longest host VM uptime seen").value(
                    .vmUptimeHours, statistic: .max, uptime.seconds / 3600.0, unit: "hours", n: uptime.vms))
        }
        return metrics.isEmpty
            ? .notMeasurable("no runs of the 'lifetime' experiment and no VM uptime") : .metrics(metrics)
    }
}

/// The longest VM uptime reported per function and VM (few entries, one lookup a row).
private struct LongestUptimes {
    private struct Host: FlatKey {
        let function: Int64, vm: Int64?
        var flatHash: UInt64 { Self.fold(UInt64(bitPattern: function), vm) }
    }
    private var longest = FlatTable<Host, Double>()

    mutating func see(_ seconds: Double, function: Int64, vm: Int64?) {
        longest.update(Host(function: function, vm: vm), initial: seconds) { $0.raise(to: seconds) }
    }

    /// Per provider in name order: the longest uptime, and how many VMs reported one.
    func byProvider(_ functions: [Int64: AnalysisContext.Function]) -> [(provider: String, seconds: Double, vms: Int)] {
        var providers: [String: (seconds: Double, vms: Set<Int64>)] = [:]
        longest.forEach { host, seconds in
            let provider = functions[host.function]!.provider
            providers[provider, default: (seconds, [])].seconds.raise(to: seconds)
            if let vm = host.vm { providers[provider]!.vms.insert(vm) }
        }
        return providers.sorted { $0.key < $1.key }.map { ($0.key, $0.value.seconds, $0.value.vms.count) }
    }
}

/// What the lifetime runs of a snapshot show, from one scan of its invocations in a C-level cursor:
/// `GROUP BY` over every instance sorted every invocation, twice (18.7 s of a 9.7M-invocation
/// simulated profile, 8M of them in lifetime runs). The same scan finds the longest VM uptimes, in
/// lifetime runs and over the snapshot.
private struct LifetimeRuns {
    struct Lifetime {
        let provider: String, memoryMB: Int?, interval: Double?, minutes: Double
    }

    /// Per instance of a run that stopped answering before the run's last round: first seen (earliest
    /// request) to last seen (latest response, else request).
    private(set) var lifetimes: [Lifetime] = []
    private(set) var longestInRuns = LongestUptimes(), longest = LongestUptimes()

    init(_ context: AnalysisContext, _ functions: [Int64: AnalysisContext.Function]) throws {
        // An instance is grouped by its function's provider and memory (not the function itself), its
        // run's interval and file, and its id.
        struct Key: FlatKey {
            let kind: Int, interval: Double?, file: Int64, instance: Int64
            var flatHash: UInt64 { Self.fold(Self.fold(Self.fold(UInt64(kind), interval), file), instance) }
        }
        struct Span {
            var first: Double, last: Double, round: Int64?
        }
        let kinds = FunctionKinds(functions)
        var lastRound = FlatTable<Int64, Int64>()  // per file, over every invocation of the snapshot
        var spans = FlatTable<Key, Span>()
        try context.scan(
            """
            SELECT i.source_file_id, i.round_no, e.kind = 'lifetime', i.function_id, i.interval_s, i.instance_id,
                   i.request_sent_ms, i.response_received_ms, i.vm_uptime_s, i.vm_id
            FROM invocation i LEFT JOIN experiment e ON e.id = i.experiment_id WHERE i.snapshot_id = ?1
            """
        ) { row in
            let file = row.int(0)!
            let round = row.int(1)
            if let round { lastRound.update(file, initial: round) { $0 = max($0, round) } }
            let function = row.int(3)!
            let uptime = row.double(8)
            if let uptime { longest.see(uptime, function: function, vm: row.int(9)) }
            guard row.bool(2) else { return }
            if let uptime { longestInRuns.see(uptime, function: function, vm: row.int(9)) }
            guard let instance = row.int(5), let sent = row.double(6) else { return }
            let last = row.double(7) ?? sent
            let key = Key(kind: kinds[function]!, interval: row.double(4), file: file, instance: instance)
            spans.update(key, initial: Span(first: sent, last: last, round: round)) { span in
                span.first = min(span.first, sent)
                span.last = max(span.last, last)
                if let round { span.round = max(span.round ?? round, round) }
            }
        }
        // Instances still answering in their run's last round were cut off by its end: left out.
        spans.forEach { key, span in
            guard let round = span.round, let fileRound = lastRound[key.file], round < fileRound else { return }
            let kind = kinds.kinds[key.kind]
            lifetimes.append(
                Lifetime(
                    provider: kind.provider, memoryMB: kind.memoryMB, interval: key.interval,
                    minutes: (span.last - span.first) / 60000.0))
        }
    }
}

extension Double {
    fileprivate mutating func raise(to candidate: Double) { self = Swift.max(self, candidate) }
}
