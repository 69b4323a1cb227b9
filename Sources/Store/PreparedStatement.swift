import GRDB
import GRDBSQLite

/// A statement prepared once and bound at the C level for each row.
///
/// The ingest hot path goes through these rather than GRDB statements: binding through the C API
/// measured about 1M rows/s here against about 0.58M/s through GRDB's `Statement`.
final class PreparedStatement {
    private let handle: OpaquePointer
    private let connection: OpaquePointer
    let sql: String

    /// SQLite copies bound text before `bind` returns (SQLITE_TRANSIENT).
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    /// A number, NULL or text of at most 7 bytes bound to a parameter, as two words (longer text is
    /// not remembered: `other`).
    private struct Bound: Equatable {
        enum Kind: UInt8 { case other, null, integer, real, shortText }
        var kind: Kind
        var bits: UInt64 = 0
        static let other = Bound(kind: .other), null = Bound(kind: .null)

        /// The bytes and their count in one word, when they fit.
        static func shortText(_ bytes: UnsafeBufferPointer<UInt8>) -> Bound {
            guard bytes.count < 8 else { return .other }
            var bits = UInt64(bytes.count) << 56
            for (index, byte) in bytes.enumerated() { bits |= UInt64(byte) << (8 * index) }
            return Bound(kind: .shortText, bits: bits)
        }
    }

    /// What each parameter holds (index 0 unused). SQLite keeps a statement's bindings from one row to
    /// the next, so a number, NULL or short text the parameter already holds is not bound again: many
    /// of the 33 parameters of a faas_measure invocation are the row before's (the file, the NULLs, 'ok').
    /// A buffer of its own: an array's checks on each access cost what the skipped binds saved.
    private let bound: UnsafeMutableBufferPointer<Bound>

    init(_ db: Database, _ sql: String) throws {
        guard let connection = db.sqliteConnection else { throw StoreError.closed }
        var statement: OpaquePointer?
        let code = sqlite3_prepare_v3(connection, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard code == SQLITE_OK, let statement else {
            throw StoreError.sqlite(code: code, message: String(cString: sqlite3_errmsg(connection)), sql: sql)
        }
        self.handle = statement
        self.connection = connection
        self.sql = sql
        bound = .allocate(capacity: Int(sqlite3_bind_parameter_count(statement)) + 1)
        bound.initialize(repeating: .other)
    }

    deinit {
        sqlite3_finalize(handle)
        bound.deallocate()
    }

    func bind(_ value: Int?, at index: Int32) {
        bind(value.map(Int64.init), at: index)
    }

    func bind(_ value: Int64?, at index: Int32) {
        guard let value else { return bindNull(at: index) }
        if remember(Bound(kind: .integer, bits: UInt64(bitPattern: value)), at: index) {
            sqlite3_bind_int64(handle, index, value)
        }
    }

    func bind(_ value: Double?, at index: Int32) {
        bindKeepingInfinity(value.flatMap { $0.isFinite ? $0 : nil }, at: index)
    }

    /// A double as GRDB binds it: infinities stored as such (NaN still becomes NULL, SQLite's doing).
    func bindKeepingInfinity(_ value: Double?, at index: Int32) {
        guard let value else { return bindNull(at: index) }
        if remember(Bound(kind: .real, bits: value.bitPattern), at: index) { sqlite3_bind_double(handle, index, value) }
    }

    func bind(_ value: Bool?, at index: Int32) {
        bind(value.map { $0 ? 1 : 0 } as Int?, at: index)
    }

    func bind(_ value: String?, at index: Int32) {
        guard var text = value else { return bindNull(at: index) }
        text.withUTF8 { bindText($0, at: index) }
    }

    /// UTF-8 text given as its bytes.
    func bind(text bytes: [UInt8]?, at index: Int32) {
        guard let bytes else { return bindNull(at: index) }
        bytes.withUnsafeBufferPointer { bindText($0, at: index) }
    }

    private func bindNull(at index: Int32) {
        if remember(.null, at: index) { sqlite3_bind_null(handle, index) }
    }

    /// UTF-8 text, copied by SQLite before the call returns.
    private func bindText(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int32) {
        let value = Bound.shortText(bytes)
        guard remember(value, at: index) || value == .other else { return }
        sqlite3_bind_text64(
            handle, index, UnsafeRawPointer(bytes.baseAddress)?.assumingMemoryBound(to: CChar.self),
            UInt64(bytes.count), Self.transient, UInt8(SQLITE_UTF8))
    }

    /// The parameter's place in `bound`: an index the statement does not have is a programming error
    /// (SQLite would refuse the bind; the buffer must not be written past its end).
    private func slot(_ index: Int32) -> Int {
        precondition(index > 0 && Int(index) < bound.count, "no parameter \(index) in: \(sql.prefix(80))")
        return Int(index)
    }

    /// Records what the parameter will hold; false when it holds it already (nothing to bind).
    private func remember(_ value: Bound, at index: Int32) -> Bool {
        guard bound[slot(index)] != value else { return false }
        bound[slot(index)] = value
        return true
    }

    /// Runs a statement that returns no rows with UTF-8 text bound where it lies, not copied (the text
    /// of a large sample would otherwise be held twice).
    func execute(bindingInPlace bytes: [UInt8], at index: Int32) throws {
        bound[slot(index)] = .null
        try bytes.withUnsafeBytes { bytes in
            // nil destructor: SQLITE_STATIC, the bytes outlive the step; unbound again before they go.
            sqlite3_bind_text64(
                handle, index, bytes.baseAddress?.assumingMemoryBound(to: CChar.self), UInt64(bytes.count), nil,
                UInt8(SQLITE_UTF8))
            defer { sqlite3_bind_null(handle, index) }
            try execute()
        }
    }

    /// Runs a statement that returns no rows, then resets it for the next binding.
    func execute() throws {
        defer { sqlite3_reset(handle) }
        let code = sqlite3_step(handle)
        guard code == SQLITE_DONE || code == SQLITE_ROW else { throw error(code) }
    }

    /// Runs a query and returns the first column of its first row as an integer, if any.
    func firstInt64() throws -> Int64? {
        defer { sqlite3_reset(handle) }
        let code = sqlite3_step(handle)
        switch code {
        case SQLITE_ROW: return sqlite3_column_type(handle, 0) == SQLITE_NULL ? nil : sqlite3_column_int64(handle, 0)
        case SQLITE_DONE: return nil
        default: throw error(code)
        }
    }

    var lastInsertedRowID: Int64 { sqlite3_last_insert_rowid(connection) }

    /// Rows the last statement run on the connection inserted, updated or deleted.
    var changes: Int32 { sqlite3_changes(connection) }

    private func error(_ code: Int32) -> StoreError {
        .sqlite(code: code, message: String(cString: sqlite3_errmsg(connection)), sql: sql)
    }
}

public enum StoreError: Error, CustomStringConvertible {
    case closed
    case sqlite(code: Int32, message: String, sql: String)
    /// A reader announced more invocations than it gave (a programming error; the file is rolled back).
    case unwrittenRows(path: String)
    /// SQLite gave an inserted invocation another id than the one its samples were written with.
    case unexpectedRowID(expected: Int64, got: Int64)

    public var description: String {
        switch self {
        case .closed: "the database connection is closed"
        case .sqlite(let code, let message, let sql): "SQLite error \(code): \(message) (in: \(sql.prefix(80)))"
        case .unwrittenRows(let path): "\(path): invocations were announced and not all given; nothing of it was stored"
        case .unexpectedRowID(let expected, let got): "invocation stored with id \(got), expected \(expected)"
        }
    }
}
