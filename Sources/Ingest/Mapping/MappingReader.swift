import Foundation
import Store

/// Reads records of a format described by a `Mapping`: JSON objects (JSON Lines, pretty-printed or
/// comma-separated objects, or arrays of objects) or CSV rows, each turned into one invocation.
struct MappingReader: RecordReader {
    private let mapping: Mapping
    private let template: InvocationRecord
    private let usedNames: Set<String>
    private let regexes: [String: BoundedRegex]
    private var dates = DateParsers()
    private let json = JSONRecords(shape: .topLevelValues)
    private let csv = CSVRecords()
    private var header: [String]?

    init(_ mapping: Mapping, file: FileContext) throws {
        self.mapping = mapping
        var template = file.template
        template.instanceIDIsFirstRequestID = template.instanceIDIsFirstRequestID || mapping.instanceNamedByFirstRequest
        self.template = template
        usedNames = Set(mapping.fields.compactMap { $0.path?.first })
        regexes = try mapping.fields.reduce(into: [:]) { regexes, field in
            if let pattern = field.regex { regexes[pattern] = try BoundedRegex(pattern) }
        }
        header = mapping.header ? nil : mapping.columns
    }

    mutating func read(_ line: Line, into sink: any RecordSink) throws {
        switch mapping.input {
        case .json:
            try json.read(line, into: sink) { part, value in try addJSON(value, line: part.line, into: sink) }
        case .csv:
            try csv.read(line, into: sink) { cells, number in try addRow(cells, line: number, into: sink) }
        }
    }

    mutating func finish(into sink: any RecordSink) throws {
        switch mapping.input {
        case .json: try json.finish(into: sink) { part, value in try addJSON(value, line: part.line, into: sink) }
        case .csv: try csv.finish(into: sink) { cells, number in try addRow(cells, line: number, into: sink) }
        }
    }

    private mutating func addJSON(_ value: Any, line: Int, into sink: any RecordSink) throws {
        if let array = value as? [Any] {
            for element in array { try addJSON(element, line: line, into: sink) }
            return
        }
        guard let object = value as? [String: Any] else { throw RecordProblem("not a JSON object") }
        var unmapped: [String: Any] = [:]
        if mapping.keepUnmapped {
            for (name, value) in object where !usedNames.contains(name) { unmapped[name] = value }
        }
        try sink.add(try record(unmapped: unmapped) { JSONValue.value(at: $0, in: object) }, line: line)
    }

    private mutating func addRow(_ cells: [String], line: Int, into sink: any RecordSink) throws {
        guard let header else {
            let names = cells.map { $0.trimmingWhitespace() }
            if let missing = mapping.fields.compactMap({ $0.path?.first }).first(where: { !names.contains($0) }) {
                throw CSVHeaderError(reason: "the mapping reads column '\(missing)', which the header does not have")
            }
            header = names
            return
        }
        if cells.count == 1, cells[0].isEmpty { return }
        guard cells.count == header.count else {
            throw RecordProblem("\(cells.count) fields, but there are \(header.count) columns")
        }
        var row: [String: String] = [:]
        for (name, cell) in zip(header, cells) where !cell.isEmpty { row[name] = cell }
        let unmapped = mapping.keepUnmapped ? row.filter { !usedNames.contains($0.key) } : [:]
        try sink.add(try record(unmapped: unmapped) { path in path.count == 1 ? row[path[0]] : nil }, line: line)
    }

    /// Applies every field of the mapping to one source record.
    private mutating func record(
        unmapped: [String: Any], lookup: ([String]) -> Any?
    ) throws(RecordProblem) -> InvocationRecord {
        var record = template
        var extra = unmapped
        for field in mapping.fields {
            guard let value = try value(of: field, lookup: lookup) else {
                if field.required {
                    throw RecordProblem("\(field.target): no value at '\(field.path?.joined(separator: ".") ?? "")'")
                }
                continue
            }
            if field.target.hasPrefix("extra.") {
                switch value {
                case .text(let text): extra[String(field.target.dropFirst(6))] = text
                case .number(let number): extra[String(field.target.dropFirst(6))] = number
                case .bool(let flag): extra[String(field.target.dropFirst(6))] = flag
                }
                continue
            }
            let canonical: CanonicalValue =
                switch value {
                case .text(let text): .text(text)
                case .number(let number): .number(number)
                case .bool(let flag): .bool(flag)
                }
            _ = try CanonicalColumns.assign(field.target, canonical, to: &record)
        }
        try CanonicalColumns.validate(record)
        record.extra = JSONText.object(extra)
        return record
    }

    /// One field's value: the constant or the source value, through regex, map, time format and unit;
    /// nil when absent and without a default.
    private mutating func value(
        of field: Mapping.Field, lookup: ([String]) -> Any?
    ) throws(RecordProblem) -> Mapping.Constant? {
        if let constant = field.constant { return constant }
        guard let source = field.path.flatMap(lookup), (source as? String)?.isEmpty != true else {
            return field.defaultValue
        }
        guard var value = Mapping.Constant(json: source) else {
            throw RecordProblem(
                "\(field.target): '\(field.path!.joined(separator: "."))' is an object or array, not a value")
        }
        if let pattern = field.regex {
            let text = Self.text(value)
            switch regexes[pattern]?.firstCapture(in: text) ?? .noMatch {
            case .match(let capture): value = .text(capture)
            case .noMatch:
                if let fallback = field.defaultValue { return fallback }
                throw RecordProblem("\(field.target): '\(text.prefix(60))' does not match /\(pattern)/")
            case .overBudget:
                throw RecordProblem(
                    "\(field.target): /\(pattern.prefix(60))/ ran past its matching budget on '\(text.prefix(60))' "
                        + "(a pattern that backtracks; see docs/mappings.md)")
            }
        }
        if let map = field.map {
            guard let mapped = map[Self.text(value)] else {
                if let fallback = field.defaultValue { return fallback }
                throw RecordProblem(
                    "\(field.target): '\(Self.text(value).prefix(60))' is not one of the mapped values (\(map.keys.sorted().joined(separator: ", ")))"
                )
            }
            value = mapped
        }
        if let format = field.timeFormat {
            guard let milliseconds = dates.epochMilliseconds(Self.text(value), format: format) else {
                throw RecordProblem(
                    "\(field.target): '\(Self.text(value).prefix(60))' is not a time in the mapping's format")
            }
            value = .number(milliseconds)
        }
        if let unit = field.unit {
            let number: Double? =
                switch value {
                case .number(let number): number
                case .text(let text): Double(text.trimmingWhitespace())
                case .bool: nil
                }
            guard let number, number.isFinite else {
                throw RecordProblem("\(field.target): '\(Self.text(value).prefix(60))' is not a number")
            }
            value = .number(number * unit.factor(to: Mapping.kind(of: field.target))!)
        }
        return value
    }

    private static func text(_ value: Mapping.Constant) -> String {
        switch value {
        case .text(let text): text
        case .number(let number): JSONValue.text(number)
        case .bool(let flag): flag ? "true" : "false"
        }
    }
}

/// Timestamp parsers, one per format, made once per file (formatters are costly to create).
struct DateParsers {
    private var formatters: [String: DateFormatter] = [:]
    private let iso = ISO8601DateFormatter()
    private let isoFractional: ISO8601DateFormatter = {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }()

    mutating func epochMilliseconds(_ text: String, format: Mapping.TimeFormat) -> Double? {
        let date: Date?
        switch format {
        case .iso8601:
            date = isoFractional.date(from: text) ?? iso.date(from: text)
        case .javascript:
            // `Wed Jun 07 2017 02:05:00 GMT+0100 (BST)`: the zone name in parentheses is informative only.
            let core = text.range(of: " (").map { String(text[..<$0.lowerBound]) } ?? text
            date = formatter("EEE MMM dd yyyy HH:mm:ss 'GMT'Z", timeZone: "UTC").date(from: core)
        case .pattern(let pattern, let zone):
            date = formatter(pattern, timeZone: zone).date(from: text)
        }
        return date.map { $0.timeIntervalSince1970 * 1000 }
    }

    private mutating func formatter(_ pattern: String, timeZone: String) -> DateFormatter {
        let key = pattern + "\u{0}" + timeZone
        if let known = formatters[key] { return known }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: timeZone) ?? TimeZone(abbreviation: timeZone)
        formatter.dateFormat = pattern
        formatters[key] = formatter
        return formatter
    }
}
