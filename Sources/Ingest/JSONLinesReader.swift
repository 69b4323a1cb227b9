import Foundation
import Store

/// Reads canonical JSON Lines: one JSON object per line whose keys are the canonical fields
/// (`CanonicalColumns`); other keys are kept in `extra`. Blank lines are skipped.
struct JSONLinesReader: RecordReader {
    let template: InvocationRecord
    private let document = JSONDocument()

    init(template: InvocationRecord) {
        self.template = template
    }

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
        do {
            try document.parse(line.bytes)
        } catch {
            throw error.endsEarly && line.unterminated
                ? RecordProblem(error.problem.reason + " (the file ends inside this line: truncated?)") : error.problem
        }
        let object = document.root
        guard object.kind == .object else { throw RecordProblem("not a JSON object") }
        let members = object.members
        guard members.contains(where: { CanonicalColumns.setters[$0.name] != nil }) else {
            let keys = Set(members.map(\.name)).sorted()
            throw RecordProblem(
                "no canonical field (keys: \(keys.prefix(6).joined(separator: ", "))\(keys.count > 6 ? ", ..." : "")): "
                    + "not an invocation of this format")
        }
        var record = template
        var extra: [String: Any] = [:]
        // A name given twice counts once, with its last value (as a dictionary keeps it).
        let last = Dictionary(members.enumerated().map { ($0.element.name, $0.offset) }, uniquingKeysWith: { $1 })
        for (offset, (name, value)) in members.enumerated() where last[name] == offset {
            let canonical: CanonicalValue
            if value.kind == .null {
                canonical = .null
            } else if let scalar = value.scalar {
                canonical = CanonicalValue(scalar)
            } else {
                extra[name] = value.foundationObject  // nested objects and arrays have no canonical column
                continue
            }
            if try !CanonicalColumns.assign(name, canonical, to: &record) { extra[name] = value.foundationObject }
        }
        try CanonicalColumns.validate(record)
        record.extra = JSONText.object(extra)
        return record
    }
}
