import GRDB
import GRDBSQLite

/// One row of a `scan`, read at the C level. Columns are 0-based, as in the query's SELECT list.
struct ScanRow {
    fileprivate let statement: OpaquePointer

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(statement, column) == SQLITE_NULL }
    func int(_ column: Int32) -> Int64? { isNull(column) ? nil : sqlite3_column_int64(statement, column) }
    func double(_ column: Int32) -> Double? { isNull(column) ? nil : sqlite3_column_double(statement, column) }
    func bool(_ column: Int32) -> Bool { sqlite3_column_int64(statement, column) != 0 }
}

extension AnalysisContext {
    /// Steps through a query over the snapshot (`?1` is its id), one row at a time.
    ///
    /// The stages that aggregate every invocation of a snapshot read through this and group in
    /// dictionaries: on 1M invocations, GRDB `Row`s decoded by column name cost more than the query,
    /// and SQL `GROUP BY` over the snapshot sorts every row (VM inventory's per-instance summary 0.6 s,
    /// the first request of every VM 0.8 s; a hash pass over the rows about 0.2 s).
    func scan(_ sql: String, _ body: (ScanRow) throws -> Void) throws {
        guard let connection = db.sqliteConnection else { throw DatabaseError(resultCode: .SQLITE_MISUSE, message: "closed") }
        var handle: OpaquePointer?
        guard sqlite3_prepare_v2(connection, sql, -1, &handle, nil) == SQLITE_OK, let statement = handle else {
            throw DatabaseError(resultCode: ResultCode(rawValue: sqlite3_errcode(connection)),
                                message: String(cString: sqlite3_errmsg(connection)), sql: sql)
        }
        defer { sqlite3_finalize(statement) }
        sqlite3_bind_int64(statement, 1, snapshotID)
        while true {
            let code = sqlite3_step(statement)
            if code == SQLITE_DONE { return }
            guard code == SQLITE_ROW else {
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(connection)), sql: sql)
            }
            try body(ScanRow(statement: statement))
        }
    }
}
