import Foundation
import GRDB
import Store
import Testing

/// A store written before metric parameters were columns (schema v6) opens, migrates, and reads back
/// every metric row with the same id, dimensions, statistic, value, CI and sample.
@Suite struct MigrationTests {
    @Test func metricRowsKeepTheirValuesThroughV7() throws {
        let path = NSTemporaryDirectory() + "migration-" + UUID().uuidString + ".sqlite"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let old = try DatabaseQueue(path: path)
        try Schema.migrator.migrate(old, upTo: "v6: per-file invocation tallies")
        try old.write { db in
            try db.execute(sql: "INSERT INTO snapshot (id, name, created_at) VALUES (1, 'old', '2026-01-01T00:00:00Z')")
            try db.execute(
                sql: """
                    INSERT INTO metric (id, snapshot_id, metric, provider, runtime, memory_mb, setting, statistic, value, unit, n, ci_low, ci_high, source)
                    VALUES (1, 1, 'coldstart.latency_ms', 'aws', 'python2.7', 128, 'cold starts, experiment=coldstart', 'median',
                            167.25, 'ms', 3, 150.5, 180.125, 'analyze'),
                           (2, 1, 'scalability.instances_per_request', 'aws', NULL, NULL, 'concurrency=20', 'mean', 0.95, 'fraction', 40,
                            NULL, NULL, 'analyze'),
                           (3, 1, 'lifetime.instance_minutes', 'google', NULL, 2048, 'interval=60s', 'p90', 351.1, 'minutes', 12,
                            NULL, NULL, 'seed');
                    INSERT INTO metric_sample (metric_id, n, sorted_values) VALUES (1, 3, '[150.5,167.25,180.125]');
                    """)
        }
        try old.close()
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
}
