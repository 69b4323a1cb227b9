import GRDB

/// Inserts `invocation` rows several to a statement. A statement's fixed cost in SQLite (opening the
/// table's cursor and finding its last row, then closing and releasing everything at the end) was
/// paid once per row when each row had a statement of its own: 8% of a faas_measure row's insert, and
/// an eighth of the writing thread's work on lambda-perf, whose rows set few columns.
///
/// A caller announces how many rows come next (`expect`), then for each row binds the values of
/// `columns` at the offset `nextRow()` gives and calls `rowBound()`. The rows go in statements of
/// `rowsPerStatement` rows, the remainder in one statement of its size, so every row is bound once.
/// A row's id is known before it is written, so that a sample row can name its invocation: SQLite
/// gives each new row one past the largest id (from 1), and each statement's last id is checked
/// against that. (Binding the ids instead made SQLite search the table for each one.) OR FAIL: under
/// the default ABORT, SQLite copied each page a multi-row statement changed into a statement journal
/// (a temporary file; 4.4 GB of copies for 1M rows) to undo that statement alone on a failed
/// constraint, and a failure rolls the whole file back anyway.
final class InvocationInserter {
    /// The columns, in parameter order within a row.
    static let columns = [
        "snapshot_id", "source_file_id", "line", "function_id", "instance_id", "vm_id", "experiment_id",
        "request_id", "round_no", "batch_no", "batch_size", "worker_no", "interval_s", "delay_s",
        "request_sent_ms", "response_received_ms", "round_trip_ms", "function_start_ms", "function_end_ms",
        "function_duration_ms", "init_duration_ms", "is_cold", "cold_rule_id", "vm_uptime_s", "vm_idle_s", "ncpu",
        "cpu_model_id", "reported_version", "expected_version", "factorial_ms", "status", "error", "extra",
    ]
    static let rowsPerStatement = 16

    private let db: Database
    /// By number of rows, prepared when first needed.
    private var statements: [Int: PreparedStatement] = [:]
    private var statement: PreparedStatement?
    /// Rows bound into `statement` so far, and the rows it takes.
    private var bound = 0, capacity = 0
    /// Rows announced and not yet given a statement.
    private var expected = 0
    /// The id the next row gets.
    private var nextID: Int64 = 1

    init(_ db: Database) {
        self.db = db
    }

    /// Starts a file: ids continue from the largest in the table. Anything bound and not written is
    /// dropped (after a rollback).
    func start() throws {
        nextID = (try Int64.fetchOne(db, sql: "SELECT coalesce(max(id), 0) FROM invocation") ?? 0) + 1
        statement = nil
        bound = 0
        capacity = 0
        expected = 0
    }

    /// The next `count` rows are on their way.
    func expect(_ count: Int) {
        expected += count
    }

    /// Whether every row announced has been bound and written.
    var isFlushed: Bool { statement == nil && expected == 0 }

    /// The statement to bind the next row into, the offset of its parameters (a column's parameter is
    /// its 1-based place in `columns` plus the offset) and the id the row will have. A row that was
    /// not announced is a run of one.
    func nextRow() throws -> (statement: PreparedStatement, offset: Int32, id: Int64) {
        if statement == nil {
            let rows = expected == 0 ? 1 : min(expected, Self.rowsPerStatement)
            expected = max(0, expected - rows)
            statement = try prepared(rows: rows)
            capacity = rows
            bound = 0
        }
        return (statement!, Int32(bound * Self.columns.count), nextID)
    }

    /// The row given by `nextRow()` is bound: writes the statement when all its rows are.
    func rowBound() throws {
        nextID += 1
        bound += 1
        guard bound == capacity, let full = statement else { return }
        statement = nil
        try full.execute()
        guard full.lastInsertedRowID == nextID - 1 else {
            throw StoreError.unexpectedRowID(expected: nextID - 1, got: full.lastInsertedRowID)
        }
    }

    private func prepared(rows: Int) throws -> PreparedStatement {
        if let statement = statements[rows] { return statement }
        let width = Self.columns.count
        let values = (0..<rows).map { row in
            "(" + (1...width).map { "?\(row * width + $0)" }.joined(separator: ", ") + ")"
        }
        let columns = Self.columns.joined(separator: ", ")
        let statement = try PreparedStatement(
            db, "INSERT OR FAIL INTO invocation (\(columns)) VALUES \(values.joined(separator: ", "))")
        statements[rows] = statement
        return statement
    }
}
