import Foundation
import Store

extension QueryResult {
    /// RFC 4180 CSV with a header line, every number with all its digits (a whole double as `12.0`);
    /// with `terminal`, control characters show as escapes.
    public func csv(terminal: Bool = false) -> String {
        let cell = terminal ? { Text.csv(Text.terminal($0)) } : Text.csv
        return ([columns.map(cell)] + rows.map { $0.map { cell(Self.exact($0)) } }).map {
            $0.joined(separator: ",") + "\n"
        }.joined()
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
