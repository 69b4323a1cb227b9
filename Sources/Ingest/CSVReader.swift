import Store

/// Reads canonical CSV (RFC 4180): a header row naming canonical fields (`CanonicalColumns`), then one
/// invocation per row. Quoted fields may hold commas, doubled quotes and newlines. Columns that are
/// not canonical are kept in `extra`; empty cells are absent values.
struct CSVReader: RecordReader {
    let template: InvocationRecord
    private let records = CSVRecords()
    private var header: [String]?

    init(template: InvocationRecord) {
        self.template = template
    }

    mutating func read(_ line: Line, into sink: any RecordSink) throws {
        try records.read(line, into: sink) { cells, number in try handle(cells, line: number, into: sink) }
    }

    mutating func finish(into sink: any RecordSink) throws {
        try records.finish(into: sink) { cells, number in try handle(cells, line: number, into: sink) }
    }

    private mutating func handle(_ cells: [String], line: Int, into sink: any RecordSink) throws {
        guard let header else {
            let names = cells.map { $0.trimmingWhitespace() }
            if let duplicate = Dictionary(grouping: names, by: { $0 }).first(where: { $0.value.count > 1 })?.key {
                throw CSVHeaderError(reason: "duplicate column '\(duplicate)' in the header")
            }
            guard names.contains(where: { CanonicalColumns.setters[$0] != nil }) else {
                throw CSVHeaderError(
                    reason: "the header names no canonical column (docs/formats.md); read it with --mapping")
            }
            self.header = names
            return
        }
        if cells.count == 1, cells[0].isEmpty { return }  // blank line
        guard cells.count == header.count else {
            throw RecordProblem("\(cells.count) fields, but the header has \(header.count)")
        }
        var record = template
        var extra: [String: Any] = [:]
        var known = false
        for (name, cell) in zip(header, cells) {
            if try CanonicalColumns.assign(name, cell.isEmpty ? .null : .text(cell), to: &record) {
                known = known || !cell.isEmpty
            } else if !cell.isEmpty {
                extra[name] = cell
            }
        }
        guard known else { throw RecordProblem("every canonical column is empty: not an invocation") }
        try CanonicalColumns.validate(record)
        record.extra = JSONText.object(extra)
        try sink.add(record, line: line)
    }
}

/// A CSV header that cannot be used; the whole file is rejected.
struct CSVHeaderError: Error {
    let reason: String
}

extension String {
    /// Without leading and trailing whitespace. Found by index, not by building a reversed copy
    /// character by character (that was half of reading the FaaS Parallelism Benchmark's `lscpu` text).
    func trimmingWhitespace() -> String {
        guard let first = firstIndex(where: { !$0.isWhitespace }), let last = lastIndex(where: { !$0.isWhitespace })
        else { return "" }
        return String(self[first...last])
    }
}
