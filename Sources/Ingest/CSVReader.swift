import Store

/// Reads canonical CSV (RFC 4180): a header row naming canonical fields (`CanonicalColumns`), then one
/// invocation per row. Quoted fields may hold commas, doubled quotes and newlines. Columns that are
/// not canonical are kept in `extra`; empty cells are absent values.
struct CSVReader: RecordReader {
    let template: InvocationRecord
    private var header: [String]?
    private var pending: [UInt8] = []  // a record whose quoted field continues on the next line
    private var pendingLine = 0

    init(template: InvocationRecord) {
        self.template = template
    }

    mutating func read(_ line: Line, into sink: FileSink) throws {
        if let problem = TextCheck.problem(in: line.bytes) {
            return try sink.reject(line: line.number, reason: problem, raw: TextCheck.printable(line.bytes))
        }
        let startLine = pending.isEmpty ? line.number : pendingLine
        var text = pending
        if !pending.isEmpty { text.append(UInt8(ascii: "\n")) }
        text.append(contentsOf: line.bytes)
        guard let cells = Self.split(text) else {
            if text.count > LineReader.defaultMaxLineLength {
                pending = []
                return try sink.reject(line: startLine, reason: "quoted field never closes within 4 MiB")
            }
            pending = text
            pendingLine = startLine
            return
        }
        pending = []
        try handle(cells, line: startLine, raw: text, into: sink)
    }

    mutating func finish(into sink: FileSink) throws {
        guard !pending.isEmpty else { return }
        try sink.reject(line: pendingLine, reason: "quoted field not closed at end of file (truncated?)",
                        raw: String(decoding: pending, as: UTF8.self))
    }

    private mutating func handle(_ cells: [String], line: Int, raw: [UInt8], into sink: FileSink) throws {
        guard let header else {
            let names = cells.map { $0.trimmingWhitespace() }
            if let duplicate = Dictionary(grouping: names, by: { $0 }).first(where: { $0.value.count > 1 })?.key {
                throw CSVHeaderError(reason: "duplicate column '\(duplicate)' in the header")
            }
            self.header = names
            return
        }
        if cells.count == 1, cells[0].isEmpty { return }  // blank line
        do {
            guard cells.count == header.count else {
                throw RecordProblem("\(cells.count) fields, but the header has \(header.count)")
            }
            var record = template
            var extra: [String: Any] = [:]
            for (name, cell) in zip(header, cells) {
                if try !CanonicalColumns.assign(name, cell.isEmpty ? .null : .text(cell), to: &record), !cell.isEmpty {
                    extra[name] = cell
                }
            }
            try CanonicalColumns.validate(record)
            record.extra = JSONText.object(extra)
            try sink.add(record, line: line)
        } catch let problem as RecordProblem {
            try sink.reject(line: line, reason: problem.reason, raw: String(decoding: raw, as: UTF8.self))
        }
    }

    /// Splits one CSV record; nil when it ends inside a quoted field (the record goes on).
    static func split(_ bytes: [UInt8]) -> [String]? {
        var cells: [String] = []
        var cell: [UInt8] = []
        var quoted = false
        var i = 0
        while i < bytes.count {
            let byte = bytes[i]
            if quoted {
                if byte == UInt8(ascii: "\"") {
                    if i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "\"") {
                        cell.append(byte)
                        i += 1
                    } else {
                        quoted = false
                    }
                } else {
                    cell.append(byte)
                }
            } else if byte == UInt8(ascii: ",") {
                cells.append(String(decoding: cell, as: UTF8.self))
                cell.removeAll(keepingCapacity: true)
            } else if byte == UInt8(ascii: "\"") && cell.isEmpty {
                quoted = true
            } else {
                cell.append(byte)
            }
            i += 1
        }
        if quoted { return nil }
        cells.append(String(decoding: cell, as: UTF8.self))
        return cells
    }
}

/// A CSV header that cannot be used; the whole file is rejected.
struct CSVHeaderError: Error {
    let reason: String
}

extension String {
    func trimmingWhitespace() -> String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
