import Foundation
import GRDB
import Store
import Testing

/// A record of one invocation with an instance and a VM.
private func record(instance: String, request: String, sent: Double) -> InvocationRecord {
    var record = InvocationRecord()
    record.provider = "aws"
    record.functionName = "f"
    record.instanceID = instance
    record.requestID = request
    record.vmID = "vm-1"
    record.instanceIDIsFirstRequestID = true  // as in faas_measure logs
    record.requestSentMs = sent
    record.responseReceivedMs = sent + 100
    return record
}

/// A class: each test gets an instance, whose store is removed with it.
@Suite final class StoreWriterTests {
    private let path = NSTemporaryDirectory() + "store-test-" + UUID().uuidString + ".sqlite"

    deinit {
        for suffix in ["", "-journal", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    private struct ReadFailed: Error {}

    /// Writes each file's records into snapshot "s" (content hash: the file's position).
    private func write(_ store: Store, _ files: [(path: String, records: [InvocationRecord])]) throws {
        try store.queue.inDatabase { db in
            let writer = try StoreWriter(db)
            let snapshot = try writer.snapshotID(named: "s")
            for (index, file) in files.enumerated() {
                _ = try writer.writeFile(
                    snapshotID: snapshot, path: file.path, format: "x", sizeBytes: Int64(index + 1)
                ) { sink in
                    for (line, record) in file.records.enumerated() { try sink.add(record, line: line + 1) }
                    return String(index + 1)
                }
            }
        }
    }

    @Test func schemaHasEveryTableAndTheColdRules() throws {
        let store = try Store(path: path)
        let tables = try store.queue.read {
            try String.fetchAll(
                $0,
                sql:
                    "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'grdb%' ORDER "
                    + "BY name"
            )
        }
        #expect(
            tables == [
                "analysis", "analysis_stage", "cold_rule", "cpu_model", "cpu_sample", "experiment", "function",
                "instance", "invocation", "invocation_view",
                "io_sample", "metric", "metric_sample", "metric_series", "net_sample", "rejected_record", "snapshot",
                "source_file",
                "source_file_cold_rule", "vm",
            ])
        let rules = try store.queue.read { try String.fetchAll($0, sql: "SELECT name FROM cold_rule ORDER BY id") }
        #expect(rules == Schema.ColdRule.allCases.map(\.name))
    }

    @Test func aFileThatFailsMidwayLeavesNothing() throws {
        let store = try Store(path: path)
        try store.queue.inDatabase { db in
            let writer = try StoreWriter(db)
            let snapshot = try writer.snapshotID(named: "s")
            #expect(throws: ReadFailed.self) {
                try writer.writeFile(snapshotID: snapshot, path: "broken.log", format: "faas-measure", sizeBytes: 10) {
                    sink in
                    try sink.add(record(instance: "i-1", request: "i-1", sent: 1000), line: 1)
                    try sink.reject(line: 2, reason: "bad")
                    throw ReadFailed()
                }
            }
            // The dimension caches forgot the rolled-back ids: a later file re-creates the rows.
            let outcome = try writer.writeFile(
                snapshotID: snapshot, path: "good.log", format: "faas-measure", sizeBytes: 10
            ) { sink in
                try sink.add(record(instance: "i-1", request: "r-2", sent: 2000), line: 1)
                return "hash-of-good"
            }
            #expect(outcome == .ingested(records: 1, rejected: 0))
        }
        let counts = try store.queue.read { db in
            try ["source_file", "invocation", "instance", "vm", "function", "rejected_record"].map {
                try Int.fetchOne(db, sql: "SELECT count(*) FROM \($0)")!
            }
        }
        #expect(counts == [1, 1, 1, 1, 1, 0])
        #expect(try store.queue.read { try Row.fetchAll($0, sql: "PRAGMA foreign_key_check") }.isEmpty)
    }

    /// Invocations go several to an INSERT statement, with their ids known beforehand for their samples:
    /// runs of every size around the statement's (announced or not, after a file that failed with rows
    /// bound and unwritten) store every row once, in order, each sample with its own invocation.
    @Test func invocationsWrittenSeveralToAStatementKeepTheirOrderAndSamples() throws {
        let store = try Store(path: path)
        let runs = [37, 16, 1, 0, 15, 17]
        try store.queue.inDatabase { db in
            let writer = try StoreWriter(db)
            let snapshot = try writer.snapshotID(named: "s")
            #expect(throws: ReadFailed.self) {
                try writer.writeFile(snapshotID: snapshot, path: "broken.log", format: "x", sizeBytes: 1) { sink in
                    sink.expect(invocations: 20)
                    for line in 1...18 {
                        try sink.add(record(instance: "i-\(line)", request: "r", sent: 1), line: line)
                    }
                    throw ReadFailed()
                }
            }
            for (file, unannounced) in [(1, false), (2, true)] {
                let outcome = try writer.writeFile(
                    snapshotID: snapshot, path: "\(file).log", format: "x", sizeBytes: Int64(file)
                ) { sink in
                    var line = 0
                    for run in runs {
                        if !unannounced { sink.expect(invocations: run) }
                        for _ in 0..<run {
                            line += 1
                            var r = record(instance: "i-\(line % 7)", request: "r-\(file)-\(line)", sent: Double(line))
                            if line % 3 == 0 {
                                r.cpuTest = .init(timestamps: line, distinctMs: file, firstMs: 0, lastMs: 1)
                            }
                            try sink.add(r, line: line)
                        }
                    }
                    return "hash-\(file)"
                }
                #expect(outcome == .ingested(records: runs.reduce(0, +), rejected: 0))
            }
            // Fewer invocations than announced: refused whole, nothing of it stored.
            #expect(throws: StoreError.self) {
                try writer.writeFile(snapshotID: snapshot, path: "short.log", format: "x", sizeBytes: 3) { sink in
                    sink.expect(invocations: 5)
                    for line in 1...3 { try sink.add(record(instance: "i-1", request: "x", sent: 1), line: line) }
                    return "hash-short"
                }
            }
        }
        let total = runs.reduce(0, +)
        try store.queue.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: "SELECT i.id, i.line, i.request_id, f.path FROM invocation i JOIN source_file f "
                    + "ON f.id = i.source_file_id ORDER BY i.id")
            #expect(rows.map { $0["id"] as Int64 } == (1...Int64(2 * total)).map { $0 })
            let expected = [1, 2].flatMap { file in (1...total).map { "\(file).log r-\(file)-\($0)" } }
            #expect(rows.map { "\($0["path"] as String) \($0["request_id"] as String)" } == expected)
            let samples = try Row.fetchAll(
                db,
                sql: "SELECT c.timestamps, c.distinct_ms, i.line, f.path FROM cpu_sample c "
                    + "JOIN invocation i ON i.id = c.invocation_id JOIN source_file f ON f.id = i.source_file_id "
                    + "ORDER BY c.rowid")
            #expect(samples.count == 2 * (total / 3))
            for sample in samples {
                #expect(sample["timestamps"] as Int == sample["line"] as Int)
                #expect("\(sample["distinct_ms"] as Int).log" == sample["path"] as String)
            }
        }
    }

    /// A new instance is inserted at first sight; one already stored (by an earlier ingest, so not in this
    /// writer's cache) keeps its row and id.
    @Test func anInstanceStoredEarlierKeepsItsRowAndID() throws {
        // Each ingest run has a writer of its own, whose cache starts empty.
        for (file, instance, request) in [("a", "i-1", "i-1"), ("b", "i-2", "i-2"), ("c", "i-1", "r-3")] {
            try Store(path: path).queue.inDatabase { db in
                let writer = try StoreWriter(db)
                let snapshot = try writer.snapshotID(named: "s")
                _ = try writer.writeFile(snapshotID: snapshot, path: file, format: "x", sizeBytes: 1) { sink in
                    try sink.add(record(instance: instance, request: request, sent: 1000), line: 1)
                    return file
                }
            }
        }
        let rows = try Store(path: path).queue.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT i.request_id, n.id, n.instance_key FROM invocation i "
                    + "JOIN instance n ON n.id = i.instance_id ORDER BY i.id")
        }
        #expect(
            rows.map { "\($0[0] as String) \($0[1] as Int64) \($0[2] as String)" } == [
                "i-1 1 i-1", "i-2 2 i-2", "r-3 1 i-1",
            ])
        #expect(try Store(path: path).queue.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM instance") } == 2)
    }

    /// Freed pages are not zeroed (secure_delete FAST, 2; Debian's SQLite defaults to 1): replacing a
    /// large analysis would otherwise write its old samples again as zeros.
    @Test func deletedPagesAreNotZeroed() throws {
        let store = try Store(path: path)
        #expect(try store.queue.read { try Int.fetchOne($0, sql: "PRAGMA secure_delete") } == 2)
    }

    /// A file of 32 MiB or more goes under a rollback journal with full syncs, unless another connection
    /// has the store open; WAL and normal syncs before and after, and smaller files through the WAL.
    @Test func largeFilesLeaveTheWALWhenNoOtherConnectionHasTheStore() throws {
        let store = try Store(path: path)
        func modes(_ db: Database) throws -> String {
            try "\(String.fetchOne(db, sql: "PRAGMA journal_mode")!) \(Int.fetchOne(db, sql: "PRAGMA synchronous")!)"
        }
        func write(_ db: Database, _ writer: StoreWriter, size: Int64) throws -> String {
            var during = ""
            _ = try writer.writeFile(snapshotID: 1, path: "\(size).log", format: "x", sizeBytes: size) { sink in
                during = try modes(db)
                try sink.add(record(instance: "i-\(size)", request: "r", sent: 1), line: 1)
                return "hash-\(size)"
            }
            return during
        }
        try store.queue.inDatabase { db in
            let writer = try StoreWriter(db)
            _ = try writer.snapshotID(named: "s")
            #expect(try modes(db) == "wal 1")
            #expect(try write(db, writer, size: 32 << 20) == "delete 2")
            #expect(try modes(db) == "wal 1")
            #expect(try write(db, writer, size: 1 << 20) == "wal 1")
            let other = try Store(path: path)
            let shared = try withExtendedLifetime(other) { try write(db, writer, size: 40 << 20) }
            #expect(shared == "wal 1")
            #expect(try modes(db) == "wal 1")
        }
        #expect(try store.queue.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM invocation") } == 3)
    }

    /// A large file's write interrupted by a crash leaves its rollback journal: the database and its
    /// journal are copied as the crash would leave them, and a read-only open still reads the store as
    /// it was before that file.
    @Test func aReadOnlyOpenRollsBackAnInterruptedLargeFile() throws {
        let store = try Store(path: path)
        let copy = path + "-crashed.sqlite"
        defer {
            for suffix in ["", "-journal", "-wal", "-shm"] {
                try? FileManager.default.removeItem(atPath: copy + suffix)
            }
        }
        try store.queue.inDatabase { db in
            let writer = try StoreWriter(db)
            let snapshot = try writer.snapshotID(named: "s")
            _ = try writer.writeFile(snapshotID: snapshot, path: "small.log", format: "x", sizeBytes: 1) { sink in
                try sink.add(record(instance: "i-0", request: "r", sent: 1), line: 1)
                return "small"
            }
            try db.execute(sql: "PRAGMA cache_size = 4")  // pages reach the file early
            #expect(throws: ReadFailed.self) {
                try writer.writeFile(snapshotID: snapshot, path: "big.log", format: "x", sizeBytes: 32 << 20) { sink in
                    for line in 1...5_000 {
                        try sink.add(record(instance: "i-\(line)", request: "r", sent: 1), line: line)
                    }
                    try FileManager.default.copyItem(atPath: path, toPath: copy)
                    try FileManager.default.copyItem(atPath: path + "-journal", toPath: copy + "-journal")
                    throw ReadFailed()
                }
            }
        }
        let reader = try Store(readOnlyPath: copy)
        #expect(try reader.queue.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM invocation") } == 1)
        #expect(!FileManager.default.fileExists(atPath: copy + "-journal"))
    }

    @Test func sameHashInTheSameSnapshotIsADuplicate() throws {
        let store = try Store(path: path)
        try store.queue.inDatabase { db in
            let writer = try StoreWriter(db)
            let snapshot = try writer.snapshotID(named: "s")
            let write = {
                try writer.writeFile(snapshotID: snapshot, path: "a.log", format: "faas-measure", sizeBytes: 1) {
                    sink in
                    try sink.add(record(instance: "i-1", request: "i-1", sent: 1000), line: 1)
                    return "same"
                }
            }
            #expect(try write() == .ingested(records: 1, rejected: 0))
            #expect(try write() == .duplicate)
            // Another snapshot may hold the same content.
            let other = try writer.snapshotID(named: "t")
            #expect(
                try writer.writeFile(snapshotID: other, path: "a.log", format: "faas-measure", sizeBytes: 1) { _ in
                    "same"
                }
                    == .ingested(records: 0, rejected: 0))
        }
        #expect(try store.queue.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM invocation") } == 1)
    }

    @Test func firstAndLastSeenWidenAcrossFiles() throws {
        let store = try Store(path: path)
        try write(
            store,
            [
                ("later.log", [record(instance: "i-1", request: "r-9", sent: 9000)]),
                (
                    "earlier.log",
                    [
                        record(instance: "i-1", request: "i-1", sent: 1000),
                        record(instance: "i-1", request: "r-5", sent: 5000),
                    ]
                ),
            ])
        let seen = try store.queue.read { db in
            try ["instance", "vm"].map { try Row.fetchOne(db, sql: "SELECT first_seen_ms, last_seen_ms FROM \($0)")! }
        }
        for row in seen {
            #expect(row[0] == 1000.0 && row[1] == 9100.0)
        }
    }

    /// Each file's invocations per cold-start rule and its request-time span, kept as it is written;
    /// a store from before (schema v5) gets them from its invocations when it is opened.
    @Test func fileTalliesMatchTheInvocations() throws {
        var store = try Store(path: path)
        var unknown = record(instance: "i-2", request: "", sent: 7000)
        unknown.requestID = nil  // no rule applies
        try write(
            store,
            [
                (
                    "a.log",
                    [
                        record(instance: "i-1", request: "i-1", sent: 3000),  // cold by the id rule
                        record(instance: "i-1", request: "r-2", sent: 1000),  // warm by the id rule
                        unknown,
                    ]
                )
            ])
        let expected: [[Int]] = [[0, 1], [1, 2]]  // rule 0 (unknown): 1 invocation; rule 1 (ids): 2
        func tallies(_ store: Store) throws -> ([[Int]], Double?, Double?) {
            try store.queue.read { db in
                let rules = try Row.fetchAll(
                    db, sql: "SELECT cold_rule_id, invocations FROM source_file_cold_rule ORDER BY 1"
                ).map { [$0[0] as Int, $0[1] as Int] }
                let span = try Row.fetchOne(db, sql: "SELECT first_sent_ms, last_sent_ms FROM source_file")!
                return (rules, span[0], span[1])
            }
        }
        let written = try tallies(store)
        #expect(written.0 == expected && written.1 == 1000 && written.2 == 7000)
        // The v6 migration fills them in for files written before it.
        try store.queue.write { db in
            try db.execute(
                sql: """
                    DELETE FROM source_file_cold_rule; UPDATE source_file SET first_sent_ms = NULL, last_sent_ms = NULL;
                    DELETE FROM grdb_migrations WHERE identifier LIKE 'v6:%';
                    ALTER TABLE source_file DROP COLUMN first_sent_ms; ALTER TABLE source_file DROP COLUMN last_sent_ms;
                    DROP TABLE source_file_cold_rule;
                    """)
        }
        store = try Store(path: path)
        let migrated = try tallies(store)
        #expect(migrated.0 == expected && migrated.1 == 1000 && migrated.2 == 7000)
    }

    /// docs/analyses.md, "Data quality": each flag counted per file as written, the same count the
    /// analyses' SQL filter finds, and filled in by the v10 migration for files written before it.
    @Test func qualityFlagsCountedPerFileAndAgreeWithTheFilter() throws {
        var store = try Store(path: path)
        var records: [InvocationRecord] = []
        // (sent, start, round trip, duration): start before sent twice, duration over round trip once,
        // both once; missing values raise nothing.
        let cases: [(Double?, Double?, Double?, Double?)] = [
            (1000, 1100, 300, 100), (1000, 990, 300, 100), (1000, 999.5, nil, nil), (1000, 1100, 50, 80),
            (1000, 900, 50, 80), (nil, 900, 50, nil), (1000, nil, nil, 80), (1000, 1000, 80, 80),
        ]
        for (index, (sent, start, roundTrip, duration)) in cases.enumerated() {
            var record = record(instance: "i-\(index)", request: "i-\(index)", sent: sent ?? 0)
            record.requestSentMs = sent
            record.responseReceivedMs = nil
            record.functionStartMs = start
            record.roundTripMs = roundTrip
            record.functionDurationMs = duration
            records.append(record)
        }
        try write(store, [("a.log", records)])
        #expect(records.filter { QualityFlag.startBeforeSent.isRaised(by: $0) }.count == 3)
        #expect(records.filter { QualityFlag.durationOverRoundTrip.isRaised(by: $0) }.count == 2)
        func counts(_ store: Store) throws -> [Int] {
            try store.queue.read { db in
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT start_before_sent, duration_over_round_trip,
                               (SELECT count(*) FROM invocation i WHERE NOT \(QualityFlag.unflaggedCondition))
                        FROM source_file
                        """)!
                return [row[0], row[1], row[2]]
            }
        }
        #expect(try counts(store) == [3, 2, 4])  // four records carry a flag, one of them both
        try store.queue.write { db in
            try db.execute(
                sql: """
                    DELETE FROM grdb_migrations WHERE identifier LIKE 'v10:%';
                    ALTER TABLE source_file DROP COLUMN start_before_sent;
                    ALTER TABLE source_file DROP COLUMN duration_over_round_trip;
                    """)
        }
        store = try Store(path: path)
        #expect(try counts(store) == [3, 2, 4])
    }

    @Test func readOnlyStoreRefusesWrites() throws {
        _ = try Store(path: path)
        let readOnly = try Store(readOnlyPath: path)
        #expect(throws: DatabaseError.self) {
            try readOnly.queue.read { try $0.execute(sql: "DELETE FROM snapshot") }
        }
        #expect(throws: StoreOpenError.self) { try Store(readOnlyPath: path + ".missing") }
    }
}
