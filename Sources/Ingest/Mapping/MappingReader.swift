import Foundation
import Store

/// Reads records of a format described by a `Mapping`: JSON objects (JSON Lines, pretty-printed or
/// comma-separated objects, or arrays of objects; with `explode`, the elements inside each) or CSV rows,
/// each turned into one invocation. `sql` fields run in `SandboxedExpressions`.
struct MappingReader: RecordReader {
    private let mapping: Mapping
    private let template: InvocationRecord
    /// The CSV columns fields read (few: compared one by one).
    private let usedNames: [String]
    /// The record paths fields and `v('...')` literals read, walked once per JSON record.
    private let jsonPaths: JSONPaths
    private let skipLines: BoundedRegex?
    private let endAt: BoundedRegex?
    private let expressions: SandboxedExpressions
    /// The file's path as its manifest sees it (`file` fields, `file()`).
    private let path: String
    private var dates = DateParsers()
    private let json = JSONRecords(shape: .topLevelValues)
    private let csv = CSVRecords()
    private var header: [String]?
    private var ended = false
    /// Fields that have given a value in this file, by index (to name paths that never did).
    private var seen: [Bool]
    /// The mapping's fields with what every record needs of them worked out once.
    private let fields: [PreparedField]
    /// Source records met in this file, stored or rejected.
    private var records = 0
    /// The paths `v('...')` reads, split once, and whether a record of this file had them.
    private let valuePaths: ValuePaths

    init(_ mapping: Mapping, file: FileContext) throws {
        self.mapping = mapping
        var template = file.template
        template.instanceIDIsFirstRequestID = template.instanceIDIsFirstRequestID || mapping.instanceNamedByFirstRequest
        self.template = template
        // The record paths fields read, by path or through `v('...')`: the members they start at are not
        // kept again in `extra`.
        let recordPaths =
            mapping.fields.compactMap { if case .path(let path) = $0.source { path } else { nil } }
            + mapping.sqlPaths.values.flatMap { $0 }.filter { !$0.hasPrefix("/") }.map(Mapping.splitPath)
        usedNames = Array(Set(recordPaths.compactMap(\.first))).sorted()
        let jsonPaths = JSONPaths(recordPaths)
        self.jsonPaths = jsonPaths
        fields = try mapping.fields.enumerated().map { try PreparedField($1, index: $0, paths: jsonPaths) }
        skipLines = try mapping.skipLines.map(BoundedRegex.init)
        endAt = try mapping.endAt.map(BoundedRegex.init)
        expressions = try SandboxedExpressions(mapping.expressions)
        path = file.relativePath
        header = mapping.header ? nil : mapping.columns
        seen = Array(repeating: false, count: mapping.fields.count)
        valuePaths = ValuePaths(expressions, paths: jsonPaths)
    }

    mutating func read(_ line: Line, into sink: any RecordSink) throws {
        if ended || (mapping.input == .csv && line.number < mapping.headerLine) { return }
        if skipLines != nil || endAt != nil {
            let text = String(decoding: line.bytes, as: UTF8.self)
            if let endAt, Self.matches(endAt, text) {
                ended = true
                return
            }
            if let skipLines, Self.matches(skipLines, text) { return }
        }
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
        // A path no record of the file has is a mistake in the mapping or a file of another shape.
        guard records > 0 else { return }
        for (index, field) in mapping.fields.enumerated() where !seen[index] && field.defaultValue == nil {
            switch field.source {
            case .path(let steps), .rootPath(let steps):
                try sink.reject(
                    line: nil,
                    reason: "\(problemPrefix(field)) no record of this file has '\(steps.joined(separator: "."))'")
            case .sql:
                for steps in mapping.sqlPaths[field.target, default: []] where !valuePaths.found(steps) {
                    try sink.reject(
                        line: nil, reason: "\(problemPrefix(field)) no record of this file has '\(steps)' (read by v())"
                    )
                }
            default: continue
            }
        }
    }

    private static func matches(_ regex: BoundedRegex, _ text: String) -> Bool {
        if case .match = regex.firstCapture(in: text) { true } else { false }
    }

    /// Names the mapping and the key in a record's reject (the reject itself names file and line).
    private func problemPrefix(_ field: Mapping.Field) -> String {
        "mapping \((mapping.origin as NSString).lastPathComponent), 'fields.\(field.target)':"
    }

    private mutating func addJSON(_ value: JSONNode, line: Int, into sink: any RecordSink) throws {
        if value.kind == .array {
            // Each element on its own: a broken one costs itself only.
            for element in value.elements {
                do {
                    try addJSON(element, line: line, into: sink)
                } catch let problem as RecordProblem {
                    try sink.reject(line: line, reason: problem.reason)
                }
            }
            return
        }
        guard value.kind == .object else { throw RecordProblem("not a JSON object") }
        guard let explode = mapping.explode else {
            return try add(source(value, root: value, keys: []), line: line, into: sink)
        }
        // One source object, a record for every element the path reaches; a branch the path cannot
        // follow, or an element that cannot be read, costs itself only.
        var problems: [RecordProblem] = []
        for element in Self.explode(value, along: explode[...], keys: [], problems: &problems) {
            do {
                try add(source(element.value, root: value, keys: element.keys), line: line, into: sink)
            } catch let problem as RecordProblem {
                try sink.reject(line: line, reason: problem.reason)
            }
        }
        for problem in problems { try sink.reject(line: line, reason: problem.reason) }
    }

    /// The elements `path` reaches in `value`, each with the keys its `*` steps matched (array indices
    /// as numbers; object members in key order, for the same records on every run); a branch it cannot
    /// follow is a problem of its own.
    private static func explode(
        _ value: JSONNode, along path: ArraySlice<String>, keys: [ExplodeKey], problems: inout [RecordProblem]
    ) -> [(value: JSONNode, keys: [ExplodeKey])] {
        guard let step = path.first else { return [(value, keys)] }
        let rest = path.dropFirst()
        if step != "*" {
            guard let next = value.value(at: [step]) else {
                problems.append(RecordProblem("explode: no '\(step)' after \(keys.count) '*' step(s), so no records"))
                return []
            }
            return explode(next, along: rest, keys: keys, problems: &problems)
        }
        switch value.kind {
        case .array:
            return value.elements.enumerated().flatMap { index, element in
                explode(element, along: rest, keys: keys + [.index(index)], problems: &problems)
            }
        case .object:
            let members = Dictionary(value.members.map { ($0.name, $0.value) }, uniquingKeysWith: { $1 })
            return members.keys.sorted().flatMap { name in
                explode(members[name]!, along: rest, keys: keys + [.name(name)], problems: &problems)
            }
        default:
            problems.append(
                RecordProblem(
                    "explode: step \(keys.count + 1) ('*') meets "
                        + "\(value.text.map { "'\($0.prefix(40))'" } ?? "null"), not an array or object"))
            return []
        }
    }

    private mutating func addRow(_ cells: [String], line: Int, into sink: any RecordSink) throws {
        guard let header else {
            let names = cells.map { $0.trimmingWhitespace() }
            let columns = mapping.fields.compactMap { if case .path(let path) = $0.source { path.first } else { nil } }
            if let missing = columns.first(where: { !names.contains($0) }) {
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
        try add(CSVSource(row: row, used: usedNames), line: line, into: sink)
    }

    /// A JSON record as the fields see it, its paths walked.
    private func source(_ record: JSONNode, root: JSONNode, keys: [ExplodeKey]) -> JSONSource {
        jsonPaths.walk(record)
        return JSONSource(record: record, root: root, keys: keys, paths: jsonPaths)
    }

    private mutating func add(_ source: some MappedSource, line: Int, into sink: any RecordSink) throws {
        records += 1
        var record = template
        try fill(&record, from: source)
        try sink.add(consume record, line: line)
    }

    /// Applies every field of the mapping to one source record (in place: a record returned by value was
    /// copied once more).
    private mutating func fill(
        _ record: inout InvocationRecord, from source: some MappedSource
    ) throws(RecordProblem) {
        var extra = mapping.keepUnmapped ? source.unmapped() : [:]
        for prepared in fields {
            guard let value = try value(of: prepared, in: source) else {
                if prepared.field.required {
                    throw RecordProblem("\(problemPrefix(prepared.field)) no value")
                }
                continue
            }
            if let name = prepared.extraName {
                switch value {
                case .text(let text): extra[name] = text
                case .number(let number): extra[name] = number
                case .bool(let flag): extra[name] = flag
                }
                continue
            }
            try prepared.set(&record, value)
        }
        try CanonicalColumns.validate(record)
        record.extra = JSONText.object(extra)
    }

    /// A field's value before regex, map, format and unit: nil when absent.
    private mutating func sourceValue(
        of prepared: PreparedField, in source: some MappedSource
    ) throws(RecordProblem) -> Mapping.Constant? {
        let raw: SourceValue?
        switch prepared.field.source {
        case .constant(let constant): return constant
        case .path: raw = source.value(at: prepared.steps, number: prepared.pathNumber)
        case .rootPath(let steps): raw = source.rootValue(at: steps)
        case .key(let number): raw = source.key(number).map { .scalar($0.constant) }
        case .file: raw = .scalar(.text(path))
        case .sql(_, let index):
            let outcome: SandboxedExpressions.Outcome
            do {
                outcome = try expressions.evaluate(index) { [path, valuePaths] request in
                    switch request {
                    case .value(let number):
                        let (steps, fromRoot, pathNumber) = valuePaths.steps(number)
                        let value = Self.input(
                            fromRoot ? source.rootValue(at: steps) : source.value(at: steps, number: pathNumber))
                        if value != nil { valuePaths.markFound(number) }
                        return value
                    case .unnumberedValue(let text):
                        let (steps, fromRoot) = ValuePaths.split(text)
                        return Self.input(fromRoot ? source.rootValue(at: steps) : source.value(at: steps, number: nil))
                    case .key(let number):
                        return source.key(number).map { key in
                            switch key {
                            case .index(let index): .integer(index)
                            case .name(let name): .text(name)
                            }
                        }
                    case .file: return .text(path)
                    }
                }
            } catch {
                throw RecordProblem("\(problemPrefix(prepared.field)) the expression failed: \(error.reason)")
            }
            guard let value = outcome.value else {
                if outcome.readNull { return nil }
                throw RecordProblem(
                    "\(problemPrefix(prepared.field)) the expression gave no value although every value it reads is "
                        + "present "
                        + "(a division by zero?)")
            }
            switch value {
            case .number(let number): return .number(number)
            case .text(let text): return .text(text)
            }
        }
        switch raw {
        case nil: return nil
        case .scalar(.text(let text)) where text.isEmpty: return nil
        case .scalar(let value): return value
        case .structure: throw RecordProblem("\(problemPrefix(prepared.field)) an object or array, not a value")
        }
    }

    /// A source value as `v()` hands it to SQLite. Text stays text (a CSV cell, an id like "007"):
    /// SQLite's arithmetic reads numeric text as a number by itself.
    private static func input(_ value: SourceValue?) -> SandboxedExpressions.Input? {
        switch value {
        case nil: nil
        case .scalar(.bool(let flag)): .bool(flag)
        case .scalar(.number(let number)): .number(number)
        case .scalar(.text(let text)): .text(text)
        case .structure(let node):
            (try? JSONSerialization.data(withJSONObject: node.foundationObject, options: [.sortedKeys]))
                .map { .json(String(decoding: $0, as: UTF8.self)) }
        }
    }

    /// One field's value: the constant or the source value, through regex, map, time format and unit;
    /// nil when absent and without a default. (`prepared.field` is read member by member: a copy of the
    /// whole field would retain each of its strings, for every field of every record.)
    private mutating func value(
        of prepared: PreparedField, in source: some MappedSource
    ) throws(RecordProblem) -> Mapping.Constant? {
        guard var value = try sourceValue(of: prepared, in: source) else { return prepared.field.defaultValue }
        seen[prepared.index] = true
        if let regex = prepared.regex, let pattern = prepared.field.regex {
            let text = Self.text(value)
            switch regex.firstCapture(in: text) {
            case .match(let capture): value = .text(capture)
            case .noMatch:
                if let fallback = prepared.field.defaultValue { return fallback }
                throw RecordProblem("\(problemPrefix(prepared.field)) '\(text.prefix(60))' does not match /\(pattern)/")
            case .overBudget:
                throw RecordProblem(
                    "\(problemPrefix(prepared.field)) /\(pattern.prefix(60))/ ran past its matching budget on "
                        + "'\(text.prefix(60))' "
                        + "(a pattern that backtracks; see docs/mappings.md)")
            }
        }
        if let map = prepared.field.map {
            guard let mapped = map[Self.text(value)] else {
                if let fallback = prepared.field.defaultValue { return fallback }
                throw RecordProblem(
                    "\(problemPrefix(prepared.field)) '\(Self.text(value).prefix(60))' is not one of the mapped values "
                        + "(\(map.keys.sorted().joined(separator: ", ")))"
                )
            }
            value = mapped
        }
        if let format = prepared.field.timeFormat {
            guard let milliseconds = dates.epochMilliseconds(Self.text(value), format: format) else {
                throw RecordProblem(
                    "\(problemPrefix(prepared.field)) '\(Self.text(value).prefix(60))' is not a time in the "
                        + "mapping's format"
                )
            }
            value = .number(milliseconds)
        }
        if let factor = prepared.unitFactor {
            let number: Double? =
                switch value {
                case .number(let number): number
                case .text(let text): Double(text.trimmingWhitespace())
                case .bool: nil
                }
            guard let number, number.isFinite else {
                throw RecordProblem("\(problemPrefix(prepared.field)) '\(Self.text(value).prefix(60))' is not a number")
            }
            value = .number(number * factor)
        }
        return value
    }

    private static func text(_ value: Mapping.Constant) -> String {
        switch value {
        case .text(let text): text
        case .number(let number): Bounded.text(number)
        case .bool(let flag): flag ? "true" : "false"
        }
    }
}

/// A mapping's field with what every record needs of it worked out once (a class: one reference to pass).
private final class PreparedField {
    let field: Mapping.Field
    /// The field's place in the mapping.
    let index: Int
    /// The member of `extra` an `extra.<name>` target sets; nil for a canonical column.
    let extraName: String?
    /// The canonical column's setter; nil for `extra.` targets.
    let setter: CanonicalColumns.Setter?
    let regex: BoundedRegex?
    /// The factor from the field's unit to its column's (a unit that does not fit is refused on loading).
    let unitFactor: Double?
    /// A record path's steps (none for other sources), and its number in `JSONPaths`.
    let steps: [String]
    let pathNumber: Int?

    init(_ field: Mapping.Field, index: Int, paths: JSONPaths) throws {
        self.field = field
        self.index = index
        steps = if case .path(let steps) = field.source { steps } else { [] }
        pathNumber = if case .path(let steps) = field.source { paths.number(of: steps) } else { nil }
        extraName = field.target.hasPrefix("extra.") ? String(field.target.dropFirst(6)) : nil
        setter = CanonicalColumns.setters[field.target]
        regex = try field.regex.map(BoundedRegex.init)
        unitFactor = field.unit.map { $0.factor(to: Mapping.kind(of: field.target))! }
    }

    /// Sets the field's canonical column of `record` to `value`. (A method: the setter called from here is
    /// not copied out of the field first, a retain and release for every field of every record.)
    func set(_ record: inout InvocationRecord, _ value: Mapping.Constant) throws(RecordProblem) {
        try setter?(&record, CanonicalValue(value), field.target)
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
            if let milliseconds = JavaScriptDate.epochMilliseconds(core) { return milliseconds }
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

/// The paths a mapping's expressions read with `v('...')`, split once by the number the sandbox gives
/// each rather than on every call, and whether a record of the file had each (a class, so that the
/// expression's callback can mark them).
private final class ValuePaths {
    private let expressions: SandboxedExpressions
    private let paths: JSONPaths
    // Used on every record by the one thread that reads the file: no runtime access checks.
    @exclusivity(unchecked) private var split: [(steps: [String], fromRoot: Bool, pathNumber: Int?)] = []
    @exclusivity(unchecked) private var found: [Bool] = []

    init(_ expressions: SandboxedExpressions, paths: JSONPaths) {
        self.expressions = expressions
        self.paths = paths
    }

    /// A path's steps, whether it starts at the source object (`/a.b`) rather than the record, and its
    /// number in `JSONPaths` (literal record paths have one).
    func steps(_ number: Int) -> (steps: [String], fromRoot: Bool, pathNumber: Int?) {
        while split.count <= number {  // the sandbox numbers paths in the order met
            let (steps, fromRoot) = Self.split(expressions.path(split.count))
            split.append((steps, fromRoot, fromRoot ? nil : paths.number(of: steps)))
            found.append(false)
        }
        return split[number]
    }

    static func split(_ path: String) -> (steps: [String], fromRoot: Bool) {
        path.hasPrefix("/") ? (Mapping.splitPath(String(path.dropFirst())), true) : (Mapping.splitPath(path), false)
    }

    func markFound(_ number: Int) { found[number] = true }

    func found(_ path: String) -> Bool {
        expressions.number(ofPath: path).map { found.indices.contains($0) && found[$0] } ?? false
    }
}
