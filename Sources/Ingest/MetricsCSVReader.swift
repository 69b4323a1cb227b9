import Store

/// Reads metric rows (not invocations): a CSV whose header starts `metric,provider,runtime,memory_mb,
/// setting,statistic,value,unit`, with optional `n`, `ci_low`, `ci_high`, `source` columns and the
/// dimension and parameter columns of `metrics --format csv` (`architecture`, `experiment`,
/// `temperature`, ...; docs/formats.md). `runtime_family` and `runtime_version` are derived from the
/// runtime, so they are accepted and not read.
/// This is how published summary numbers, such as the paper's (`Datasets/paper-2018/metrics.csv`),
/// become a snapshot that comparisons can use.
struct MetricsCSVReader: RecordReader {
    static let requiredColumns = [
        "metric", "provider", "runtime", "memory_mb", "setting", "statistic", "value", "unit",
    ]
    static let optionalColumns: Set<String> = [
        "n", "ci_low", "ci_high", "source", "architecture", "packaging", "runtime_family", "runtime_version",
        "experiment", "temperature", "grouping", "scenario", "concurrency", "colevel",
        "batch_size", "delay_s", "idle_minutes", "interval_s",
    ]

    private var header: [String]?

    static func matches(_ header: [String]) -> Bool {
        Array(header.prefix(requiredColumns.count)).map { $0.trimmingWhitespace() } == requiredColumns
    }

    mutating func read(_ line: Line, into sink: any RecordSink) throws {
        if line.bytes.isEmpty { return }
        if let problem = TextCheck.problem(in: line.bytes) {
            return try sink.reject(line: line.number, reason: problem, raw: TextCheck.printable(line.bytes))
        }
        let text = String(decoding: line.bytes, as: UTF8.self)
        guard let cells = CSVRecords.split(line.bytes) else {
            return try sink.reject(line: line.number, reason: "unclosed quote (a metric row is one line)", raw: text)
        }
        guard let header else {
            let names = cells.map { $0.trimmingWhitespace() }
            let extra = names.dropFirst(Self.requiredColumns.count).filter { !Self.optionalColumns.contains($0) }
            guard Self.matches(names), extra.isEmpty else {
                throw CSVHeaderError(
                    reason:
                        "a metrics CSV header starts \(Self.requiredColumns.joined(separator: ",")) and may add "
                        + Self.optionalColumns.sorted().joined(separator: ", ")
                )
            }
            self.header = names
            return
        }
        do {
            try sink.add(try parse(cells, header: header), line: line.number)
        } catch let problem as RecordProblem {
            try sink.reject(line: line.number, reason: problem.reason, raw: text)
        }
    }

    private func parse(_ cells: [String], header: [String]) throws(RecordProblem) -> Metric {
        guard cells.count == header.count else {
            throw RecordProblem("\(cells.count) fields, but the header has \(header.count)")
        }
        var fields: [String: String] = [:]
        for (name, cell) in zip(header, cells) where !cell.isEmpty { fields[name] = cell }
        func number(_ name: String) throws(RecordProblem) -> Double? {
            guard let text = fields[name] else { return nil }
            guard let value = Double(text), value.isFinite else {
                throw RecordProblem("'\(name)' is not a number: '\(text.prefix(40))'")
            }
            return value
        }
        guard let metric = fields["metric"], let statistic = fields["statistic"], let unit = fields["unit"] else {
            throw RecordProblem("metric, statistic and unit are required")
        }
        guard let value = try number("value") else { throw RecordProblem("value is required") }
        for (name, number) in [("value", value), ("ci_low", try number("ci_low")), ("ci_high", try number("ci_high"))] {
            if let number, !Bounded.contains(number) { throw RecordProblem(BatchingSink.outOfRange(name, number)) }
        }
        var row = Metric(
            MetricID(metric), provider: fields["provider"], runtime: fields["runtime"],
            architecture: fields["architecture"], packaging: fields["packaging"], setting: fields["setting"],
            statistic: Statistic(statistic), value: value, unit: unit, source: fields["source"] ?? "file")
        if let memory = try number("memory_mb") {
            guard let megabytes = Bounded.integer(memory) else {
                throw RecordProblem("memory_mb is not an integer within ±1e15")
            }
            row.memoryMB = megabytes
        }
        if let n = try number("n") {
            guard let count = Bounded.integer(n), count >= 0 else {
                throw RecordProblem("n is not a count within 1e15")
            }
            row.n = count
        }
        row.ciLow = try number("ci_low")
        row.ciHigh = try number("ci_high")
        row.parameters = try parameters(fields, number)
        return row
    }

    private func parameters(
        _ fields: [String: String], _ number: (String) throws(RecordProblem) -> Double?
    ) throws(RecordProblem) -> MetricParameters {
        func integer(_ name: String) throws(RecordProblem) -> Int? {
            guard let value = try number(name) else { return nil }
            guard let integer = Bounded.integer(value) else {
                throw RecordProblem("\(name) is not an integer within ±1e15")
            }
            return integer
        }
        func bounded(_ name: String) throws(RecordProblem) -> Double? {
            guard let value = try number(name) else { return nil }
            guard Bounded.contains(value) else { throw RecordProblem(BatchingSink.outOfRange(name, value)) }
            return value
        }
        var parameters = MetricParameters(
            experiment: fields["experiment"], scenario: fields["scenario"], concurrency: try integer("concurrency"),
            colevel: try integer("colevel"), batchSize: try integer("batch_size"), delaySeconds: try bounded("delay_s"),
            idleMinutes: try bounded("idle_minutes"), intervalSeconds: try bounded("interval_s"))
        if let text = fields["temperature"] {
            guard let temperature = MetricParameters.Temperature(rawValue: text) else {
                throw RecordProblem("temperature is cold or warm, not '\(text.prefix(40))'")
            }
            parameters.temperature = temperature
        }
        if let text = fields["grouping"] {
            guard let grouping = MetricParameters.Grouping(rawValue: text) else {
                throw RecordProblem(
                    "grouping is one of \(MetricParameters.Grouping.names), not '\(text.prefix(40))'")
            }
            parameters.grouping = grouping
        }
        return parameters
    }
}
