import Foundation
import Store

/// A declarative mapping from another probe's JSON or CSV records to the canonical invocation columns,
/// so a new format is ingested without writing Swift (`analyze ingest --mapping FILE`, or `"mapping"`
/// in a manifest). Documented with a full example in `docs/mappings.md`:
///
/// ```json
/// {
///   "input": "json",
///   "fields": {
///     "provider": { "const": "aws" },
///     "request_id": "req.id",
///     "request_sent_ms": { "path": "t.sent", "unit": "epoch_s" },
///     "vm_id": { "path": "cgroup", "regex": "sandbox-root-([A-Za-z0-9]+)" },
///     "is_cold": { "path": "kind", "map": { "cold": true, "warm": false } }
///   }
/// }
/// ```
public struct Mapping: Sendable {
    public enum Input: String, Sendable { case json, csv }

    public let input: Input
    /// CSV only: whether the first row names the columns; otherwise `columns` does.
    public let header: Bool
    public let columns: [String]?
    public let fields: [Field]
    /// Source fields (top-level keys, CSV columns) no field reads are kept in `extra`.
    public let keepUnmapped: Bool
    /// The probe names an instance after the request it served first (the paper's convention), so
    /// the request-id rule decides cold or warm where no mapped flag or init duration does.
    public let instanceNamedByFirstRequest: Bool
    /// Built-in mappings only: a pattern the first line with content of a file matches when the file
    /// is of this mapping's source, so that it is detected without `--mapping`.
    public let detect: String?
    /// JSON only: where the records are inside each source object, a path whose `*` steps each stand
    /// for every element of an array or member of an object (`results.*.*.*`): one source object gives
    /// a record per element reached. nil: the object is the record.
    public let explode: [String]?
    /// Lines matching this pattern are not records (log noise): skipped without a reject.
    public let skipLines: String?
    /// CSV only: the 1-based line of the header row (lines before it are a preamble, skipped).
    public let headerLine: Int
    /// A line matching this pattern ends the data (a summary section follows).
    public let endAt: String?
    /// Where the mapping came from, for messages.
    public let origin: String

    /// The paths each `sql` field reads as `v('a.b')` literals, by target: counted as read (not kept in
    /// `extra`), and named when no record of a file has them.
    var sqlPaths: [String: [String]] {
        var paths: [String: [String]] = [:]
        for field in fields {
            guard case .sql(let expression, _) = field.source else { continue }
            let range = NSRange(expression.startIndex..., in: expression)
            paths[field.target] = Self.valueCall.matches(in: expression, range: range).compactMap {
                Range($0.range(at: 1), in: expression).map { expression[$0].replacingOccurrences(of: "''", with: "'") }
            }
        }
        return paths
    }

    /// `v('path')` with a literal path (SQL quotes doubled inside).
    private static let valueCall = try! NSRegularExpression(pattern: #"\bv\(\s*'((?:[^']|'')*)'\s*\)"#)

    /// The `sql` expressions of the fields, in field order (compiled together, `SandboxedExpressions`).
    var expressions: [String] {
        fields.compactMap { if case .sql(let expression, _) = $0.source { expression } else { nil } }
    }

    /// Where a field's value comes from.
    public enum Source: Sendable, Equatable {
        /// A path in the record (the exploded element, or the source object).
        case path([String])
        /// A path in the source object an exploded record came from (`/meta.function`).
        case rootPath([String])
        case constant(Constant)
        /// The key or index the n-th `*` of `explode` matched, from 1.
        case key(Int)
        /// The file's path (relative to its manifest), usually taken apart by a `regex`.
        case file
        /// An SQLite expression over `v(path)`, `key(n)` and `file()`; `index` among the expressions.
        case sql(String, index: Int)
    }

    /// How one target column gets its value.
    public struct Field: Sendable {
        /// A canonical column (`CanonicalColumns`) or `extra.<name>`.
        public let target: String
        public let source: Source
        public let regex: String?
        public let map: [String: Constant]?
        public let unit: Unit?
        public let timeFormat: TimeFormat?
        public let defaultValue: Constant?
        public let required: Bool
    }

    /// A JSON scalar written in the mapping (a constant, a default, a `map` result).
    public enum Constant: Sendable, Equatable {
        case text(String)
        case number(Double)
        case bool(Bool)

        /// A JSON scalar as parsed by Foundation; nil for objects, arrays and null.
        init?(json value: Any) {
            switch value {
            case let text as String: self = .text(text)
            case let number as NSNumber where JSONText.isBool(number): self = .bool(number.boolValue)
            case let number as NSNumber: self = .number(number.doubleValue)
            default: return nil
            }
        }
    }

    /// The source's unit; values are converted to the column's own (epoch ms, ms, s, MB).
    public enum Unit: String, Sendable, CaseIterable {
        case epochS = "epoch_s"
        case epochMs = "epoch_ms"
        case epochUs = "epoch_us"
        case epochNs = "epoch_ns"
        case s, ms, us, ns, min, h
        case mb = "MB"
        case gb = "GB"

        /// The factor to the column's unit, or nil when the unit does not fit the column's kind.
        func factor(to kind: ColumnKind) -> Double? {
            switch (kind, self) {
            case (.epochMs, .epochS): 1000
            case (.epochMs, .epochMs): 1
            case (.epochMs, .epochUs): 1e-3
            case (.epochMs, .epochNs): 1e-6
            case (.milliseconds, _), (.seconds, _): seconds.map { $0 * (kind == .milliseconds ? 1000 : 1) }
            case (.megabytes, .mb): 1
            case (.megabytes, .gb): 1024
            default: nil
            }
        }

        private var seconds: Double? {
            switch self {
            case .s: 1
            case .ms: 1e-3
            case .us: 1e-6
            case .ns: 1e-9
            case .min: 60
            case .h: 3600
            default: nil
            }
        }
    }

    /// How a timestamp string is written.
    public enum TimeFormat: Sendable {
        case iso8601
        /// JavaScript's `Date.toString()`: `Wed Jun 07 2017 02:05:00 GMT+0100 (BST)`.
        case javascript
        /// A Unicode date pattern (`yyyy-MM-dd HH:mm:ss`) in a time zone.
        case pattern(String, timeZone: String)
    }

    /// What a canonical column holds, for units.
    enum ColumnKind { case epochMs, milliseconds, seconds, megabytes, other }

    static func kind(of column: String) -> ColumnKind {
        switch column {
        case "request_sent_ms", "response_received_ms", "function_start_ms", "function_end_ms", "vm_boot_time_ms":
            .epochMs
        case "round_trip_ms", "function_duration_ms", "init_duration_ms", "factorial_ms": .milliseconds
        case "vm_uptime_s", "vm_idle_s", "interval_s", "delay_s": .seconds
        case "memory_mb", "vm_memory_mb": .megabytes
        default: .other
        }
    }
}
