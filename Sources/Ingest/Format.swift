/// The input formats `analyze ingest` reads, detected from a file's content (`Format+Detection`) or
/// forced with `--format`.
public enum Format: String, CaseIterable, Sendable {
    case faasMeasure = "faas-measure"
    case jsonLines = "jsonl"
    case csv = "csv"
    /// Metric rows (summary numbers), not invocations.
    case metricsCSV = "metrics-csv"
    /// The public collections, each with its own layout (`Datasets/`), known by the keys of their first
    /// JSON object.
    case faasParallelism = "faas-parallelism"
    case lambdaPerf = "lambda-perf"
    case mikhailio = "mikhailio"
    /// Read through a declarative mapping (`--mapping`, or `"mapping"` in a manifest).
    case mapping = "mapping"

    /// The names `--format` and a manifest's `"format"` accept.
    public static var selectable: String {
        allCases.filter { $0 != .mapping }.map(\.rawValue).joined(separator: ", ")
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
