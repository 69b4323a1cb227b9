import Foundation
import Store

/// The JSON side shared by the readers of JSON-shaped datasets: splits the text with `JSONStream`,
/// parses each part with Foundation, and turns a part that cannot be used into a reject naming its
/// line. A broken structure rejects the rest of the file once, with the line where it broke.
final class JSONRecords {
    private var stream: JSONStream
    private var lastLine = 0

    init(shape: JSONStream.Shape) {
        stream = JSONStream(shape: shape)
    }

    /// Feeds one line; `handle` gets every complete part with its parsed value and throws
    /// `RecordProblem` for a part it cannot use.
    func read(_ line: Line, into sink: any RecordSink, handle: (JSONStream.Part, Any) throws -> Void) throws {
        lastLine = line.number
        if let problem = TextCheck.problem(in: line.bytes) {
            return try sink.reject(line: line.number, reason: problem, raw: TextCheck.printable(line.bytes))
        }
        do {
            try stream.feed(line) { part in try Self.parse(part, into: sink, handle: handle) }
        } catch let broken as JSONStream.BrokenStructure {
            try sink.reject(
                line: broken.line,
                reason: "not JSON of the expected shape: \(broken.reason); the rest of the file is not read")
        }
    }

    func finish(into sink: any RecordSink, handle: (JSONStream.Part, Any) throws -> Void) throws {
        do {
            try stream.finish(lastLine: lastLine) { part in try Self.parse(part, into: sink, handle: handle) }
        } catch let broken as JSONStream.BrokenStructure {
            try sink.reject(line: broken.line, reason: broken.reason)
        }
    }

    private static func parse(
        _ part: JSONStream.Part, into sink: any RecordSink, handle: (JSONStream.Part, Any) throws -> Void
    ) throws {
        do {
            let value: Any
            do {
                value = try JSONSerialization.jsonObject(with: Data(part.bytes), options: [.fragmentsAllowed])
            } catch {
                throw RecordProblem("not valid JSON")
            }
            if JSONStrictness.hasTrailingComma(part.bytes) {
                throw RecordProblem("not valid JSON (a comma before a closing bracket)")
            }
            try handle(part, value)
        } catch let problem as RecordProblem {
            try sink.reject(
                line: part.line, reason: problem.reason,
                raw: String(decoding: part.bytes.prefix(FileSink.rawLimit), as: UTF8.self))
        }
    }
}

/// Typed access to values parsed by `JSONSerialization`.
enum JSONValue {
    /// A number, or a string holding one (several probes write numbers as strings); never true/false.
    static func number(_ value: Any?) -> Double? {
        switch value {
        // Infinity is kept, so that the record is rejected by the range check, not stored without the field.
        case let number as NSNumber where !isBool(number): number.doubleValue
        case let text as String: Double(text.trimmingWhitespace()).flatMap { $0.isNaN ? nil : $0 }
        default: nil
        }
    }

    static func text(_ value: Any?) -> String? {
        switch value {
        case let text as String: text
        case let number as NSNumber where isBool(number): number.boolValue ? "true" : "false"
        case let number as NSNumber: text(number.doubleValue)
        default: nil
        }
    }

    /// A number as text the way a person writes it: `512`, not `512.0`.
    static func text(_ number: Double) -> String {
        Bounded.text(number)
    }

    /// JSON true/false arrive as NSNumber whose type code is "c" (char), on Linux and macOS.
    static func isBool(_ number: NSNumber) -> Bool {
        String(cString: number.objCType) == "c"
    }

    /// The value at a path of object keys and array indices (`["func_data", "uptime"]`, `["points", "0"]`).
    static func value(at path: [String], in root: Any) -> Any? {
        var current: Any = root
        for step in path {
            if let object = current as? [String: Any], let next = object[step] {
                current = next
            } else if let array = current as? [Any], let index = Int(step), array.indices.contains(index) {
                current = array[index]
            } else {
                return nil
            }
        }
        return current is NSNull ? nil : current
    }
}
