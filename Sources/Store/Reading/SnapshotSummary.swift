import Foundation
import GRDB

/// What a report says about a snapshot before its sections: description, files, invocations and the
/// span of request times.
public struct SnapshotSummary: Sendable, Equatable {
    public let name: String
    public let description: String?
    public let files: Int
    public let invocations: Int
    /// First and last request sent, `YYYY-MM-DD HH:MM` UTC; nil when no file has request times.
    public let firstSent: String?
    public let lastSent: String?
    /// The `analyze simulate` profiles that wrote the snapshot's files, sorted; empty for measurements.
    public let simulatedProfiles: [String]
    /// What the snapshot's records stand for where they are not one invocation each (manifest `aggregate`).
    public let aggregates: [RecordAggregate]
}

/// One source file of a snapshot, as the report's data-quality section lists it.
public struct SourceSummary: Sendable, Equatable {
    public let path: String
    public let format: String
    public let sizeBytes: Int64
    public let records: Int
    public let rejected: Int
    /// The first 16 hex digits of the content's SHA-256.
    public let sha256Prefix: String
    /// The file's invocations that carry each flag.
    public let flagged: [QualityFlag: Int]
}

/// How many of a snapshot's invocations one cold-start rule decided.
public struct ColdRuleCount: Sendable, Equatable {
    public let rule: String
    public let meaning: String
    public let invocations: Int
}

extension Store {
    public func snapshotExists(_ name: String) throws -> Bool {
        try queue.read {
            try Bool.fetchOne($0, sql: "SELECT EXISTS (SELECT 1 FROM snapshot WHERE name = ?)", arguments: [name])
                ?? false
        }
    }

    /// Whether the snapshot holds measurements (not only metric rows read from a file).
    public func hasInvocations(_ name: String) throws -> Bool {
        try queue.read {
            try Bool.fetchOne(
                $0,
                sql: """
                    SELECT EXISTS (SELECT 1 FROM invocation i JOIN snapshot s ON s.id = i.snapshot_id WHERE s.name = ?)
                    """, arguments: [name]) ?? false
        }
    }

    /// Every snapshot's name, sorted.
    public func snapshotNames() throws -> [String] {
        try queue.read { try String.fetchAll($0, sql: "SELECT name FROM snapshot ORDER BY name") }
    }

    /// The snapshots that hold measurements, by name.
    public func measuredSnapshots() throws -> [String] {
        try queue.read {
            try String.fetchAll(
                $0,
                sql: """
                    SELECT name FROM snapshot s WHERE EXISTS (SELECT 1 FROM invocation i WHERE i.snapshot_id = s.id) \
                    ORDER BY name
                    """)
        }
    }

    /// Counted from the per-file tallies, not the invocations (a 10M snapshot answers at once).
    public func summary(of snapshot: String) throws -> SnapshotSummary? {
        try queue.read { db in
            let aggregates = try Row.fetchAll(
                db,
                sql: """
                    SELECT DISTINCT f.aggregate_statistic, f.aggregate_period_s FROM source_file f
                    JOIN snapshot s ON s.id = f.snapshot_id
                    WHERE s.name = ? AND f.aggregate_statistic IS NOT NULL ORDER BY 1, 2
                    """, arguments: [snapshot]
            ).compactMap {
                RecordAggregate(statistic: $0["aggregate_statistic"], periodSeconds: $0["aggregate_period_s"])
            }
            return try Row.fetchOne(
                db,
                sql: """
                    SELECT s.description,
                           (SELECT count(*) FROM source_file f WHERE f.snapshot_id = s.id) AS files,
                           (SELECT ifnull(sum(r.invocations), 0) FROM source_file_cold_rule r JOIN source_file f ON \
                    f.id = r.source_file_id
                            WHERE f.snapshot_id = s.id) AS invocations,
                           (SELECT strftime('%Y-%m-%d %H:%M', min(first_sent_ms) / 1000, 'unixepoch') FROM source_file f
                            WHERE f.snapshot_id = s.id) AS first,
                           (SELECT strftime('%Y-%m-%d %H:%M', max(last_sent_ms) / 1000, 'unixepoch') FROM source_file f
                            WHERE f.snapshot_id = s.id) AS last,
                           (SELECT json_group_array(p) FROM (SELECT DISTINCT simulated_profile AS p FROM source_file f
                            WHERE f.snapshot_id = s.id AND p IS NOT NULL ORDER BY p)) AS profiles
                    FROM snapshot s WHERE s.name = ?
                    """, arguments: [snapshot]
            ).map {
                SnapshotSummary(
                    name: snapshot, description: $0["description"], files: $0["files"], invocations: $0["invocations"],
                    firstSent: $0["first"], lastSent: $0["last"],
                    simulatedProfiles: (try? JSONDecoder().decode(
                        [String].self, from: Data(($0["profiles"] as String).utf8)))
                        ?? [], aggregates: aggregates)
            }
        }
    }

    /// The snapshot's files by path.
    public func sources(of snapshot: String) throws -> [SourceSummary] {
        try queue.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT f.path, f.format, f.size_bytes, f.records, f.rejected, substr(f.sha256, 1, 16) AS hash,
                           f.start_before_sent, f.duration_over_round_trip
                    FROM source_file f JOIN snapshot s ON s.id = f.snapshot_id WHERE s.name = ? ORDER BY f.path
                    """, arguments: [snapshot]
            ).map { row in
                SourceSummary(
                    path: row["path"], format: row["format"], sizeBytes: row["size_bytes"], records: row["records"],
                    rejected: row["rejected"], sha256Prefix: row["hash"],
                    flagged: Dictionary(uniqueKeysWithValues: QualityFlag.allCases.map { ($0, row[$0.column] as Int) }))
            }
        }
    }

    /// Rejected records by reason, most frequent first.
    public func rejectCounts(of snapshot: String) throws -> [(reason: String, count: Int)] {
        try queue.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT r.reason, count(*) AS n FROM rejected_record r JOIN snapshot s ON s.id = r.snapshot_id
                    WHERE s.name = ? GROUP BY r.reason ORDER BY n DESC, r.reason
                    """, arguments: [snapshot]
            ).map { ($0["reason"], $0["n"]) }
        }
    }

    /// Every cold-start rule with the number of the snapshot's invocations it decided (0 included).
    public func coldRuleCounts(of snapshot: String) throws -> [ColdRuleCount] {
        try queue.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT cr.name, cr.description,
                           (SELECT ifnull(sum(r.invocations), 0) FROM source_file_cold_rule r JOIN source_file f ON \
                    f.id = r.source_file_id
                            JOIN snapshot s ON s.id = f.snapshot_id WHERE s.name = ? AND r.cold_rule_id = cr.id) AS n
                    FROM cold_rule cr ORDER BY cr.id
                    """, arguments: [snapshot]
            ).map { ColdRuleCount(rule: $0["name"], meaning: $0["description"], invocations: $0["n"]) }
        }
    }
}
