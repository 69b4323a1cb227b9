import GRDB
import GRDBSQLite

/// One row of a `scan`, read at the C level. Columns are 0-based, as in the query's SELECT list.
public struct ScanRow {
    fileprivate let statement: OpaquePointer

    public func isNull(_ column: Int32) -> Bool { sqlite3_column_type(statement, column) == SQLITE_NULL }
    public func int(_ column: Int32) -> Int64? { isNull(column) ? nil : sqlite3_column_int64(statement, column) }
    public func double(_ column: Int32) -> Double? { isNull(column) ? nil : sqlite3_column_double(statement, column) }
    public func bool(_ column: Int32) -> Bool { sqlite3_column_int64(statement, column) != 0 }

    /// The column's text in place (NUL-terminated, with its length in bytes), valid only inside `body`.
    public func withText<T>(_ column: Int32, _ body: (UnsafePointer<CChar>, Int) -> T) -> T? {
        guard let text = sqlite3_column_text(statement, column) else { return nil }
        let count = Int(sqlite3_column_bytes(statement, column))
        return text.withMemoryRebound(to: CChar.self, capacity: count + 1) { body($0, count) }
    }
}

extension Database {
    /// Steps through a query's rows, one at a time, read at the C level.
    ///
    /// The stages that aggregate every invocation of a snapshot read through this and group in
    /// dictionaries: on 1M invocations, GRDB `Row`s decoded by column name cost more than the query,
    /// and SQL `GROUP BY` over the snapshot sorts every row (VM inventory's per-instance summary 0.6 s,
    /// the first request of every VM 0.8 s; a hash pass over the rows about 0.2 s).
    public func scan(_ sql: String, _ arguments: StatementArguments, _ body: (ScanRow) throws -> Void) throws {
        let statement = try makeStatement(sql: sql)
        try statement.setArguments(arguments)
        let handle = statement.sqliteStatement
        defer { sqlite3_reset(handle) }
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { return }
            guard code == SQLITE_ROW else {
                throw DatabaseError(
                    resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(sqliteConnection)),
                    sql: sql)
            }
            try body(ScanRow(statement: handle))
        }
    }
}
