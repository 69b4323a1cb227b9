import Foundation
import Report
import Store

/// Prints query results as an aligned text table, CSV (RFC 4180) or JSON (an array of objects).
struct TablePrinter {
    let format: OutputFormat

    /// Prints to stdout. CSV keeps data exact for programs; on a terminal, control characters in it
    /// show as escapes (tables always escape them).
    func print(_ result: QueryResult) {
        let rendered = render(columns: result.columns, rows: result.rows, terminal: isatty(STDOUT_FILENO) == 1)
        Swift.print(rendered, terminator: "")
    }

    /// The whole output, each line ending in a newline; the same bytes for the same rows, wherever it goes
    /// unless `terminal` is set.
    func render(columns: [String], rows: [[QueryResult.Value]], terminal: Bool = false) -> String {
        switch format {
        case .table: return table(columns, rows)
        case .csv: return QueryResult(columns: columns, rows: rows).csv(terminal: terminal)
        case .json:
            let objects = rows.map { row in
                "{" + zip(columns, row).map { "\(JSONString.quoted($0)):\(json($1))" }.joined(separator: ",") + "}"
            }
            return "[" + objects.joined(separator: ",\n ") + "]\n"
        }
    }

    private func table(_ columns: [String], _ rows: [[QueryResult.Value]]) -> String {
        let cells = rows.map { $0.map { Text.terminal(text($0)) } }
        var widths = columns.map(\.count)
        for row in cells { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        func line(_ values: [String]) -> String {
            zip(values, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
                .replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        return ([line(columns), line(widths.map { String(repeating: "-", count: $0) })] + cells.map(line)).map {
            $0 + "\n"
        }.joined()
    }

    private func text(_ value: QueryResult.Value) -> String {
        switch value {
        case .null: ""
        case .integer(let int): String(int)
        case .real(let double): String(format: "%.6g", double)  // 6 significant digits; CSV keeps every digit
        case .text(let string): string
        case .blob(let data): "<\(data.count) bytes>"
        }
    }

    private func json(_ value: QueryResult.Value) -> String {
        switch value {
        case .null: "null"
        case .integer(let int): String(int)
        case .real(let double): double.isFinite ? String(double) : "null"
        case .text(let string): JSONString.quoted(string)
        case .blob(let data): JSONString.quoted(data.base64EncodedString())
        }
    }
}
