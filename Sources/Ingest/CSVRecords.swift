import Store

/// The record side of CSV (RFC 4180), shared by the canonical CSV reader and mappings: assembles
/// records from lines (a quoted field may hold newlines), splits them into cells, and turns a
/// `RecordProblem` thrown for a record into a reject naming the record's first line.
final class CSVRecords {
    private var pending: [UInt8] = []  // a record whose quoted field continues on the next line
    private var pendingLine = 0

    /// Feeds one line; `handle` gets every complete record's cells and first line number.
    func read(_ line: Line, into sink: any RecordSink, handle: ([String], Int) throws -> Void) throws {
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
        do {
            try handle(cells, startLine)
        } catch let problem as RecordProblem {
            try sink.reject(line: startLine, reason: problem.reason, raw: String(decoding: text, as: UTF8.self))
        }
    }

    func finish(into sink: any RecordSink) throws {
        guard !pending.isEmpty else { return }
        try sink.reject(line: pendingLine, reason: "quoted field not closed at end of file (truncated?)",
                        raw: String(decoding: pending, as: UTF8.self))
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
