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
        // Keys are matched as bytes, in the order written; other keys go to `extra`, where a later value
        // of a name replaces an earlier one.
        var record = template
        var extra: [String: Any] = [:]
        var assigned: UInt64 = 0  // the canonical columns set so far, by index in `CanonicalColumns.names`
        var repeated = false
        do {
            try object.forEachMemberNode { (key, value) throws(RecordProblem) in
                guard let column = CanonicalColumns.column(of: key, in: document) else {
                    extra[document.string(key)] = value.foundationObject
                    return
                }
                guard assigned & (1 << column) == 0 else {
                    repeated = true
                    return
                }
                assigned |= 1 << column
                if let canonical = Self.canonical(value) {
                    try CanonicalColumns.assign(column: column, canonical, to: &record)
                } else {
                    extra[CanonicalColumns.names[column]] = value.foundationObject
                }
            }
        } catch {
            repeated = true  // the reference path below says what is wrong, or that a later value of the name is right
        }
        if repeated { return try parseWithRepeatedNames(object) }
        guard assigned != 0 else { throw Self.noCanonicalField(object) }
        try CanonicalColumns.validate(record)
        record.extra = JSONText.object(extra)
        return record
    }

    /// A scalar or null as a canonical field's value; nil for an object or array (no canonical column holds one).
    private static func canonical(_ value: JSONNode) -> CanonicalValue? {
        value.kind == .null ? .null : value.scalar.map(CanonicalValue.init)
    }

    /// A canonical name given twice counts once, with its last value (as a dictionary keeps it). Also the
    /// reference for every record the fast path finds a problem in.
    private func parseWithRepeatedNames(_ object: JSONNode) throws(RecordProblem) -> InvocationRecord {
        let members = object.members
        var record = template
        var extra: [String: Any] = [:]
        let last = Dictionary(members.enumerated().map { ($0.element.name, $0.offset) }, uniquingKeysWith: { $1 })
        for (offset, (name, value)) in members.enumerated() where last[name] == offset {
            guard let canonical = Self.canonical(value),
                try CanonicalColumns.assign(name, canonical, to: &record)
            else {
                extra[name] = value.foundationObject
                continue
            }
        }
        try CanonicalColumns.validate(record)
        record.extra = JSONText.object(extra)
        return record
    }

    private static func noCanonicalField(_ object: JSONNode) -> RecordProblem {
        let keys = Set(object.members.map(\.name)).sorted()
        return RecordProblem(
            "no canonical field (keys: \(keys.prefix(6).joined(separator: ", "))\(keys.count > 6 ? ", ..." : "")): "
                + "not an invocation of this format")
    }
}
