import Foundation
import GRDB

/// Rows of a query as plain values, for commands that print them (`query`, `snapshots`, `rejects`).
public struct QueryResult: Sendable, Equatable {
    public enum Value: Sendable, Equatable {
        case null
        case integer(Int64)
        case real(Double)
        case text(String)
        case blob(Data)
    }

    public let columns: [String]
    public let rows: [[Value]]

    /// Rows a command computed rather than queried (`analyze trend`).
    public init(columns: [String], rows: [[Value]]) {
        self.columns = columns
        self.rows = rows
    }

    init(_ statement: Statement, _ arguments: StatementArguments) throws {
        try statement.setArguments(arguments)
        columns = statement.columnNames
        rows = try Row.fetchAll(statement).map { $0.databaseValues.map(Value.init) }
    }
}

/// Rows read one at a time, as many times as a printer needs (an aligned table measures its columns first):
/// the metric table of a large snapshot holds millions of rows that need not all be in memory.
public protocol TableRows {
    var columns: [String] { get }
    /// Calls `body` with each row in order.
    func forEachRow(_ body: ([QueryResult.Value]) throws -> Void) throws
}

extension QueryResult: TableRows {
    public func forEachRow(_ body: ([Value]) throws -> Void) throws { try rows.forEach(body) }
}

/// A statement's rows, read again on each pass; valid inside the database access that made it.
struct StatementRows: TableRows {
    let statement: Statement
    let arguments: StatementArguments

    var columns: [String] { statement.columnNames }

    func forEachRow(_ body: ([QueryResult.Value]) throws -> Void) throws {
        try statement.setArguments(arguments)
        let rows = try Row.fetchCursor(statement)
        while let row = try rows.next() { try body(row.databaseValues.map(QueryResult.Value.init)) }
    }
}

extension QueryResult.Value {
    init(_ value: DatabaseValue) {
        switch value.storage {
        case .null: self = .null
        case .int64(let integer): self = .integer(integer)
        case .double(let real): self = .real(real)
        case .string(let text): self = .text(text)
        case .blob(let data): self = .blob(data)
        }
    }
}

extension Store {
    /// Runs one statement of the user's on this read-only store (`analyze query`), its rows read as
    /// `body` asks, not held: once for CSV or JSON, twice for an aligned table (widths, then lines), in
    /// one read transaction.
    public func withQuery<T>(_ sql: String, _ body: (any TableRows) throws -> T) throws -> T {
        try queue.read { try body(StatementRows(statement: $0.makeStatement(sql: sql), arguments: [])) }
    }

    /// Every snapshot: files, records, rejects, providers, time span, formats and description.
    public func snapshotTable() throws -> QueryResult {
        try queue.read { try QueryResult($0.makeStatement(sql: Self.snapshotTableSQL), []) }
    }

    /// Rejected records with file, line, reason and raw text, or (`summary`) counted by reason; of one
    /// snapshot or all; at most `limit` rows (nil: all).
    public func rejectTable(snapshot: String?, summary: Bool, limit: Int?) throws -> QueryResult {
        let sql = summary ? Self.rejectSummarySQL : Self.rejectListSQL
        return try queue.read { try QueryResult($0.makeStatement(sql: sql), [snapshot, limit ?? -1]) }
    }

    private static let snapshotTableSQL = """
        SELECT s.name AS snapshot,
               (SELECT count(*) FROM source_file f WHERE f.snapshot_id = s.id) AS files,
               (SELECT ifnull(sum(records), 0) FROM source_file f WHERE f.snapshot_id = s.id) AS records,
               (SELECT count(*) FROM rejected_record r WHERE r.snapshot_id = s.id) AS rejected,
               (SELECT group_concat(provider, ',') FROM (
                    SELECT DISTINCT fn.provider FROM function fn
                    WHERE fn.id IN (SELECT function_id FROM invocation i WHERE i.snapshot_id = s.id)
                    ORDER BY fn.provider)) AS providers,
               (SELECT strftime('%Y-%m-%dT%H:%M:%SZ', min(coalesce(request_sent_ms, function_start_ms)) / 1000, \
        'unixepoch')
                FROM invocation i WHERE i.snapshot_id = s.id) AS first_seen,
               (SELECT strftime('%Y-%m-%dT%H:%M:%SZ',
                                max(coalesce(response_received_ms, request_sent_ms, function_end_ms)) / 1000, \
        'unixepoch')
                FROM invocation i WHERE i.snapshot_id = s.id) AS last_seen,
               (SELECT group_concat(format, ',') FROM (
                    SELECT DISTINCT format FROM source_file f WHERE f.snapshot_id = s.id ORDER BY format)) AS formats,
               s.description
        FROM snapshot s ORDER BY s.name
        """

    private static let rejectSummarySQL = """
        SELECT s.name AS snapshot, r.reason, count(*) AS rejects
        FROM rejected_record r JOIN snapshot s ON s.id = r.snapshot_id WHERE ?1 IS NULL OR s.name = ?1
        GROUP BY s.name, r.reason ORDER BY s.name, rejects DESC, r.reason LIMIT ?2
        """

    private static let rejectListSQL = """
        SELECT s.name AS snapshot, r.path, r.line, r.reason, r.raw
        FROM rejected_record r JOIN snapshot s ON s.id = r.snapshot_id WHERE ?1 IS NULL OR s.name = ?1
        ORDER BY s.name, r.path, r.line LIMIT ?2
        """
}
