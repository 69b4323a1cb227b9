import GRDB
import Store

/// Update consistency (section 5.4): the requests of the first batch after a function update (the
/// batch whose expected version differs from the one before it): how many an old version served
/// (reported version != expected), and how many of those were new instances; by delay after the
/// update and batch size k. The safe delay is the smallest from which no stale request was seen.
struct Consistency: Stage {
    let id = StageID.consistency
    let requires = "reported_version and expected_version, delay_s, in runs of the 'consistency' experiment"

    func run(_ context: AnalysisContext) throws -> StageOutcome {
        if let missing = try context.missing(experiment: "consistency") { return missing }
        let rows = try Self.staleCounts(context)
        guard !rows.isEmpty else {
            return .notMeasurable("consistency runs without an update (expected version never changes)")
        }
        var metrics: [Metric] = []
        for (provider, providerRows) in Dictionary(grouping: rows, by: \.provider).sorted(by: { $0.key < $1.key }) {
            func add(_ setting: String, _ parameters: MetricParameters, _ selected: [StaleCount]) {
                let requests = selected.reduce(0) { $0 + $1.requests }
                let stale = selected.reduce(0) { $0 + $1.stale }
                let staleNew = selected.reduce(0) { $0 + $1.staleNew }
                let group = MetricGroup(provider: provider, setting: setting, parameters: parameters)
                metrics.append(
                    group.value(
                        .staleFraction, statistic: .fraction, Double(stale) / Double(requests),
                        unit: "fraction", n: requests))
                metrics.append(
                    group.value(
                        .staleNewInstanceFraction, statistic: .fraction,
                        Double(staleNew) / Double(requests), unit: "fraction", n: requests))
            }
            let delays = Dictionary(grouping: providerRows, by: { $0.delay ?? -1 })
            for (delay, delayRows) in delays.sorted(by: { $0.key < $1.key }) {
                let label = delay < 0 ? "delay unknown" : "delay=\(Bounded.text(delay))s"
                let seconds = delay < 0 ? nil : delay
                for row in delayRows {
                    add(
                        "k=\(row.k ?? 0) \(label)",
                        .init(experiment: "consistency", batchSize: row.k, delaySeconds: seconds), [row])
                }
                add(label, .init(experiment: "consistency", grouping: .pooled, delaySeconds: seconds), delayRows)
            }
            let known = delays.filter { $0.key >= 0 }
            let staleDelays = known.filter { $0.value.contains { $0.stale > 0 } }.keys
            let safe = known.keys.filter { delay in staleDelays.allSatisfy { $0 < delay } }.min()
            if let safe {
                metrics.append(
                    MetricGroup(
                        provider: provider, setting: "smallest delay after which no stale instance was seen",
                        parameters: .init(experiment: "consistency")
                    )
                    .value(.safeDelay, statistic: .min, safe, unit: "s", n: providerRows.count))
            }
        }
        return .metrics(metrics)
    }

    /// Requests of one first batch after an update, or their sums by provider, k and delay.
    private struct StaleCount {
        let provider: String
        let k: Int?
        let delay: Double?
        var requests: Int, stale: Int, staleNew: Int
    }

    /// The requests of every first batch after an update, summed by provider, k and delay (in that
    /// order). One pass over the experiment's invocations grouped by batch (with its k and delay), then
    /// each batch's expected version against the one before it in send order, per function and file.
    /// (A join of every invocation with the marked batches took 64 s on 92k invocations in 3,600 batches.)
    private static func staleCounts(_ context: AnalysisContext) throws -> [StaleCount] {
        struct Batch: Hashable { let function: Int64, file: Int64, round: Int64?, number: Int64? }
        var parts: [(batch: Batch, count: StaleCount)] = []
        // A batch is marked by its 'consistency' requests that name an expected version (send time and
        // version are theirs), and counts every request of the batch, as the paper's harness logs them.
        // Versions compare as bytes, as SQLite compares text.
        var batches: [Batch: (sent: Double?, expected: [UInt8])] = [:]
        for row in try context.rows(
            """
            SELECT i.function_id, i.source_file_id, i.round_no, i.batch_no, f.provider, i.batch_size, i.delay_s,
                   min(CASE WHEN e.kind = 'consistency' AND i.expected_version IS NOT NULL THEN i.request_sent_ms END),
                   min(CASE WHEN e.kind = 'consistency' THEN i.expected_version END),
                   count(i.reported_version), ifnull(sum(i.reported_version != i.expected_version), 0),
                   ifnull(sum(i.reported_version != i.expected_version AND i.is_cold = 1), 0)
            FROM invocation i JOIN function f ON f.id = i.function_id LEFT JOIN experiment e ON e.id = i.experiment_id
            WHERE i.snapshot_id = ?1 AND i.source_file_id IN (
                SELECT DISTINCT c.source_file_id FROM invocation c JOIN experiment ce ON ce.id = c.experiment_id
                WHERE c.snapshot_id = ?1 AND ce.kind = 'consistency')
            GROUP BY 1, 2, 3, 4, 5, 6, 7
            """)
        {
            let batch = Batch(function: row[0], file: row[1], round: row[2], number: row[3])
            parts.append(
                (
                    batch,
                    StaleCount(
                        provider: row[4], k: row[5], delay: row[6], requests: row[9], stale: row[10],
                        staleNew: row[11])
                ))
            guard let version = row[8] as String? else { continue }
            let expected = Array(version.utf8)
            let sent = row[7] as Double?
            if let known = batches[batch] {
                // SQL's min ignores NULL send times.
                let earliest = [known.sent, sent].compactMap { $0 }.min()
                batches[batch] = (
                    earliest, known.expected.lexicographicallyPrecedes(expected) ? known.expected : expected
                )
            } else {
                batches[batch] = (sent, expected)
            }
        }
        var firstAfterUpdate: Set<Batch> = []
        for (_, series) in Dictionary(grouping: batches, by: { [$0.key.function, $0.key.file] }) {
            // NULL send times first, as SQL orders them; ties (not seen in practice) broken by round and batch number.
            let ordered = series.sorted {
                ($0.value.sent ?? -.infinity, $0.key.round ?? .min, $0.key.number ?? .min)
                    < ($1.value.sent ?? -.infinity, $1.key.round ?? .min, $1.key.number ?? .min)
            }
            for (previous, next) in zip(ordered, ordered.dropFirst())
            where previous.value.expected != next.value.expected {
                firstAfterUpdate.insert(next.key)
            }
        }
        struct Setting: Hashable { let provider: String, k: Int?, delay: Double? }
        var sums: [Setting: StaleCount] = [:]
        for (batch, count) in parts where firstAfterUpdate.contains(batch) && count.requests > 0 {
            let setting = Setting(provider: count.provider, k: count.k, delay: count.delay)
            if var sum = sums[setting] {
                sum.requests += count.requests
                sum.stale += count.stale
                sum.staleNew += count.staleNew
                sums[setting] = sum
            } else {
                sums[setting] = count
            }
        }
        // SQL's order: NULL first.
        return sums.values.sorted {
            ($0.provider, $0.k ?? .min, $0.delay ?? -.infinity) < ($1.provider, $1.k ?? .min, $1.delay ?? -.infinity)
        }
    }
}
