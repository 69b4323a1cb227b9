import Foundation

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
            "detect",
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
        guard let fieldObject = root["fields"] as? [String: Any], !fieldObject.isEmpty else {
            throw fail(["fields"], "an object from canonical column to source field")
        }
        fields = try fieldObject.keys.sorted().map { target in
            try Self.field(target, fieldObject[target]!, fail)
        }
        self.origin = origin
    }

    private static func flag(
        _ object: [String: Any], _ key: String, default value: Bool, _ fail: ([String], String) -> MappingError
    ) throws -> Bool {
        guard let raw = object[key] else { return value }
        guard let number = raw as? NSNumber, JSONValue.isBool(number) else {
            throw fail([key], "must be true or false")
        }
        return number.boolValue
    }

    private static func field(_ target: String, _ spec: Any, _ fail: ([String], String) -> MappingError) throws -> Field
    {
        let keyPath = ["fields", target]
        let isExtra = target.hasPrefix("extra.") && target.count > 6
        guard isExtra || CanonicalColumns.setters[target] != nil else {
            throw fail(keyPath, "not a canonical column (see docs/formats.md) nor extra.<name>")
        }
        if let path = spec as? String {
            return Field(
                target: target, path: splitPath(path), constant: nil, regex: nil, map: nil, unit: nil, timeFormat: nil,
                defaultValue: nil, required: false)
        }
        guard let options = spec as? [String: Any] else { throw fail(keyPath, "a source path (string) or an object") }
        let known: Set = ["path", "const", "regex", "map", "unit", "format", "timezone", "default", "required"]
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
        let path = try string("path").map(splitPath)
        let const = try options["const"].map { try constant($0, keyPath + ["const"]) }
        guard (path == nil) != (const == nil) else {
            throw fail(keyPath, "needs exactly one of \"path\" and \"const\"")
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
                    "a time format only applies to the timestamp columns (request_sent_ms, response_received_ms, function_start_ms, function_end_ms)"
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
            target: target, path: path, constant: const, regex: regex, map: map, unit: unit, timeFormat: timeFormat,
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
    private static func splitPath(_ path: String) -> [String] {
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
