import Foundation
import Store

/// Reads canonical JSON Lines: one JSON object per line whose keys are the canonical fields
/// (`CanonicalColumns`); other keys are kept in `extra`. Blank lines are skipped.
struct JSONLinesReader: RecordReader {
    let template: InvocationRecord

    mutating func read(_ line: Line, into sink: any RecordSink) throws {
        if line.bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return }
        if let problem = TextCheck.problem(in: line.bytes) {
            return try sink.reject(line: line.number, reason: problem, raw: TextCheck.printable(line.bytes))
        }
        do {
            try sink.add(try parse(line), line: line.number)
        } catch let problem as RecordProblem {
            try sink.reject(line: line.number, reason: problem.reason, raw: String(decoding: line.bytes, as: UTF8.self))
        }
    }

    private func parse(_ line: Line) throws(RecordProblem) -> InvocationRecord {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(buffer: line.bytes), options: [.fragmentsAllowed])
        } catch {
            throw RecordProblem(
                "not valid JSON" + (line.unterminated ? " (the file ends inside this line: truncated?)" : ""))
        }
        if JSONStrictness.hasTrailingComma(line.bytes) {
            throw RecordProblem("not valid JSON (a comma before a closing bracket)")
        }
        guard let fields = object as? [String: Any] else { throw RecordProblem("not a JSON object") }
        var record = template
        var extra: [String: Any] = [:]
        guard fields.keys.contains(where: { CanonicalColumns.setters[$0] != nil }) else {
            let keys = fields.keys.sorted()
            throw RecordProblem(
                "no canonical field (keys: \(keys.prefix(6).joined(separator: ", "))\(keys.count > 6 ? ", ..." : "")): "
                    + "not an invocation of this format")
        }
        for (name, value) in fields {
            let canonical: CanonicalValue
            switch value {
            case is NSNull: canonical = .null
            case let text as String: canonical = .text(text)
            case let number as NSNumber where JSONValue.isBool(number): canonical = .bool(number.boolValue)
            case let number as NSNumber: canonical = .number(number.doubleValue)
            default:
                extra[name] = value  // nested objects and arrays have no canonical column
                continue
            }
            if try !CanonicalColumns.assign(name, canonical, to: &record) { extra[name] = value }
        }
        try CanonicalColumns.validate(record)
        record.extra = JSONText.object(extra)
        return record
    }
}
