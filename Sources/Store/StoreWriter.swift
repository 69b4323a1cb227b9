import GRDB

/// Writes source files into the store, one transaction per file: a file is either fully in (its
/// `source_file` row, invocations, samples and rejects) or not at all.
///
/// Create one per ingest run inside `Store.queue.inDatabase`; it prepares its statements once.
public final class StoreWriter {
    private let db: Database
    private let dimensions: Dimensions
    private let invocations: InvocationInserter
    private let insertCPUSample, insertIOSample, insertNetSample: PreparedStatement
    private let insertReject: PreparedStatement
    private let insertMetric: MetricInserter
    private let widenInstance, widenVM: PreparedStatement
    /// First and last seen times of the instances and VMs the current file touched, written to their
    /// rows before the file commits (and whenever the map grows large, so memory stays bounded).
    /// Both updated for every invocation by the one thread that writes: no runtime access checks.
    @exclusivity(unchecked) private var seen = SeenTimes()
    /// Invocations per cold-start rule and the request-time span of the current file.
    @exclusivity(unchecked) private var tally = FileTally()

    public init(_ db: Database) throws {
        self.db = db
        dimensions = try Dimensions(db)
        invocations = InvocationInserter(db)
        insertCPUSample = try PreparedStatement(
            db,
            """
            INSERT INTO cpu_sample (invocation_id, timestamps, distinct_ms, first_ms, last_ms)
            VALUES (?1, ?2, ?3, ?4, ?5)
            """)
        insertIOSample = try PreparedStatement(
            db,
            """
            INSERT INTO io_sample (invocation_id, round_no, seconds, throughput_mb_s) VALUES (?1, ?2, ?3, ?4)
            """)
        insertNetSample = try PreparedStatement(
            db,
            """
            INSERT INTO net_sample (invocation_id, bandwidth_bps, rtt_mean_ms, rtt_min_ms, rtt_max_ms)
            VALUES (?1, ?2, ?3, ?4, ?5)
            """)
        insertReject = try PreparedStatement(
            db,
            """
            INSERT INTO rejected_record (snapshot_id, source_file_id, path, line, reason, raw)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6)
            """)
        insertMetric = try MetricInserter(db)
        widenInstance = try PreparedStatement(db, Self.widen("instance"))
        widenVM = try PreparedStatement(db, Self.widen("vm"))
    }

    private static func widen(_ table: String) -> String {
        """
        UPDATE \(table) SET
            first_seen_ms = CASE WHEN ?2 IS NOT NULL AND (first_seen_ms IS NULL OR ?2 < first_seen_ms) THEN ?2 ELSE \
        first_seen_ms END,
            last_seen_ms = CASE WHEN ?3 IS NOT NULL AND (last_seen_ms IS NULL OR ?3 > last_seen_ms) THEN ?3 ELSE \
        last_seen_ms END
        WHERE id = ?1
        """
    }

    /// The id of the named snapshot, created with `description` if it does not exist yet. Throws
    /// `SnapshotNameError` for a name outside the rule of `SnapshotName`.
    public func snapshotID(named name: String, description: String? = nil) throws -> Int64 {
        _ = try SnapshotName.validated(name)
        if let id = try Int64.fetchOne(db, sql: "SELECT id FROM snapshot WHERE name = ?", arguments: [name]) {
            return id
        }
        try db.execute(
            sql: "INSERT INTO snapshot (name, description, created_at) VALUES (?, ?, ?)",
            arguments: [name, description, Timestamp.now()])
        return db.lastInsertedRowID
    }

    /// Whether the snapshot already holds a file of exactly this size (only then is a content
    /// hash needed before reading: equal content implies equal size).
    public func hasFile(snapshotID: Int64, sizeBytes: Int64) throws -> Bool {
        try Bool.fetchOne(
            db, sql: "SELECT EXISTS (SELECT 1 FROM source_file WHERE snapshot_id = ? AND size_bytes = ?)",
            arguments: [snapshotID, sizeBytes]) ?? false
    }

    public func hasFile(snapshotID: Int64, sha256: String) throws -> Bool {
        try storedRejects(snapshotID: snapshotID, sha256: sha256) != nil
    }

    /// How many records the snapshot's copy of this content had rejected, or nil when it holds none.
    public func storedRejects(snapshotID: Int64, sha256: String) throws -> Int? {
        try Int.fetchOne(
            db, sql: "SELECT rejected FROM source_file WHERE snapshot_id = ? AND sha256 = ? LIMIT 1",
            arguments: [snapshotID, sha256])
    }

    public enum FileOutcome: Equatable, Sendable {
        case ingested(records: Int, rejected: Int)
        /// The content was already in the snapshot; nothing was written.
        case duplicate
    }

    /// Writes one file in one transaction. `read` streams the file's records into the sink and
    /// returns the SHA-256 of the bytes it read; if that content is already in the snapshot the
    /// transaction rolls back and the outcome is `.duplicate`. Any error thrown rolls it back too.
    public func writeFile(
        snapshotID: Int64, path: String, format: String, sizeBytes: Int64, simulatedProfile: String? = nil,
        simulationTruth: String? = nil, aggregate: RecordAggregate? = nil, read: (FileSink) throws -> String
    ) throws -> FileOutcome {
        var outcome = FileOutcome.duplicate
        let direct = chooseJournal(sizeBytes: sizeBytes)
        defer { if direct { leaveRollbackJournal() } }
        do {
            try db.inTransaction(.immediate) {
                try db.execute(
                    sql: """
                        INSERT INTO source_file (snapshot_id, path, sha256, format, size_bytes, records, rejected,
                                                 ingested_at, simulated_profile, simulation_truth, aggregate_statistic,
                                                 aggregate_period_s)
                        VALUES (?, ?, 'pending', ?, ?, 0, 0, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        snapshotID, path, format, sizeBytes, Timestamp.now(), simulatedProfile, simulationTruth,
                        aggregate?.statistic, aggregate?.periodSeconds,
                    ])
                let sink = FileSink(writer: self, snapshotID: snapshotID, fileID: db.lastInsertedRowID, path: path)
                tally = FileTally()
                try invocations.start()
                let sha256 = try read(sink)
                guard invocations.isFlushed else { throw StoreError.unwrittenRows(path: path) }
                if try hasFile(snapshotID: snapshotID, sha256: sha256) { return .rollback }
                try writeSeenTimes()
                try db.execute(
                    sql:
                        "UPDATE source_file SET sha256 = ?, records = ?, rejected = ?, first_sent_ms = ?, "
                        + "last_sent_ms = ? WHERE id = ?",
                    arguments: [sha256, sink.records, sink.rejected, tally.firstSentMs, tally.lastSentMs, sink.fileID])
                try db.execute(
                    sql: "UPDATE source_file SET start_before_sent = ?, duration_over_round_trip = ? WHERE id = ?",
                    arguments: [
                        tally.flagged[QualityFlag.startBeforeSent.rawValue],
                        tally.flagged[QualityFlag.durationOverRoundTrip.rawValue], sink.fileID,
                    ])
                for (rule, invocations) in tally.invocationsByRule.enumerated() where invocations > 0 {
                    try db.execute(
                        sql:
                            "INSERT INTO source_file_cold_rule (source_file_id, cold_rule_id, invocations) VALUES "
                            + "(?, ?, ?)",
                        arguments: [sink.fileID, rule, invocations])
                }
                // A file that failed to open earlier and now reads leaves its old file-level reject behind.
                try db.execute(
                    sql: "DELETE FROM rejected_record WHERE snapshot_id = ? AND path = ? AND source_file_id IS NULL",
                    arguments: [snapshotID, path])
                outcome = .ingested(records: sink.records, rejected: sink.rejected)
                return .commit
            }
        } catch {
            forgetFile()
            throw error
        }
        if outcome == .duplicate { forgetFile() }
        return outcome
    }

    /// After a rollback: the dimension ids cached and the first/last seen times gathered may belong to
    /// rows that no longer exist.
    private func forgetFile() {
        dimensions.forget()
        seen = SeenTimes()
    }

    /// Whether a large file (32 MiB or more) is written straight into the database file, under a rollback
    /// journal, rather than through the WAL: through the WAL every page was written twice (to the WAL,
    /// then copied into the database by the checkpoint at commit, alone on the thread that bounds the
    /// ingest: a sixth of a 1M-line ingest), and a page new to the file needs no journal. Only when no
    /// other connection has the store open: SQLite then refuses to leave WAL ("database is locked"), and
    /// the file goes through the WAL. Readers that open the store meanwhile wait for the commit
    /// (docs/schema.md). A smaller file goes through the WAL, which is also set again here should an
    /// earlier return to it have failed (a reader held the store then).
    private func chooseJournal(sizeBytes: Int64) -> Bool {
        guard sizeBytes >= 32 << 20 else {
            _ = try? String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
            return false
        }
        guard (try? String.fetchOne(db, sql: "PRAGMA journal_mode = DELETE")) == "delete" else { return false }
        // NORMAL is power-safe under WAL only; under a rollback journal it takes FULL (a few more syncs).
        _ = try? db.execute(sql: "PRAGMA synchronous = FULL")
        return true
    }

    /// After a file written directly: back to WAL and NORMAL syncs. A failure here leaves the file
    /// stored; the next file (and the next open of the store) sets WAL again.
    private func leaveRollbackJournal() {
        _ = try? String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
        _ = try? db.execute(sql: "PRAGMA synchronous = NORMAL")
    }

    /// Records that a whole file could not be used (unreadable, not a measurement format), once per
    /// snapshot, path and reason.
    public func rejectFile(snapshotID: Int64, path: String, reason: String) throws {
        let known =
            try Bool.fetchOne(
                db,
                sql: """
                    SELECT EXISTS (SELECT 1 FROM rejected_record
                    WHERE snapshot_id = ? AND path = ? AND source_file_id IS NULL AND reason = ?)
                    """,
                arguments: [snapshotID, path, reason]) ?? false
        guard !known else { return }
        try db.execute(
            sql:
                "INSERT INTO rejected_record (snapshot_id, source_file_id, path, line, reason) VALUES (?, NULL, ?, "
                + "NULL, ?)",
            arguments: [snapshotID, path, reason])
    }

    /// Writes the first/last seen times gathered since the last write into the instance and VM rows.
    private func writeSeenTimes() throws {
        for (statement, times) in [(widenInstance, seen.instances), (widenVM, seen.vms)] {
            // In id order: rows that share a page are written together.
            for (id, range) in times.sorted(by: { $0.key < $1.key }) {
                statement.bind(id, at: 1)
                // Never seen (infinite) binds NULL, which leaves the column as it is.
                statement.bind(range.first, at: 2)
                statement.bind(range.last, at: 3)
                try statement.execute()
            }
        }
        seen = SeenTimes()
    }

    @discardableResult
    fileprivate func insert(
        _ record: InvocationRecord, keys: DimensionKeys, line: Int, snapshotID: Int64, fileID: Int64
    ) throws -> Int64 {
        let functionID = try dimensions.functionID(keys.function)
        let cpuModelID = try dimensions.cpuModelID(keys.cpuModel)
        let vmID = try dimensions.vmID(keys.vm, record, cpuModelID: cpuModelID)
        let instanceID = try dimensions.instanceID(keys.instance, record, functionID: functionID, vmID: vmID)
        let experimentID = try dimensions.experimentID(keys.experiment)
        let (isCold, rule) = record.coldClassification
        tally.add(rule: rule, sentMs: record.requestSentMs)
        tally.add(flagsOf: record)

        let (s, offset, invocationID) = try invocations.nextRow()
        s.bind(snapshotID, at: offset + 1)
        s.bind(fileID, at: offset + 2)
        s.bind(line, at: offset + 3)
        s.bind(functionID, at: offset + 4)
        s.bind(instanceID, at: offset + 5)
        s.bind(vmID, at: offset + 6)
        s.bind(experimentID, at: offset + 7)
        s.bind(record.requestID, at: offset + 8)
        s.bind(record.roundNo, at: offset + 9)
        s.bind(record.batchNo, at: offset + 10)
        s.bind(record.batchSize, at: offset + 11)
        s.bind(record.workerNo, at: offset + 12)
        s.bind(record.intervalSeconds, at: offset + 13)
        s.bind(record.delaySeconds, at: offset + 14)
        s.bind(record.requestSentMs, at: offset + 15)
        s.bind(record.responseReceivedMs, at: offset + 16)
        s.bind(record.roundTripMs, at: offset + 17)
        s.bind(record.functionStartMs, at: offset + 18)
        s.bind(record.functionEndMs, at: offset + 19)
        s.bind(record.functionDurationMs, at: offset + 20)
        s.bind(record.initDurationMs, at: offset + 21)
        s.bind(isCold, at: offset + 22)
        s.bind(rule.rawValue, at: offset + 23)
        s.bind(record.vmUptimeSeconds, at: offset + 24)
        s.bind(record.vmIdleSeconds, at: offset + 25)
        s.bind(record.ncpu, at: offset + 26)
        s.bind(cpuModelID, at: offset + 27)
        s.bind(record.reportedVersion, at: offset + 28)
        s.bind(record.expectedVersion, at: offset + 29)
        s.bind(record.factorialMs, at: offset + 30)
        s.bind(record.error == nil ? "ok" : "error", at: offset + 31)
        s.bind(record.error, at: offset + 32)
        s.bind(record.extra, at: offset + 33)
        try invocations.rowBound()
        // First seen: the request (else the function's start); last seen: the response (else the request, else the
        // function's end).
        let first = record.requestSentMs ?? record.functionStartMs ?? .infinity
        let last = record.responseReceivedMs ?? record.requestSentMs ?? record.functionEndMs ?? -.infinity
        if first.isFinite || last.isFinite {
            if let instanceID { seen.widen(instance: instanceID, first, last) }
            if let vmID { seen.widen(vm: vmID, first, last) }
            if seen.count >= SeenTimes.limit { try writeSeenTimes() }
        }

        if let cpu = record.cpuTest {
            insertCPUSample.bind(invocationID, at: 1)
            insertCPUSample.bind(cpu.timestamps, at: 2)
            insertCPUSample.bind(cpu.distinctMs, at: 3)
            insertCPUSample.bind(cpu.firstMs, at: 4)
            insertCPUSample.bind(cpu.lastMs, at: 5)
            try insertCPUSample.execute()
        }
        for (index, round) in record.ioRounds.enumerated() {
            insertIOSample.bind(invocationID, at: 1)
            insertIOSample.bind(index + 1, at: 2)
            insertIOSample.bind(round.seconds, at: 3)
            insertIOSample.bind(round.throughputMBs, at: 4)
            try insertIOSample.execute()
        }
        if let net = record.network {
            insertNetSample.bind(invocationID, at: 1)
            insertNetSample.bind(net.bandwidthBps, at: 2)
            insertNetSample.bind(net.rttMeanMs, at: 3)
            insertNetSample.bind(net.rttMinMs, at: 4)
            insertNetSample.bind(net.rttMaxMs, at: 5)
            try insertNetSample.execute()
        }
        return invocationID
    }

    fileprivate func expect(invocations count: Int) {
        invocations.expect(count)
    }

    fileprivate func insert(_ row: Metric, snapshotID: Int64) throws {
        try insertMetric.insert(row, snapshotID: snapshotID, source: row.source)
    }

    fileprivate func insertReject(
        snapshotID: Int64, fileID: Int64, path: String, line: Int?, reason: String, raw: String?
    ) throws {
        insertReject.bind(snapshotID, at: 1)
        insertReject.bind(fileID, at: 2)
        insertReject.bind(path, at: 3)
        insertReject.bind(line, at: 4)
        insertReject.bind(reason, at: 5)
        insertReject.bind(raw, at: 6)
        try insertReject.execute()
    }
}

/// Where a reader puts what it parsed from one file. Every call writes at once (streaming).
public final class FileSink {
    /// Raw text kept with a reject, at most this many bytes.
    public static let rawLimit = 200

    /// At most `rawLimit` bytes of a reject's text (cut at a character boundary when the byte cut is not one).
    public static func truncated(_ raw: String) -> String {
        String(raw.utf8.prefix(rawLimit)) ?? String(raw.prefix(rawLimit))
    }

    private let writer: StoreWriter
    let snapshotID: Int64
    let fileID: Int64
    public let path: String
    public private(set) var records = 0
    public private(set) var rejected = 0

    fileprivate init(writer: StoreWriter, snapshotID: Int64, fileID: Int64, path: String) {
        self.writer = writer
        self.snapshotID = snapshotID
        self.fileID = fileID
        self.path = path
    }

    public func add(_ record: InvocationRecord, line: Int) throws {
        try add(record, keys: DimensionKeys(record), line: line)
    }

    /// Announces that the next `count` additions are invocations, which then go several to an INSERT
    /// statement (`InvocationInserter`); all of them must be added before the file ends.
    public func expect(invocations count: Int) {
        writer.expect(invocations: count)
    }

    /// Adds a record whose dimension keys were made beforehand (on the parsing thread).
    public func add(_ record: InvocationRecord, keys: DimensionKeys, line: Int) throws {
        try writer.insert(record, keys: keys, line: line, snapshotID: snapshotID, fileID: fileID)
        records += 1
    }

    /// Adds a metric row read from a file (a snapshot of published numbers); counts as a record.
    public func add(_ metric: Metric) throws {
        try writer.insert(metric, snapshotID: snapshotID)
        records += 1
    }

    /// Rejects a record (`line` nil: the file as a whole) with a reason a person can act on.
    public func reject(line: Int?, reason: String, raw: String? = nil) throws {
        try writer.insertReject(
            snapshotID: snapshotID, fileID: fileID, path: path, line: line, reason: reason,
            raw: raw.map(Self.truncated))
        rejected += 1
    }
}

/// What the source_file row keeps about a file's invocations: how many each cold-start rule decided,
/// and the earliest and latest request sent.
struct FileTally {
    private(set) var invocationsByRule = [Int](repeating: 0, count: Schema.ColdRule.allCases.count)
    private(set) var firstSentMs: Double?
    private(set) var lastSentMs: Double?
    /// Invocations by `QualityFlag`.
    private(set) var flagged = [Int](repeating: 0, count: QualityFlag.allCases.count)

    mutating func add(flagsOf record: InvocationRecord) {
        for flag in QualityFlag.allCases where flag.isRaised(by: record) { flagged[flag.rawValue] += 1 }
    }

    mutating func add(rule: Schema.ColdRule, sentMs: Double?) {
        invocationsByRule[rule.rawValue] += 1
        guard let sentMs, sentMs.isFinite else { return }
        firstSentMs = min(firstSentMs ?? sentMs, sentMs)
        lastSentMs = max(lastSentMs ?? sentMs, sentMs)
    }
}

/// Earliest and latest times seen per instance and VM id, while a file is read.
struct SeenTimes {
    /// Entries held before they are written out (about 50 bytes each). Just under 196,608, three
    /// quarters of 2^18: past that load a Swift dictionary doubles its storage (at 250,000 the peak
    /// RSS of a 10M ingest went over 150 MB).
    static let limit = 190_000

    private(set) var instances: [Int64: (first: Double, last: Double)] = [:]
    private(set) var vms: [Int64: (first: Double, last: Double)] = [:]
    var count: Int { instances.count + vms.count }

    mutating func widen(instance id: Int64, _ first: Double, _ last: Double) { Self.widen(&instances, id, first, last) }
    mutating func widen(vm id: Int64, _ first: Double, _ last: Double) { Self.widen(&vms, id, first, last) }

    private static func widen(
        _ map: inout [Int64: (first: Double, last: Double)], _ id: Int64, _ first: Double, _ last: Double
    ) {
        widen(&map[id, default: (first, last)], first, last)  // one lookup a row
    }

    private static func widen(_ range: inout (first: Double, last: Double), _ first: Double, _ last: Double) {
        range = (min(range.first, first), max(range.last, last))
    }
}
