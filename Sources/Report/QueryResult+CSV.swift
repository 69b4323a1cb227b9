import Foundation
import Store

extension QueryResult {
    /// RFC 4180 CSV with a header line, every number with all its digits (a whole double as `12.0`);
    /// with `terminal`, control characters show as escapes.
    public func csv(terminal: Bool = false) -> String {
        ([Self.csvLine(columns, terminal: terminal)] + rows.map { Self.csvLine($0, terminal: terminal) }).joined()
    }

    /// One CSV line of values, with its newline.
    public static func csvLine(_ values: [Value], terminal: Bool = false) -> String {
        csvLine(values.map(exact), terminal: terminal)
    }

    /// One CSV line of texts (a header), with its newline.
    public static func csvLine(_ cells: [String], terminal: Bool = false) -> String {
        cells.map { terminal ? Text.csv(Text.terminal($0)) : Text.csv($0) }.joined(separator: ",") + "\n"
    }

    /// A value as CSV and JSON keep it: every digit.
    static func exact(_ value: Value) -> String {
        switch value {
        case .null: ""
        case .integer(let int): String(int)
        case .real(let double):
            double == double.rounded() && abs(double) < 1e15 ? String(format: "%.1f", double) : String(double)
        case .text(let string): string
        case .blob(let data): "<\(data.count) bytes>"
        }
    }
}
