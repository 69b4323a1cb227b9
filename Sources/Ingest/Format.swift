/// The input formats `analyze ingest` reads, detected from a file's first line or forced with
/// `--format`.
public enum Format: String, CaseIterable, Sendable {
    case faasMeasure = "faas-measure"
    case jsonLines = "jsonl"
    case csv = "csv"
    /// Metric rows (summary numbers), not invocations.
    case metricsCSV = "metrics-csv"
    /// The public collections, each with its own layout (`Datasets/`); chosen by a manifest or
    /// `--format`, never detected.
    case faasParallelism = "faas-parallelism"
    case lambdaPerf = "lambda-perf"
    case mikhailio = "mikhailio"
    /// Read through a declarative mapping (`--mapping`, or `"mapping"` in a manifest).
    case mapping = "mapping"

    /// The names `--format` and a manifest's `"format"` accept.
    public static var selectable: String {
        allCases.filter { $0 != .mapping }.map(\.rawValue).joined(separator: ", ")
    }

    /// The result of looking at the start of a file.
    public enum Detection: Equatable, Sendable {
        case format(Format)
        /// No line with content: stored as an empty file.
        case empty
        /// Not a measurement file; the reason says why.
        case unusable(String)
    }

    /// Detects the format from the first bytes of a file, judging by its first line with content.
    /// `head` holds at least that line's start; `endOfFile` says whether it is the whole file.
    public static func detect(head: UnsafeBufferPointer<UInt8>, endOfFile: Bool = true) -> Detection {
        var bytes = head[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true)[...]
        while let line = lines.first, line.allSatisfy(isSpace) { lines = lines.dropFirst() }
        guard let first = lines.first else { return .empty }
        let isWholeLine = first.endIndex < bytes.endIndex || endOfFile
        if first.contains(0) { return .unusable("binary file (NUL bytes in its first line), not a measurement log") }
        if lines.count == 1, first.dropLast().contains(UInt8(ascii: "\r")) {
            return .unusable("lines end in a bare carriage return (classic Mac OS); convert them to \\n or \\r\\n")
        }
        var line = Array(first)
        if line.last == UInt8(ascii: "\r") { line.removeLast() }
        if line.first(where: { !isSpace($0) }) == UInt8(ascii: "{") { return .format(.jsonLines) }
        let isFaasMeasure = line.withUnsafeBufferPointer { FaasMeasureReader.matches($0, isWholeLine: isWholeLine) }
        if isFaasMeasure { return .format(.faasMeasure) }
        if isWholeLine, let names = CSVRecords.split(line) {
            if MetricsCSVReader.matches(names) { return .format(.metricsCSV) }
            let canonical = names.filter { CanonicalColumns.setters[$0.trimmingWhitespace()] != nil }
            if canonical.count >= 2 { return .format(.csv) }
        }
        return .unusable(
            "unrecognized format: the first line is neither '#'-separated faas_measure fields, a JSON object, "
                + "nor a CSV header with canonical column names (use --format to force one)")
    }

    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0D
    }

    /// Why a file of this format cannot be used, known from its path alone (nil when it can).
    func unusableReason(_ file: FileContext) -> String? {
        switch self {
        case .faasParallelism: FaasParallelismReader.unusableReason(file.relativePath)
        case .mikhailio: MikhailioReader.kind(of: file.relativePath) == .summary ? MikhailioReader.summaryReason : nil
        default: nil
        }
    }

    func reader(_ file: FileContext) throws -> RecordReader {
        switch self {
        case .faasMeasure: FaasMeasureReader(template: file.template, tests: file.manifest.tests)
        case .jsonLines: JSONLinesReader(template: file.template)
        case .csv: CSVReader(template: file.template)
        case .metricsCSV: MetricsCSVReader()
        case .faasParallelism: FaasParallelismReader(file)
        case .lambdaPerf: LambdaPerfReader(file)
        case .mikhailio: MikhailioReader(file)
        case .mapping: try MappingReader(file.mapping!, file: file)
        }
    }
}
