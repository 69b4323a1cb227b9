import Foundation
import GRDB
import Store
import Testing

/// Stores written under older schemas open, migrate and keep their rows. A class: each test gets an
/// instance, whose store is removed with it.
@Suite final class MigrationTests {
    private let path = NSTemporaryDirectory() + "migration-" + UUID().uuidString + ".sqlite"

    deinit {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    /// Writes the store as it was after `migration`, holding the rows that `sql` inserts.
    private func writeOldStore(upTo migration: String, _ sql: String) throws {
        let old = try DatabaseQueue(path: path)
        try Schema.migrator.migrate(old, upTo: migration)
        try old.write { try $0.execute(sql: sql) }
        try old.close()
    }

    /// A store written before metric parameters were columns (schema v6) opens, migrates, and reads back
    /// every metric row with the same id, dimensions, statistic, value, CI and sample.
    @Test func metricRowsKeepTheirValuesThroughV7() throws {
        try writeOldStore(
            upTo: "v6: per-file invocation tallies",
            """
            INSERT INTO snapshot (id, name, created_at) VALUES (1, 'old', '2026-01-01T00:00:00Z');
            INSERT INTO metric (id, snapshot_id, metric, provider, runtime, memory_mb, setting, statistic,
                                value, unit, n, ci_low, ci_high, source)
            VALUES (1, 1, 'coldstart.latency_ms', 'aws', 'python2.7', 128, 'cold starts, experiment=coldstart',
                    'median', 167.25, 'ms', 3, 150.5, 180.125, 'analyze'),
                   (2, 1, 'scalability.instances_per_request', 'aws', NULL, NULL, 'concurrency=20', 'mean',
                    0.95, 'fraction', 40, NULL, NULL, 'analyze'),
                   (3, 1, 'lifetime.instance_minutes', 'google', NULL, 2048, 'interval=60s', 'p90', 351.1,
                    'minutes', 12, NULL, NULL, 'seed');
            INSERT INTO metric_sample (metric_id, n, sorted_values) VALUES (1, 3, '[150.5,167.25,180.125]');
            """)
        let store = try Store(path: path)
        let metrics = try store.metrics(snapshot: "old", samples: true)
        #expect(metrics.map(\.metric) == [.coldStartLatency, .instanceLifetimeMinutes, .instancesPerRequest])
        #expect(metrics.map(\.statistic) == [.median, .p90, .mean])
        #expect(metrics.map(\.value) == [167.25, 351.1, 0.95])
        #expect(metrics.map(\.n) == [3, 12, 40])
        #expect(
            metrics[0].ciLow == 150.5 && metrics[0].ciHigh == 180.125 && metrics[0].samples == [150.5, 167.25, 180.125])
        #expect(metrics.map(\.setting) == ["cold starts, experiment=coldstart", "interval=60s", "concurrency=20"])
        #expect(metrics.map(\.source) == ["analyze", "seed", "analyze"])
        #expect(metrics.allSatisfy { $0.parameters == MetricParameters() })
    }

    /// lambda-perf's reader folded architecture and packaging into the runtime ("python312 image arm64")
    /// before v8: functions and metric rows are split into fields, values untouched.
    @Test func foldedRuntimesSplitIntoFieldsThroughV8() throws {
        try writeOldStore(
            upTo: "v7: metric parameters as columns",
            """
            INSERT INTO snapshot (id, name, created_at) VALUES (1, 'lp', '2026-01-01T00:00:00Z');
            INSERT INTO source_file (id, snapshot_id, path, sha256, format, size_bytes, records, rejected,
                                     ingested_at)
            VALUES (1, 1, 'day.json', 'x', 'lambda-perf', 1, 2, 0, '2026-01-01T00:00:00Z');
            INSERT INTO function (id, provider, name, runtime, memory_mb)
            VALUES (1, 'aws', 'lambda-perf-python312-image-128-arm64', 'python312 image arm64', 128),
                   (2, 'aws', 'lambda-perf-python312-zip-128-x86_64', 'python312', 128);
            INSERT INTO invocation (snapshot_id, source_file_id, line, function_id, cold_rule_id, status,
                                    init_duration_ms, extra)
            VALUES (1, 1, 1, 1, (SELECT min(id) FROM cold_rule), 'ok', 300.5,
                    '{"architecture":"arm64","display_name":"python312","packaging":"image"}'),
                   (1, 1, 1, 2, (SELECT min(id) FROM cold_rule), 'ok', 90.25,
                    '{"architecture":"x86_64","display_name":"python312","packaging":"zip"}');
            INSERT INTO metric (id, snapshot_id, metric, provider, runtime, memory_mb, setting, statistic,
                                value, unit, source)
            VALUES (1, 1, 'memory.used_mb', 'aws', 'python312 image arm64', 128, 'day=2026-01-01', 'mean',
                    70.5, 'MB', 'lambda-perf'),
                   (2, 1, 'memory.used_mb', 'aws', 'python312', 128, 'day=2026-01-01', 'mean', 60.25, 'MB',
                    'lambda-perf');
            """)
        let store = try Store(path: path)
        let metrics = try store.metrics(snapshot: "lp")
        #expect(metrics.map(\.value) == [60.25, 70.5])
        #expect(metrics.map(\.runtime) == ["python312", "python312"])
        #expect(metrics.map(\.architecture) == ["x86_64", "arm64"] && metrics.map(\.packaging) == ["zip", "image"])
        #expect(metrics.map(\.runtimeLabel) == ["python312", "python312 image arm64"])
        let functions = try store.queue.read { db in
            try Row.fetchAll(db, sql: "SELECT runtime, architecture, packaging FROM function ORDER BY id").map {
                "\($0[0] as String)|\($0[1] as String)|\($0[2] as String)"
            }
        }
        #expect(functions == ["python312|arm64|image", "python312|x86_64|zip"])
    }

    /// Instances stored before v14 (one with a NUL in its key) keep their ids and columns, gain the hash
    /// the writer computes (a writer finds them by it and adds no row, through the new index), and the
    /// invocation view still spells them out.
    @Test func instancesKeepTheirRowsAndAreFoundThroughV14() throws {
        try writeOldStore(
            upTo: "v13: no stored index of invocations by VM",
            """
            INSERT INTO snapshot (id, name, created_at) VALUES (1, 'old', '2026-01-01T00:00:00Z');
            INSERT INTO source_file (id, snapshot_id, path, sha256, format, size_bytes, records, rejected,
                                     ingested_at)
            VALUES (1, 1, 'old.log', 'x', 'faas-measure', 1, 1, 0, '2026-01-01T00:00:00Z');
            INSERT INTO function (id, provider, name) VALUES (1, 'aws', 'f');
            INSERT INTO instance (id, provider, instance_key, function_id, procfs_instance_id, private_ip,
                                  first_seen_ms, last_seen_ms)
            VALUES (7, 'aws', 'i-old', 1, 'sandbox-root', '10.0.0.1', 1000.5, 2000.25),
                   (9, 'google', 'i-old', 1, NULL, NULL, NULL, NULL),
                   (10, 'aws', 'nul' || char(0) || 'inside', 1, NULL, NULL, NULL, NULL);
            INSERT INTO invocation (snapshot_id, source_file_id, line, function_id, instance_id, cold_rule_id,
                                    status)
            VALUES (1, 1, 1, 1, 7, 0, 'ok');
            """)
        let store = try Store(path: path)
        try store.queue.inDatabase { db in
            let writer = try StoreWriter(db)
            let snapshot = try writer.snapshotID(named: "new")
            _ = try writer.writeFile(snapshotID: snapshot, path: "new.log", format: "x", sizeBytes: 1) { sink in
                for (provider, instance) in [("google", "i-old"), ("aws", "i-old"), ("aws", "nul\u{0}inside")] {
                    var record = InvocationRecord()
                    record.provider = provider
                    record.functionName = "f"
                    record.instanceID = instance
                    record.requestSentMs = 3000
                    try sink.add(record, line: 1)
                }
                return "y"
            }
        }
        let instances = try store.queue.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT id, provider, CAST(instance_key AS BLOB), function_id, procfs_instance_id, private_ip,
                           first_seen_ms, last_seen_ms FROM instance ORDER BY id
                    """
            ).map { spelledOut($0, keyAt: 2) }
        }
        #expect(
            instances == [
                "7 \"aws\" i-old 1 \"sandbox-root\" \"10.0.0.1\" 1000.5 3000.0",
                "9 \"google\" i-old 1 NULL NULL 3000.0 3000.0",
                "10 \"aws\" nul<NUL>inside 1 NULL NULL 3000.0 3000.0",
            ])
        // The writer's lookup goes through the index the migration built.
        let plan = try store.queue.read { db in
            try Row.fetchAll(
                db,
                sql: "EXPLAIN QUERY PLAN SELECT id FROM instance WHERE key_hash = 1 AND provider = 'aws' "
                    + "AND instance_key = 'i-old'"
            ).map { $0["detail"] as String }
        }
        #expect(plan == ["SEARCH instance USING INDEX instance_by_key_hash (key_hash=?)"])
        let viewed = try store.queue.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT provider, CAST(instance_key AS BLOB), instance_private_ip FROM invocation_view ORDER BY id"
            ).map { spelledOut($0, keyAt: 1) }
        }
        #expect(
            viewed == [
                "\"aws\" i-old \"10.0.0.1\"", "\"google\" i-old NULL", "\"aws\" i-old \"10.0.0.1\"",
                "\"aws\" nul<NUL>inside NULL",
            ])
    }

    /// Family and version of the runtime ids probes write.
    @Test func runtimeNamesSplitIntoFamilyAndVersion() {
        let cases: [(String, String, String?)] = [
            ("python312", "python", "3.12"), ("python3.12", "python", "3.12"), ("python2.7", "python", "2.7"),
            ("python39", "python", "3.9"), ("nodejs20x", "nodejs", "20.x"), ("nodejs6.10", "nodejs", "6.10"),
            ("java8_al2", "java", "8"), ("java25", "java", "25"), ("dotnet8_aot_on_provided_al2023", "dotnet", "8"),
            ("bun", "bun", nil), ("bun_layer", "bun", nil), ("go1x", "go", "1.x"), ("ruby33", "ruby", "3.3"),
            ("Java", "java", nil), ("cpp11_on_provided_al2", "cpp", "11"),
        ]
        for (id, family, version) in cases {
            let name = RuntimeName(id)
            #expect(name?.family == family && name?.version == version, "\(id): \(String(describing: name))")
        }
        #expect(RuntimeName("3.12") == nil && RuntimeName("") == nil)
    }
}

/// A row's values spelled out, the instance key (read as a blob: GRDB reads text up to a NUL) as text
/// with its NULs shown.
private func spelledOut(_ row: Row, keyAt column: Int) -> String {
    var values: [String] = row.databaseValues.map(\.description)
    values[column] = String(decoding: row[column] as Data, as: UTF8.self).replacingOccurrences(of: "\0", with: "<NUL>")
    return values.joined(separator: " ")
}
