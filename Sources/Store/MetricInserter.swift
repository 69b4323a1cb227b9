import GRDB

/// Writes `metric` rows with their samples and series through statements prepared once and bound at
/// the C level: a lambda-perf day file gives three metric rows for every ten invocations, and binding
/// them through GRDB's `StatementArguments` was a sixth of that ingest.
final class MetricInserter {
    private let insertMetric, insertSample, insertSeries: PreparedStatement
    /// Runtime ids split once each (a file repeats a few ids on every row); bounded.
    private var names: [String: RuntimeName?] = [:]
    /// The JSON text of the current sample, its storage reused from one sample to the next.
    private var sampleJSON: [UInt8] = []

    init(_ db: Database) throws {
        insertMetric = try PreparedStatement(
            db,
            """
            INSERT INTO metric (snapshot_id, metric, provider, runtime, architecture, packaging, runtime_family,
                                runtime_version, memory_mb, setting, statistic, value, unit, n, ci_low, ci_high,
                                source, experiment, temperature, grouping, scenario, concurrency, colevel,
                                batch_size, delay_s, idle_minutes, interval_s)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21,
                    ?22, ?23, ?24, ?25, ?26, ?27)
            """)
        insertSample = try PreparedStatement(
            db, "INSERT INTO metric_sample (metric_id, n, sorted_values) VALUES (?1, ?2, ?3)")
        insertSeries = try PreparedStatement(
            db, "INSERT INTO metric_series (metric_id, x, y, low, high) VALUES (?1, ?2, ?3, ?4, ?5)")
    }

    /// Adds one row with its sample and series.
    func insert(_ metric: Metric, snapshotID: Int64, source: String?) throws {
        let name = metric.runtime.flatMap(runtimeName)
        insertMetric.bind(snapshotID, at: 1)
        insertMetric.bind(metric.metric.rawValue, at: 2)
        insertMetric.bind(metric.provider, at: 3)
        insertMetric.bind(metric.runtime, at: 4)
        insertMetric.bind(metric.architecture, at: 5)
        insertMetric.bind(metric.packaging, at: 6)
        insertMetric.bind(name?.family, at: 7)
        insertMetric.bind(name?.version, at: 8)
        insertMetric.bind(metric.memoryMB, at: 9)
        insertMetric.bind(metric.setting, at: 10)
        insertMetric.bind(metric.statistic.description, at: 11)
        insertMetric.bindKeepingInfinity(metric.value, at: 12)
        insertMetric.bind(metric.unit, at: 13)
        insertMetric.bind(metric.n, at: 14)
        insertMetric.bindKeepingInfinity(metric.ciLow, at: 15)
        insertMetric.bindKeepingInfinity(metric.ciHigh, at: 16)
        insertMetric.bind(source, at: 17)
        let parameters = metric.parameters
        insertMetric.bind(parameters.experiment, at: 18)
        insertMetric.bind(parameters.temperature?.rawValue, at: 19)
        insertMetric.bind(parameters.grouping?.rawValue, at: 20)
        insertMetric.bind(parameters.scenario, at: 21)
        insertMetric.bind(parameters.concurrency, at: 22)
        insertMetric.bind(parameters.colevel, at: 23)
        insertMetric.bind(parameters.batchSize, at: 24)
        insertMetric.bind(parameters.delaySeconds, at: 25)
        insertMetric.bind(parameters.idleMinutes, at: 26)
        insertMetric.bind(parameters.intervalSeconds, at: 27)
        try insertMetric.execute()
        let id = insertMetric.lastInsertedRowID
        if let samples = metric.samples {
            insertSample.bind(id, at: 1)
            insertSample.bind(samples.count, at: 2)
            MetricStore.json(samples, into: &sampleJSON)
            try insertSample.execute(bindingInPlace: sampleJSON, at: 3)
        }
        if let series = metric.series {
            insertSeries.bind(id, at: 1)
            insertSeries.bind(text: MetricStore.json(series.map(\.x)), at: 2)
            insertSeries.bind(text: MetricStore.json(series.map(\.y)), at: 3)
            // Intervals only when every point has one, so that the arrays stay the same length.
            let lows = series.compactMap(\.low)
            let highs = series.compactMap(\.high)
            let interval = lows.count == series.count && highs.count == series.count
            insertSeries.bind(text: interval ? MetricStore.json(lows) : nil, at: 4)
            insertSeries.bind(text: interval ? MetricStore.json(highs) : nil, at: 5)
            try insertSeries.execute()
        }
    }

    private func runtimeName(_ runtime: String) -> RuntimeName? {
        if let known = names[runtime] { return known }
        if names.count >= 4096 { names.removeAll(keepingCapacity: true) }
        let name = RuntimeName(runtime)
        names[runtime] = name
        return name
    }
}
