import Store

/// The record side of CSV (RFC 4180), shared by the canonical CSV reader and mappings: assembles
/// records from lines (a quoted field may hold newlines), splits them into cells, and turns a
/// `RecordProblem` thrown for a record into a reject naming the record's first line.
///
/// Linear in the input whatever it holds: each line is scanned once for the quote state it leaves,
/// and a record is split once, when it is complete. A quote that never closes within
/// `maxRecordLines` lines or 4 MiB rejects the line that opened it, and each line held after it is
/// read once more as a record of its own line (one stray quote costs one record, not the rest of the
/// file; a line that opens a quote again there is rejected, so no line is read a third time).
final class CSVRecords {
    typealias Handler = ([String], Int) throws -> Void

    /// A line of a record whose quoted field goes on past it.
    private struct HeldLine {
        let number: Int
        let bytes: [UInt8]
    }

    private var pending: [HeldLine] = []
    private var pendingBytes = 0
    private var state = QuoteState()
    static let maxRecordLines = 10_000

    /// Feeds one line; `handle` gets every complete record's cells and first line number.
    func read(_ line: Line, into sink: any RecordSink, handle: Handler) throws {
        if let problem = TextCheck.problem(in: line.bytes) {
            return try sink.reject(line: line.number, reason: problem, raw: TextCheck.printable(line.bytes))
        }
        if pending.isEmpty {
            state = QuoteState()
            state.scan(line.bytes)
            guard state.continues else {
                return try complete(
                    Self.split(line.bytes) ?? [], line: line.number, raw: line.bytes, into: sink, handle)
            }
        } else {
            state.scan(CollectionOfOne(UInt8(ascii: "\n")))  // the line break is part of the quoted field
            state.scan(line.bytes)
        }
        pending.append(HeldLine(number: line.number, bytes: Array(line.bytes)))
        pendingBytes += line.bytes.count + 1
        if state.continues {
            if pending.count > Self.maxRecordLines || pendingBytes > LineReader.defaultMaxLineLength {
                try giveUp(
                    reason: "quoted field never closes within \(Self.maxRecordLines) lines or 4 MiB", into: sink, handle
                )
            }
            return
        }
        var text: [UInt8] = []
        text.reserveCapacity(pendingBytes)
        for (index, held) in pending.enumerated() {
            if index > 0 { text.append(UInt8(ascii: "\n")) }
            text.append(contentsOf: held.bytes)
        }
        let first = pending[0].number
        pending = []
        pendingBytes = 0
        try text.withUnsafeBufferPointer { bytes in
            try complete(Self.split(bytes) ?? [], line: first, raw: bytes, into: sink, handle)
        }
    }

    func finish(into sink: any RecordSink, handle: Handler) throws {
        if !pending.isEmpty {
            try giveUp(reason: "quoted field not closed at end of file (truncated?)", into: sink, handle)
        }
    }

    /// Rejects the line whose quote never closed and reads each line held after it as a record of
    /// its own; one that opens a quote of its own is rejected too.
    private func giveUp(reason: String, into sink: any RecordSink, _ handle: Handler) throws {
        let lines = pending
        pending = []
        pendingBytes = 0
        try sink.reject(line: lines[0].number, reason: reason, raw: String(decoding: lines[0].bytes, as: UTF8.self))
        for line in lines.dropFirst() {
            try line.bytes.withUnsafeBufferPointer { bytes in
                var alone = QuoteState()
                alone.scan(bytes)
                guard !alone.continues else {
                    return try sink.reject(
                        line: line.number, reason: "unclosed quote, in the lines after a quote that never closed",
                        raw: String(decoding: bytes, as: UTF8.self))
                }
                try complete(Self.split(bytes) ?? [], line: line.number, raw: bytes, into: sink, handle)
            }
        }
    }

    private func complete(
        _ cells: [String], line: Int, raw: UnsafeBufferPointer<UInt8>, into sink: any RecordSink,
        _ handle: Handler
    ) throws {
        do {
            try handle(cells, line)
        } catch let problem as RecordProblem {
            try sink.reject(line: line, reason: problem.reason, raw: String(decoding: raw, as: UTF8.self))
        }
    }

    /// Where a scan stands, by the rules of `split`: inside quotes or not, whether the current cell is
    /// still empty (a quote opens a quoted field only at the start of a cell), and whether the last
    /// byte was a quote inside quotes (the field's end, or the first of a doubled quote).
    struct QuoteState {
        private var quoted = false
        private var cellEmpty = true
        private var quoteInQuotes = false

        mutating func scan<Bytes: Sequence<UInt8>>(_ bytes: Bytes) {
            for byte in bytes {
                if quoteInQuotes {
                    quoteInQuotes = false
                    if byte == UInt8(ascii: "\"") { continue }  // a doubled quote: still inside
                    quoted = false
                    cellEmpty = false
                }
                if quoted {
                    if byte == UInt8(ascii: "\"") { quoteInQuotes = true }
                } else if byte == UInt8(ascii: ",") {
                    cellEmpty = true
                } else if byte == UInt8(ascii: "\"") && cellEmpty {
                    quoted = true
                } else {
                    cellEmpty = false
                }
            }
        }

        /// Whether the record would go on past this point: inside quotes, not just after a closing one.
        var continues: Bool { quoted && !quoteInQuotes }
    }

    /// Splits one CSV record; nil when it ends inside a quoted field (the record goes on).
    static func split<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes) -> [String]? where Bytes.Index == Int {
        var cells: [String] = []
        var cell: [UInt8] = []
        var quoted = false
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let byte = bytes[i]
            if quoted {
                if byte == UInt8(ascii: "\"") {
                    if i + 1 < bytes.endIndex, bytes[i + 1] == UInt8(ascii: "\"") {
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
