import Foundation
import GRDB

/// Reads and writes `metric` rows (and their samples).
public struct MetricStore {
    private let db: Database

    public init(_ db: Database) {
        self.db = db
    }

    /// A runtime's variants in `RuntimeVariant`'s order: the default packaging and architecture (or
    /// none stated) first.
    static let variantOrder = """
        ifnull(m.packaging, 'zip') <> 'zip', m.packaging, ifnull(m.architecture, 'x86_64') <> 'x86_64', m.architecture
        """

    /// The values as a JSON array, in UTF-8; Swift's shortest round-trip form, so reading them back gives
    /// the same doubles. Bytes rather than a String: no second copy of a sample of 10M values (200 MB).
    static func json(_ values: [Double]) -> [UInt8] {
        var bytes: [UInt8] = []
        json(values, into: &bytes)
        return bytes
    }

    /// `json(_:)` written over `bytes`, whose storage is kept: a writer of many large samples reuses
    /// one buffer instead of taking fresh memory from the system, which the system zeroes first (a
    /// tenth of `analyze metrics` on 10M invocations, where each large sample had new memory).
    static func json(_ values: [Double], into bytes: inout [UInt8]) {
        // Samples are sorted, and the large ones repeat their values (10M invocations: 21M values, 2.5M
        // distinct in the twelve largest samples): a value equal to the one before (to the bit, so -0.0
        // and 0.0 stay apart) repeats its text instead of being formatted again.
        var text: [UInt8] = []
        var previous: UInt64?
        func append(_ value: Double, to bytes: inout [UInt8]) {
            if bytes.count > 1 { bytes.append(UInt8(ascii: ",")) }
            if value.bitPattern != previous {
                previous = value.bitPattern
                text.removeAll(keepingCapacity: true)
                text.append(contentsOf: value.isFinite ? value.description.utf8 : "null".utf8)
            }
            bytes.append(contentsOf: text)
        }
        bytes.removeAll(keepingCapacity: true)
        // Room for all of it, from the text of up to 1,024 values spread over the sample (it is sorted, and
        // the first values can be much shorter: 10M invocations' largest sample starts "10.0," and averages
        // 15 bytes a value). A buffer grown while written is copied and its new pages faulted in again;
        // capacity reserved and never written takes no memory.
        let step = Swift.max(1, (values.count + 1023) / 1024)
        let sampled = (values.count + step - 1) / step
        let sampledBytes = stride(from: 0, to: values.count, by: step).reduce(0) {
            $0 + values[$1].description.utf8.count + 1
        }
        bytes.reserveCapacity(sampledBytes * 5 / 4 * values.count / Swift.max(1, sampled) + 64)
        bytes.append(UInt8(ascii: "["))
        for value in values { append(value, to: &bytes) }
        bytes.append(UInt8(ascii: "]"))
    }

    /// The numbers of a JSON array written by `json(_:)` (`null` for a non-finite value is skipped).
    static func values(_ json: String) -> [Double] {
        json.withCString { values($0, count: strlen($0)) }
    }

    /// The numbers of the JSON array in `count` bytes of NUL-terminated text. Read in place with
    /// `strtod` (correctly rounded, so the same doubles come back): splitting into substrings first
    /// took 40% of a report's time on 1M invocations.
    static func values(_ text: UnsafePointer<CChar>, count: Int) -> [Double] {
        guard count > 2 else { return [] }
        var values: [Double] = []
        var cursor = UnsafeMutablePointer(mutating: text) + 1  // after "["
        let end = UnsafeMutablePointer(mutating: text) + count - 1  // at "]"
        while cursor < end {
            var next: UnsafeMutablePointer<CChar>? = cursor
            let value = strtod(cursor, &next)
            if let next, next > cursor {
                values.append(value)
                cursor = next
            }
            while cursor < end && cursor.pointee != CChar(UInt8(ascii: ",")) { cursor += 1 }  // past a null
            cursor += 1
        }
        return values
    }

    /// The snapshot's metrics in a stable order, with their samples when `samples` is set.
    public func metrics(snapshot: String, samples: Bool = false) throws -> [Metric] {
        let metrics = try Row.fetchAll(
            db,
            sql: """
                SELECT m.* FROM metric m JOIN snapshot s ON s.id = m.snapshot_id WHERE s.name = ?
                ORDER BY m.metric, m.provider, m.runtime, \(Self.variantOrder), m.memory_mb, m.setting, m.statistic,
                         m.source
                """, arguments: [snapshot])
        let condition = "m.snapshot_id = (SELECT id FROM snapshot WHERE name = ?)"
        let values = samples ? try self.samples(of: condition, [snapshot]) : [:]
        let series = try self.series(of: condition, [snapshot])
        return metrics.map { Self.metric($0, samples: values, series: series) }
    }

    /// The metrics the analyses wrote for a snapshot, in the order they wrote them, with their samples
    /// and without a source (as the stages return them).
    public func analyzed(snapshotID: Int64, source: String) throws -> [Metric] {
        let condition = "m.snapshot_id = ? AND m.source = ?"
        let values = try samples(of: condition, [snapshotID, source])
        let series = try self.series(of: condition, [snapshotID, source])
        return try Row.fetchAll(
            db, sql: "SELECT m.* FROM metric m WHERE m.snapshot_id = ? AND m.source = ? ORDER BY m.id",
            arguments: [snapshotID, source]
        ).map {
            var metric = Self.metric($0, samples: values, series: series)
            metric.source = nil
            return metric
        }
    }

    /// The samples of the metrics `m` the condition selects, by metric id, parsed from SQLite's own
    /// copy of the text: no Swift string is made of a sample (on 10M invocations, copying and measuring
    /// 20M numbers' worth of text cost a third as much as parsing them).
    private func samples(of condition: String, _ arguments: StatementArguments) throws -> [Int64: [Double]] {
        var samples: [Int64: [Double]] = [:]
        try db.scan(
            "SELECT ms.metric_id, ms.sorted_values FROM metric_sample ms JOIN metric m ON m.id = ms.metric_id WHERE "
                + "\(condition)",
            arguments
        ) { row in
            samples[row.int(0)!] = row.withText(1, Self.values)
        }
        return samples
    }

    /// The series of the metrics `m` the condition selects, by metric id.
    private func series(of condition: String, _ arguments: StatementArguments) throws -> [Int64: [Metric.Point]] {
        var series: [Int64: [Metric.Point]] = [:]
        try db.scan(
            "SELECT ms.metric_id, ms.x, ms.y, ms.low, ms.high FROM metric_series ms "
                + "JOIN metric m ON m.id = ms.metric_id WHERE \(condition)",
            arguments
        ) { row in
            let (x, y) = (row.withText(1, Self.values) ?? [], row.withText(2, Self.values) ?? [])
            let count = min(x.count, y.count)
            // Intervals (v11) only when stored for every point.
            let low = row.withText(3, Self.values).flatMap { $0.count == count ? $0 : nil }
            let high = row.withText(4, Self.values).flatMap { $0.count == count ? $0 : nil }
            series[row.int(0)!] = (0..<count).map { index in
                Metric.Point(x[index], y[index], low: low?[index], high: high?[index])
            }
        }
        return series
    }

    private static func metric(_ row: Row, samples: [Int64: [Double]], series: [Int64: [Metric.Point]]) -> Metric {
        var metric = Metric(
            row["metric"], provider: row["provider"], runtime: row["runtime"], architecture: row["architecture"],
            packaging: row["packaging"], memoryMB: row["memory_mb"],
            setting: row["setting"], parameters: MetricParameters(row), statistic: row["statistic"],
            value: row["value"], unit: row["unit"], n: row["n"], source: row["source"])
        metric.ciLow = row["ci_low"]
        metric.ciHigh = row["ci_high"]
        metric.samples = samples[row["id"]]
        metric.series = series[row["id"]]
        return metric
    }
}

extension Store {
    /// The snapshot's metric rows in a stable order, with their samples when `samples` is set.
    public func metrics(snapshot: String, samples: Bool = false) throws -> [Metric] {
        try queue.read { try MetricStore($0).metrics(snapshot: snapshot, samples: samples) }
    }

    /// The stored metric rows of the snapshots, in a stable order, as `analyze metrics` prints them: read
    /// one at a time inside `body`.
    public func withMetricTable<T>(snapshots: [String], _ body: (any TableRows) throws -> T) throws -> T {
        try queue.read { db in
            try body(
                StatementRows(
                    statement: db.makeStatement(sql: Self.metricTableSQL),
                    arguments: [String(decoding: try JSONEncoder().encode(snapshots), as: UTF8.self)]))
        }
    }

    private static let metricTableSQL = """
        SELECT s.name AS snapshot, m.metric, m.provider, m.runtime, m.memory_mb, m.setting, m.statistic,
               m.value, m.unit, m.n, m.ci_low, m.ci_high, m.architecture, m.packaging,
               m.runtime_family, m.runtime_version, m.experiment, m.temperature, m.grouping,
               m.scenario, m.concurrency, m.colevel, m.batch_size, m.delay_s, m.idle_minutes,
               m.interval_s
        FROM metric m JOIN snapshot s ON s.id = m.snapshot_id
        WHERE s.name IN (SELECT value FROM json_each(?))
        ORDER BY s.name, m.metric, m.provider, m.runtime, \(MetricStore.variantOrder), m.memory_mb,
                 m.setting, m.statistic
        """
}
