import Foundation
import Store

/// A mapping file that cannot be used: names the file, the key and the line it is on.
public struct MappingError: Error, CustomStringConvertible, Equatable {
    public let file: String
    public let key: String?
    public let line: Int?
    public let reason: String

    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        if let key { text += ": '\(key)'" }
        return text + ": " + reason
    }
}

extension Mapping {
    /// The mappings shipped with the tool (`Sources/Ingest/Mappings`), by name.
    public static func builtIn(named name: String) -> URL? {
        Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Mappings")
    }

    /// The built-in mappings' names, sorted.
    static let builtInMappingNames: [String] =
        Bundle.module.paths(forResourcesOfType: "json", inDirectory: "Mappings")
        .map { (($0 as NSString).lastPathComponent as NSString).deletingPathExtension }.sorted()

    /// Built-in mappings with a `detect` pattern, read once.
    private static let detectable: [(name: String, pattern: BoundedRegex)] = builtInMappingNames.compactMap { name in
        guard let mapping = try? Mapping(named: name), let detect = mapping.detect,
            let pattern = try? BoundedRegex(detect)
        else { return nil }
        return (name, pattern)
    }

    /// The built-in mapping whose `detect` pattern the line matches.
    static func detecting(_ line: String) -> String? {
        detectable.first {
            if case .match = $0.pattern.firstCapture(in: line) { true } else { false }
        }?.name
    }

    /// Reads a mapping from a file path, or a built-in mapping's name.
    public init(named nameOrPath: String, relativeTo directory: String? = nil) throws {
        if !nameOrPath.contains("/"), !nameOrPath.hasSuffix(".json"), let url = Self.builtIn(named: nameOrPath) {
            try self.init(contentsOf: url.path, origin: "built-in mapping '\(nameOrPath)'")
        } else {
            let path =
                nameOrPath.hasPrefix("/") || directory == nil
                ? nameOrPath : (directory! as NSString).appendingPathComponent(nameOrPath)
            try self.init(contentsOf: path, origin: path)
        }
    }

    init(contentsOf path: String, origin: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw MappingError(file: origin, key: nil, line: nil, reason: "cannot read the file")
        }
        try self.init(json: data, origin: origin)
    }

    public init(json data: Data, origin: String) throws {
        let text = String(decoding: data, as: UTF8.self)
        func fail(_ keyPath: [String], _ reason: String) -> MappingError {
            MappingError(
                file: origin, key: keyPath.isEmpty ? nil : keyPath.joined(separator: "."),
                line: Self.line(of: keyPath, in: text), reason: reason)
        }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            // Foundation names the byte offset: in userInfo on Darwin, in the message ("around character 48") on Linux.
            let info = (error as NSError).userInfo
            let index =
                info["NSJSONSerializationErrorIndex"] as? Int
                ?? (info["NSDebugDescription"] as? String).flatMap { message in
                    message.range(of: "character ").flatMap { Int(message[$0.upperBound...].prefix { $0.isNumber }) }
                }
            let line = index.map { index in text.utf8.prefix(index).reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) } }
            throw MappingError(file: origin, key: nil, line: line, reason: "not valid JSON")
        }
        guard let root = object as? [String: Any] else { throw fail([], "the top level must be a JSON object") }
        let known: Set = [
            "input", "header", "columns", "fields", "keep_unmapped", "description", "instance_named_by_first_request",
            "detect", "explode", "skip_lines", "header_line", "end_at",
        ]
        if let unknown = root.keys.sorted().first(where: { !known.contains($0) }) {
            throw fail([unknown], "unknown key (known: \(known.sorted().joined(separator: ", ")))")
        }
        guard let inputName = root["input"] as? String, let input = Input(rawValue: inputName) else {
            throw fail(["input"], "must be \"json\" (JSON Lines or concatenated JSON objects) or \"csv\"")
        }
        self.input = input
        header = try Self.flag(root, "header", default: true, fail)
        keepUnmapped = try Self.flag(root, "keep_unmapped", default: true, fail)
        instanceNamedByFirstRequest = try Self.flag(root, "instance_named_by_first_request", default: false, fail)
        if let pattern = root["detect"] {
            guard let text = pattern as? String, (try? BoundedRegex(text)) != nil else {
                throw fail(["detect"], "a regular expression for the first line of a file")
            }
            detect = text
        } else {
            detect = nil
        }
        if let columns = root["columns"] {
            guard input == .csv, let names = columns as? [String], !names.isEmpty else {
                throw fail(["columns"], "a non-empty array of column names, for CSV input")
            }
            self.columns = names
        } else {
            columns = nil
        }
        if input == .csv, !header, columns == nil {
            throw fail(["header"], "a CSV without a header row needs \"columns\"")
        }
        func pattern(_ key: String) throws -> String? {
            guard let value = root[key] else { return nil }
            guard let text = value as? String, !text.isEmpty, (try? BoundedRegex(text)) != nil else {
                throw fail([key], "a regular expression (ICU syntax) for a line")
            }
            return text
        }
        skipLines = try pattern("skip_lines")
        endAt = try pattern("end_at")
        if let raw = root["explode"] {
            guard input == .json, let path = raw as? String, Self.splitPath(path).contains("*") else {
                throw fail(["explode"], "a path with at least one '*' step (\"results.*\"), for JSON input")
            }
            explode = Self.splitPath(path)
        } else {
            explode = nil
        }
        if let raw = root["header_line"] {
            guard input == .csv, header, let number = raw as? NSNumber, !JSONText.isBool(number),
                let line = Int(exactly: number.doubleValue), line >= 1
            else {
                throw fail(["header_line"], "the header row's line number (1 or more), for CSV input with a header")
            }
            headerLine = line
        } else {
            headerLine = 1
        }
        guard let fieldObject = root["fields"] as? [String: Any], !fieldObject.isEmpty else {
            throw fail(["fields"], "an object from canonical column to source field")
        }
        var expressions = 0
        let wildcards = explode?.filter { $0 == "*" }.count ?? 0
        fields = try fieldObject.keys.sorted().map { target in
            try Self.field(target, fieldObject[target]!, wildcards: wildcards, expressions: &expressions, fail)
        }
        self.origin = origin
        // Every expression compiles in the sandbox now, so that a mistake names its key before any file is read.
        do throws(SandboxedExpressions.Failure) {
            _ = try SandboxedExpressions(self.expressions)
        } catch {
            var target = "?"
            for field in fields {
                if case .sql(_, let index) = field.source, index == error.index { target = field.target }
            }
            throw fail(["fields", target, "sql"], "not a usable SQLite expression: \(error.reason)")
        }
    }

    private static func flag(
        _ object: [String: Any], _ key: String, default value: Bool, _ fail: ([String], String) -> MappingError
    ) throws -> Bool {
        guard let raw = object[key] else { return value }
        guard let number = raw as? NSNumber, JSONText.isBool(number) else {
            throw fail([key], "must be true or false")
        }
        return number.boolValue
    }

    private static func field(
        _ target: String, _ spec: Any, wildcards: Int, expressions: inout Int,
        _ fail: ([String], String) -> MappingError
    ) throws -> Field {
        let keyPath = ["fields", target]
        let isExtra = target.hasPrefix("extra.") && target.count > 6
        guard isExtra || CanonicalColumns.setters[target] != nil else {
            throw fail(keyPath, "not a canonical column (see docs/formats.md) nor extra.<name>")
        }
        if let path = spec as? String {
            return Field(
                target: target, source: Self.pathSource(path), regex: nil, map: nil, unit: nil, timeFormat: nil,
                defaultValue: nil, required: false)
        }
        guard let options = spec as? [String: Any] else { throw fail(keyPath, "a source path (string) or an object") }
        let known: Set = [
            "path", "const", "sql", "key", "file", "regex", "map", "unit", "format", "timezone", "default", "required",
        ]
        if let unknown = options.keys.sorted().first(where: { !known.contains($0) }) {
            throw fail(keyPath + [unknown], "unknown key (known: \(known.sorted().joined(separator: ", ")))")
        }
        func string(_ key: String) throws -> String? {
            guard let value = options[key] else { return nil }
            guard let text = value as? String, !text.isEmpty else {
                throw fail(keyPath + [key], "must be a non-empty string")
            }
            return text
        }
        func constant(_ value: Any, _ key: [String]) throws -> Constant {
            guard let constant = Constant(json: value) else {
                throw fail(key, "must be a string, number, or true/false")
            }
            return constant
        }
        let sources = ["path", "const", "sql", "key", "file"].filter { options[$0] != nil }
        guard sources.count == 1 else {
            throw fail(keyPath, "needs exactly one of \"path\", \"const\", \"sql\", \"key\" and \"file\"")
        }
        let source: Source
        switch sources[0] {
        case "path": source = Self.pathSource(try string("path")!)
        case "const": source = .constant(try constant(options["const"]!, keyPath + ["const"]))
        case "sql":
            source = .sql(try string("sql")!, index: expressions)
            expressions += 1
        case "key":
            guard let number = options["key"] as? NSNumber, !JSONText.isBool(number),
                let key = Int(exactly: number.doubleValue), (1...max(wildcards, 1)).contains(key), wildcards > 0
            else {
                throw fail(
                    keyPath + ["key"],
                    wildcards == 0
                        ? "needs an \"explode\" path with a '*'"
                        : "the number of a '*' in \"explode\", 1 to \(wildcards)")
            }
            source = .key(key)
        default:
            guard (options["file"] as? NSNumber).map({ JSONText.isBool($0) && $0.boolValue }) == true else {
                throw fail(keyPath + ["file"], "true: the value is the file's path (take it apart with \"regex\")")
            }
            source = .file
        }
        let regex = try string("regex")
        if let regex {
            do { _ = try BoundedRegex(regex) } catch {
                throw fail(keyPath + ["regex"], "not a valid regular expression")
            }
        }
        var map: [String: Constant]?
        if let raw = options["map"] {
            guard let object = raw as? [String: Any], !object.isEmpty else {
                throw fail(keyPath + ["map"], "an object from source value to value")
            }
            map = try object.mapValues { try constant($0, keyPath + ["map"]) }
        }
        var unit: Unit?
        if let name = try string("unit") {
            guard let parsed = Unit(rawValue: name) else {
                throw fail(
                    keyPath + ["unit"], "unknown unit (known: \(Unit.allCases.map(\.rawValue).joined(separator: ", ")))"
                )
            }
            let kind = isExtra ? .other : kind(of: target)
            guard parsed.factor(to: kind) != nil else {
                throw fail(keyPath + ["unit"], "'\(name)' does not fit \(target) (" + Self.units(for: kind) + ")")
            }
            unit = parsed
        }
        var timeFormat: TimeFormat?
        if let format = try string("format") {
            guard isExtra || kind(of: target) == .epochMs else {
                throw fail(
                    keyPath + ["format"],
                    "a time format only applies to the timestamp columns (request_sent_ms, response_received_ms, "
                        + "function_start_ms, function_end_ms, vm_boot_time_ms)"
                )
            }
            switch format {
            case "iso8601": timeFormat = .iso8601
            case "javascript": timeFormat = .javascript
            default:
                let zone = try string("timezone") ?? "UTC"
                guard TimeZone(identifier: zone) != nil || TimeZone(abbreviation: zone) != nil else {
                    throw fail(keyPath + ["timezone"], "unknown time zone")
                }
                timeFormat = .pattern(format, timeZone: zone)
            }
        } else if options["timezone"] != nil {
            throw fail(keyPath + ["timezone"], "only applies together with a \"format\" pattern")
        }
        let defaultValue = try options["default"].map { try constant($0, keyPath + ["default"]) }
        let required = try flag(options, "required", default: false) { fail(keyPath + $0, $1) }
        return Field(
            target: target, source: source, regex: regex, map: map, unit: unit, timeFormat: timeFormat,
            defaultValue: defaultValue, required: required)
    }

    private static func units(for kind: ColumnKind) -> String {
        switch kind {
        case .epochMs: "epoch_s, epoch_ms, epoch_us, epoch_ns, or a \"format\" for strings"
        case .milliseconds, .seconds: "s, ms, us, ns, min, h"
        case .megabytes: "MB, GB"
        case .other: "this column takes no unit"
        }
    }

    /// `a.b.0` -> ["a", "b", "0"]; a CSV column name is one step.
    /// A path in the record, or with a leading `/` in the source object above an exploded record.
    private static func pathSource(_ path: String) -> Source {
        path.hasPrefix("/") ? .rootPath(splitPath(String(path.dropFirst()))) : .path(splitPath(path))
    }

    static func splitPath(_ path: String) -> [String] {
        path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    }

    /// The line of the last key of `keyPath`, found by looking for each key's quoted name in order.
    static func line(of keyPath: [String], in text: String) -> Int? {
        var position = text.startIndex
        for key in keyPath {
            guard let found = text.range(of: "\"\(key)\"", range: position..<text.endIndex) else { return nil }
            position = found.lowerBound
        }
        guard !keyPath.isEmpty else { return nil }
        return text[..<position].reduce(1) { $0 + ($1 == "\n" ? 1 : 0) }
    }
}
