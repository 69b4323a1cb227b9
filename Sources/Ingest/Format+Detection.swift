extension Format {
    /// The result of looking at the start of a file.
    public enum Detection: Equatable, Sendable {
        case format(Format)
        /// A built-in mapping (`Sources/Ingest/Mappings`) whose `detect` pattern the first line matches.
        case builtInMapping(String)
        /// No line with content: stored as an empty file.
        case empty
        /// Not a measurement file, or one that could be several; the reason says why.
        case unusable(String)
    }

    /// Detects the format from a file's first bytes: faas_measure, CSV headers and built-in mappings by
    /// the first line with content, JSON by the keys of the first object (`JSONHead`), so that a file
    /// given alone, with no manifest and no `--format`, is read as it would be with one. `head` holds at
    /// least that first line's start; `endOfFile` says whether it is the whole file.
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
        if let json = JSONHead(Array(bytes)[...]) { return detect(json) }
        var line = Array(first)
        if line.last == UInt8(ascii: "\r") { line.removeLast() }
        let isFaasMeasure = line.withUnsafeBufferPointer { FaasMeasureReader.matches($0, isWholeLine: isWholeLine) }
        if isFaasMeasure { return .format(.faasMeasure) }
        if isWholeLine, let names = CSVRecords.split(line) {
            if MetricsCSVReader.matches(names) { return .format(.metricsCSV) }
            let canonical = names.filter { CanonicalColumns.setters[$0.trimmingWhitespace()] != nil }
            if canonical.count >= 2 { return .format(.csv) }
        }
        if isWholeLine, let mapping = Mapping.detecting(String(decoding: line, as: UTF8.self)) {
            return .builtInMapping(mapping)
        }
        return .unusable(
            "unrecognized format: the first line is neither '#'-separated faas_measure fields, a JSON object, "
                + "nor a CSV header with canonical column names (use --format or --mapping)")
    }

    /// A JSON file: the formats whose records carry the first object's keys. More than one is an
    /// error that names them; none is an error that names the keys.
    private static func detect(_ head: JSONHead) -> Detection {
        let keys = Set(head.keys)
        var candidates: [Format] = []
        if head.opening == .object {
            if LambdaPerfReader.isSignature(keys) { candidates.append(.lambdaPerf) }
            if MikhailioReader.isSignature(head.keys) { candidates.append(.mikhailio) }
            if FaasParallelismReader.isSignature(keys) { candidates.append(.faasParallelism) }
            if head.closesOnFirstLine, keys.contains(where: { CanonicalColumns.setters[$0] != nil }) {
                candidates.append(.jsonLines)
            }
        }
        let shown = head.keys.prefix(6).joined(separator: ", ") + (head.keys.count > 6 ? ", ..." : "")
        switch candidates.count {
        case 1: return .format(candidates[0])
        case 0 where head.opening == .array:
            return .unusable(
                "a JSON array: no built-in format is one; read it with --mapping (docs/mappings.md)")
        case 0 where head.keys.isEmpty:
            return .unusable("a JSON object with no keys in its first 64 KiB; use --format or --mapping")
        case 0:
            return .unusable(
                "a JSON object with no field of a known format (keys: \(shown)); "
                    + "read it with --mapping (docs/mappings.md) or force one with --format")
        default:
            return .unusable(
                "ambiguous JSON (keys: \(shown)): could be "
                    + candidates.map(\.rawValue).joined(separator: " or ") + "; choose one with --format")
        }
    }
}
