import CSQLiteSetup
import Foundation
import GRDB

/// The SQLite store: one database file, its schema kept current by `Schema.migrator`.
public struct Store: Sendable {
    public let queue: DatabaseQueue

    /// How long a writer waits for another one (an ingest, `metrics`, `report`) to finish before it
    /// fails with "database is locked" (docs/schema.md, "Concurrent writers").
    public static let busyTimeout: TimeInterval = 60

    /// SQLite in multi-thread mode without memory statistics, set once before the first connection
    /// opens: each connection is used by one thread at a time (GRDB's queues; a stage's second reader
    /// has its own), so the mutex SQLite took around every call and every allocation bought nothing,
    /// and it was 6% of the writing thread's time (Benchmarks/notes.md). False when SQLite was already
    /// initialized: it then stays serialized, which is as correct and slower.
    static let sqliteSetUp: Bool = analyze_sqlite_setup() == 1

    /// Opens (creating if needed) a store for writing and brings its schema up to date. Pages are read,
    /// not memory-mapped: mapped pages count in the resident set (10M invocations: 2.0 GB of the 2.7 GB
    /// peak of `analyze metrics`) and saved under 5% of its time (Benchmarks/notes.md).
    /// `create: false` for commands that read what an ingest wrote (a mistyped --db is an error, not
    /// a new empty store).
    public init(
        path: String, create: Bool = true, busyTimeout: TimeInterval = Store.busyTimeout
    ) throws {
        try Self.checkFile(path, mustExist: !create)
        _ = Self.sqliteSetUp
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout)
        // Foreign keys are declared for readers and tools but not enforced on the write path: every
        // key the writer binds comes from a row it just found or inserted, and enforcing them cost
        // 0.9 s per 200k invocations here (eight parent lookups a row). Tests run foreign_key_check.
        configuration.foreignKeysEnabled = false
        configuration.prepareDatabase { db in
            // Large pages (set when the file is created) make bulk inserts and index builds cheaper:
            // 1M invocations ingest in 6.9 s with 64 KiB pages against 8.7 s with 4 KiB, and the
            // analyses read as fast (make bench).
            // WAL keeps readers consistent and makes an interrupted write roll back cleanly on the
            // next open; NORMAL sync is durable at checkpoints, which is what a re-runnable ingest needs.
            // Freed pages are not zeroed (Debian builds SQLite with secure delete on): replacing a 10M
            // snapshot's analysis wrote its 300 MB of old samples again as zeros (Benchmarks/notes.md,
            // step 28). FAST, not OFF: deleted content on pages written anyway is still cleared, at no I/O.
            try db.execute(
                sql:
                    "PRAGMA page_size = 65536; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; "
                    + "PRAGMA cache_size = -32768; PRAGMA secure_delete = FAST"
            )
        }
        queue = try DatabaseQueue(path: path, configuration: configuration)
        try Self.refuseNewer(queue, path)
        try Schema.migrator.migrate(queue)
    }

    /// A FIFO or a device would block or be written over; a folder cannot be opened. A symbolic link
    /// is judged by what it points to.
    private static func checkFile(_ path: String, mustExist: Bool) throws {
        guard !path.isEmpty, path != ":memory:" else { return }
        var info = stat()
        guard stat(path, &info) == 0 else {
            if mustExist { throw StoreOpenError.missing(path) }
            return
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw StoreOpenError.notAFile(path) }
    }

    /// A `-journal` beside the store is a large file's write that was interrupted (those are written
    /// under a rollback journal, StoreWriter.writeFile), or one in progress: a read-only connection
    /// cannot roll it back, a writable one does on its first read (and waits for one in progress).
    private static func rollBackInterruptedWrite(_ path: String) throws {
        guard FileManager.default.fileExists(atPath: path + "-journal") else { return }
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout)
        try DatabaseQueue(path: path, configuration: configuration).read {
            _ = try Int.fetchOne($0, sql: "SELECT count(*) FROM sqlite_schema")
        }
    }

    /// A store whose schema has migrations this binary does not know was written by a newer version:
    /// writing to it could lose what that version relies on.
    private static func refuseNewer(_ queue: DatabaseQueue, _ path: String) throws {
        let unknown = try queue.read { db in
            try Schema.migrator.appliedIdentifiers(db).subtracting(Schema.migrator.migrations).sorted()
        }
        guard unknown.isEmpty else {
            throw StoreOpenError.newer(path, unknown: unknown, known: Schema.migrator.migrations.last ?? "none")
        }
    }

    /// Opens an existing store read-only: nothing run through it can change the file.
    public init(readOnlyPath path: String) throws {
        try Self.checkFile(path, mustExist: true)
        _ = Self.sqliteSetUp
        try Self.rollBackInterruptedWrite(path)
        var configuration = Configuration()
        configuration.readonly = true
        // Readers wait only while a large file is written under a rollback journal (StoreWriter.writeFile).
        configuration.busyMode = .timeout(Store.busyTimeout)
        queue = try DatabaseQueue(path: path, configuration: configuration)
        try Self.refuseNewer(queue, path)
        let applied = try queue.read { try Schema.migrator.hasCompletedMigrations($0) }
        guard applied else { throw StoreOpenError.outdated(path) }
    }
}

public enum StoreOpenError: Error, CustomStringConvertible {
    case missing(String)
    case outdated(String)
    case newer(String, unknown: [String], known: String)
    case notAFile(String)

    public var description: String {
        switch self {
        case .missing(let path): "no store at \(path) (run `analyze ingest` first, or pass --db)"
        case .outdated(let path): "\(path) has an older or foreign schema; open it once for writing to migrate it"
        case .newer(let path, let unknown, let known):
            "\(path) was written by a newer analyze (schema \(unknown.last!.debugDescription); this one knows up to "
                + "\(known.debugDescription)); use that version or a new --db"
        case .notAFile(let path): "\(path) is not a regular file (a store is one SQLite file)"
        }
    }
}

enum Timestamp {
    /// The current time as ISO 8601 UTC with seconds, e.g. 2026-11-27T05:07:37Z.
    /// (Formatted by hand: a Foundation date formatter made per ingested file cost 7% of ingesting a
    /// folder of small files.)
    static func now() -> String {
        var seconds = time(nil)
        var utc = tm()
        gmtime_r(&seconds, &utc)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02dZ", utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, utc.tm_hour,
            utc.tm_min, utc.tm_sec)
    }
}
