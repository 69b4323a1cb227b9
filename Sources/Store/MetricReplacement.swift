import GRDB

/// Replaces a snapshot's metrics from one source, inside the caller's transaction: the old rows go when
/// it is made, and the new ones are added in parts as the caller has them (the analyses add a stage's
/// metrics while later stages still run).
public final class MetricReplacement {
    private let inserter: MetricInserter
    private let snapshotID: Int64
    private let source: String

    /// Deletes the snapshot's metrics from `source` (metrics ingested from a file, such as the paper's
    /// published numbers, stay).
    public init(_ db: Database, snapshotID: Int64, source: String) throws {
        // Named arguments: each statement of the three reads the same two.
        try db.execute(
            sql: """
                DELETE FROM metric_sample
                WHERE metric_id IN (SELECT id FROM metric WHERE snapshot_id = :snapshot AND source = :source);
                DELETE FROM metric_series
                WHERE metric_id IN (SELECT id FROM metric WHERE snapshot_id = :snapshot AND source = :source);
                DELETE FROM metric WHERE snapshot_id = :snapshot AND source = :source;
                """, arguments: ["snapshot": snapshotID, "source": source])
        inserter = try MetricInserter(db)
        self.snapshotID = snapshotID
        self.source = source
    }

    /// Adds the metrics after those added before (ids in that order), each under its own source if it
    /// has one.
    public func append(_ metrics: [Metric]) throws {
        for metric in metrics { try inserter.insert(metric, snapshotID: snapshotID, source: metric.source ?? source) }
    }
}
