import GRDB
import Simulate
import Testing

@testable import Store

/// `PreparedStatement` binds a parameter only when its value differs from the one it holds: every row
/// must still store exactly what was bound for it, whatever was bound before.
@Suite struct PreparedStatementTests {
    private enum Value: Equatable {
        case null
        case integer(Int64)
        case real(Double)
        case text(String)

        static func == (a: Value, b: Value) -> Bool {
            switch (a, b) {
            case (.null, .null): true
            case (.integer(let x), .integer(let y)): x == y
            case (.real(let x), .real(let y)): x.bitPattern == y.bitPattern
            case (.text(let x), .text(let y)): Array(x.utf8) == Array(y.utf8)  // bytes, not canonical equivalence
            default: false
            }
        }
    }

    /// Few values, so that a parameter often gets the value it holds, or one of another type that an
    /// equality check would confuse with it: 0 and 0.0 and -0.0 and "0", "é" composed and decomposed.
    private static let pool: [Value] = [
        .null, .integer(0), .integer(1), .integer(-1), .real(0), .real(-0.0), .real(1), .real(.infinity),
        .real(.nan), .text("0"), .text("ok"), .text("error"), .text("\u{E9}"), .text("e\u{301}"), .text(""),
        .text("a text longer than seven bytes"), .text("1234567"), .text("12345678"),
    ]

    @Test func everyRowHoldsWhatWasBoundForIt() throws {
        let queue = try DatabaseQueue()
        var random = SeededRandom(seed: 42)
        var expected: [[Value]] = []
        try queue.inDatabase { db in
            try db.execute(sql: "CREATE TABLE t (a, b, c)")
            let insert = try PreparedStatement(db, "INSERT INTO t (a, b, c) VALUES (?1, ?2, ?3)")
            for _ in 0..<5_000 {
                var row: [Value] = []
                // The last column's text sometimes goes through `execute(bindingInPlace:)`, which runs the
                // row itself and leaves the parameter NULL.
                var inPlace: [UInt8]?
                for index in Int32(1)...3 {
                    let value = Self.pool.randomElement(using: &random)!
                    switch value {
                    case .null:
                        // Each kind of NULL: an absent number, real or text.
                        switch Int.random(in: 0..<3, using: &random) {
                        case 0: insert.bind(nil as Int?, at: index)
                        case 1: insert.bind(nil as Double?, at: index)
                        default: insert.bind(nil as String?, at: index)
                        }
                        row.append(.null)
                    case .integer(let number):
                        insert.bind(number, at: index)
                        row.append(value)
                    case .real(let number):
                        if Bool.random(using: &random) {
                            insert.bind(number, at: index)  // non-finite: NULL
                            row.append(number.isFinite ? value : .null)
                        } else {
                            insert.bindKeepingInfinity(number, at: index)  // NaN: NULL, SQLite's doing
                            row.append(number.isNaN ? .null : value)
                        }
                    case .text(let text):
                        switch Int.random(in: 0..<3, using: &random) {
                        case 0: insert.bind(text, at: index)
                        case 1: insert.bind(text: Array(text.utf8), at: index)
                        default:
                            if index == 3 { inPlace = Array(text.utf8) } else { insert.bind(text, at: index) }
                        }
                        row.append(value)
                    }
                }
                if let inPlace { try insert.execute(bindingInPlace: inPlace, at: 3) } else { try insert.execute() }
                expected.append(row)
            }
        }
        let stored = try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT a, b, c FROM t ORDER BY rowid").map { row in
                (0..<3).map { column -> Value in
                    switch row[column] as DatabaseValue {
                    case let value where value.isNull: .null
                    case let value: Self.value(value)
                    }
                }
            }
        }
        #expect(stored.count == expected.count)
        for (number, (row, wanted)) in zip(stored, expected).enumerated() where row != wanted {
            Issue.record("row \(number + 1): stored \(row), bound \(wanted)")
            break
        }
    }

    private static func value(_ value: DatabaseValue) -> Value {
        switch value.storage {
        case .int64(let number): .integer(number)
        case .double(let number): .real(number)
        case .string(let text): .text(text)
        case .blob, .null: .null
        }
    }
}
