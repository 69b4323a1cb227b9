import GRDB
import Statistics
import Store

/// Cold and warm start latency (section 5.1): function start minus request sent, split by the
/// cold-start classifier decided at ingest (never by a latency threshold), records with a data-quality
/// flag left out (docs/analyses.md). By provider x runtime x memory and per provider; cold starts on a
/// new VM against an existing one; cold starts launched together on one VM; hourly medians over time.
struct ColdStart: Stage {
    let id = StageID.coldStart
    /// Only the latency distributions by group: for a time window of a snapshot (`Analyzer.startLatencies`),
    /// where cold starts on new VMs, launched together or hourly are not what is asked.
    var latenciesOnly = false
    let requires = "request_sent_ms, function_start_ms and a cold/warm classification"

    /// What a source measured, best first: each invocation feeds the first definition it has (SPEC
    /// section 7: the ids are never mixed). Client-only and platform-only numbers are used only where the
    /// request and function-start times are not both known.
    enum Definition: Int, CaseIterable {
        /// Function start minus request sent: the paper's definition.
        case latency
        /// The platform's Init Duration (a Lambda REPORT line).
        case initDuration
        /// The client's end-to-end latency (request to response).
        case endToEnd
        /// The platform-reported Duration of the invocation.
        case reportedDuration

        func metric(cold: Bool) -> MetricID? {
            switch self {
            case .latency: cold ? .coldStartLatency : .warmStartLatency
            case .initDuration: cold ? .coldStartInitDuration : nil
            case .endToEnd: cold ? .coldStartEndToEnd : .warmStartEndToEnd
            case .reportedDuration: cold ? .coldStartReportedDuration : .warmStartReportedDuration
            }
        }
    }

    /// Below this many values, two groups may hold the same values by chance: both enter the pooled row.
    static let fewestToRepeat = 10

    func run(_ context: AnalysisContext) throws -> StageOutcome {
        let (condition, label, experiment) = try context.scope(preferring: "coldstart")
        struct Key: FlatKey {
            let function: Int64
            let experiment: Int64?
            let definition: Int
            let cold: Bool
            var flatHash: UInt64 {
                Self.fold(
                    Self.fold(UInt64(bitPattern: function), experiment), Int64(definition * 2 + (cold ? 1 : 0)))
            }
        }
        let functions = try context.functions()
        let scenarios = try Row.fetchAll(
            context.db, sql: "SELECT id, json_extract(parameters, '$.scenario') FROM experiment"
        )
        .reduce(into: [Int64: String]()) { $0[$1[0]] = $1[1] }
        // In one pass: values per function, experiment (for its scenario), definition and temperature;
        // each VM's earliest request (ties to the lowest id: rows come in id order); the cold starts
        // with a VM, for new against existing VMs.
        var values = FlatTable<Key, [Double]>()
        var firstRequests = FirstRequests()
        try context.scan(
            """
            SELECT i.function_id, i.experiment_id, i.is_cold,
                   CASE WHEN i.function_start_ms IS NOT NULL AND i.request_sent_ms IS NOT NULL THEN 0
                        WHEN i.init_duration_ms IS NOT NULL THEN 1 WHEN i.round_trip_ms IS NOT NULL THEN 2
                        WHEN i.function_duration_ms IS NOT NULL THEN 3 END AS definition,
                   coalesce(i.function_start_ms - i.request_sent_ms, i.init_duration_ms, i.round_trip_ms, \
            i.function_duration_ms),
                   \(condition) AND i.status = 'ok' AND \(QualityFlag.unflaggedCondition) AS usable,
                   i.vm_id, i.request_sent_ms, i.source_file_id, i.round_no, i.batch_no
            FROM invocation i LEFT JOIN experiment e ON e.id = i.experiment_id
            WHERE i.snapshot_id = ?1 AND \(context.window)
            """
        ) { row in
            let usable = row.bool(5)
            let definition = row.int(3)
            if usable, !row.isNull(2), let definition {
                let key = Key(
                    function: row.int(0)!, experiment: row.int(1), definition: Int(definition), cold: row.bool(2))
                let value = row.double(4)!
                values.update(key, initial: []) { $0.append(value) }
            }
            guard let vm = row.int(6), let sent = row.double(7) else { return }
            let batch = FirstRequests.Batch(file: row.int(8)!, round: row.int(9), batch: row.int(10))
            firstRequests.see(vm: vm, sent: sent, batch: batch)
            if usable, row.int(2) == 1, definition == 0 {  // definition 0: start and sent both known
                firstRequests.coldStarts.append(
                    .init(function: row.int(0)!, vm: vm, batch: batch, latency: row.double(4)!))
            }
        }
        var keys: [Key] = []
        values.forEach { key, _ in keys.append(key) }
        guard !keys.isEmpty else {
            return .notMeasurable(
                "no successful invocation with a cold/warm flag and a latency (\(requires), or an init, end-to-end "
                    + "or reported duration)"
            )
        }
        var metrics: [Metric] = []
        for definition in Definition.allCases {
            for cold in [true, false] {
                guard let metric = definition.metric(cold: cold) else { continue }
                let kind = cold ? "cold starts" : "warm starts"
                let temperature: MetricParameters.Temperature = cold ? .cold : .warm
                // Each key's values are sorted where they lie (moved out of `values`, not copied) and merged
                // into their group's and their provider's samples: the sorted concatenation, with at most
                // one more copy of the values alive than the stage read.
                var groups: [MetricGroup: [Sample]] = [:]
                // A group whose values repeat another's exactly (one file published under two names, as in
                // mikhail.io's data) enters its provider's pooled row once.
                var pooledSamples: [String: Set<[Double]>] = [:]
                for key in keys where key.definition == definition.rawValue && key.cold == cold {
                    var selected = values.replaceValue([], forKey: key)!
                    selected.sortAscending()
                    let sample = Sample(sorted: selected)
                    let function = functions[key.function]!
                    let scenario = key.experiment.flatMap { scenarios[$0] }
                    let setting = (scenario.map { "scenario=\($0), " } ?? "") + "\(kind), \(label)"
                    let parameters = MetricParameters(
                        experiment: experiment, temperature: temperature, scenario: scenario)
                    groups[
                        MetricGroup(
                            provider: function.provider, runtime: function.runtime,
                            architecture: function.architecture, packaging: function.packaging,
                            memoryMB: function.memoryMB, setting: setting, parameters: parameters),
                        default: []
                    ].append(sample)
                    if selected.count >= Self.fewestToRepeat,
                        !pooledSamples[function.provider, default: []].insert(selected).inserted
                    {
                        continue
                    }
                    let pooled = MetricParameters(experiment: experiment, temperature: temperature, grouping: .pooled)
                    groups[
                        MetricGroup(provider: function.provider, setting: "all \(kind), \(label)", parameters: pooled),
                        default: []
                    ].append(sample)
                }
                for (group, samples) in groups.sorted(by: { $0.key < $1.key }) {
                    metrics += group.distribution(
                        metric, Sample(merging: samples), unit: "ms", bootstrap: context.bootstrap)
                }
            }
        }
        if latenciesOnly { return .metrics(metrics) }
        metrics += newVersusExistingVM(
            context, firstRequests, functions: functions, label: label, experiment: experiment)
        metrics += try launchedTogether(context)
        metrics += try hourly(context)
        return .metrics(metrics)
    }

    /// Cold starts in the first batch that reached their VM, against cold starts on a VM already in use.
    /// Runtimes and memory sizes differ in both latency and how often they open a VM, so the difference
    /// is taken within each runtime x memory group and summarized by its median over the groups.
    private func newVersusExistingVM(
        _ context: AnalysisContext, _ firstRequests: FirstRequests,
        functions: [Int64: AnalysisContext.Function], label: String, experiment: String?
    ) -> [Metric] {
        // Latencies per function, new-VM and existing-VM kept apart: each cold start is one lookup in a
        // map of a few functions (a row per cold start with its provider and runtime strings, grouped by
        // them, took most of this step on 10M lines). Groups and providers are unions of functions,
        // whose values are sorted once here and merged. (Latencies come from SQLite, which has no NaN,
        // so a sample keeps every value and its count is the group's.)
        var byFunction: [Int64: (newVM: [Double], existing: [Double])] = [:]
        for start in firstRequests.coldStarts {
            if firstRequests.first[start.vm]!.batch == start.batch {
                byFunction[start.function, default: ([], [])].newVM.append(start.latency)
            } else {
                byFunction[start.function, default: ([], [])].existing.append(start.latency)
            }
        }
        let samples = byFunction.mapValues { (newVM: Sample($0.newVM), existing: Sample($0.existing)) }
        byFunction = [:]
        func latencies(_ ids: [Int64]) -> (newVM: Sample, existing: Sample) {
            (Sample(merging: ids.map { samples[$0]!.newVM }), Sample(merging: ids.map { samples[$0]!.existing }))
        }
        var metrics: [Metric] = []
        let providers = Dictionary(grouping: samples.keys) { functions[$0]!.provider }
        for (provider, ids) in providers.sorted(by: { $0.key < $1.key }) {
            let (newVM, existing) = latencies(ids)
            guard !newVM.isEmpty, !existing.isEmpty else { continue }
            metrics += MetricGroup(
                provider: provider, setting: "cold starts on a new VM, \(label)",
                parameters: .init(experiment: experiment, temperature: .cold, grouping: .newVM)
            )
            .distribution(.coldStartLatency, newVM, unit: "ms", bootstrap: context.bootstrap, statistics: [.median])
            metrics += MetricGroup(
                provider: provider, setting: "cold starts on a VM already in use, \(label)",
                parameters: .init(experiment: experiment, temperature: .cold, grouping: .existingVM)
            )
            .distribution(.coldStartLatency, existing, unit: "ms", bootstrap: context.bootstrap, statistics: [.median])
            var differences: [Double] = []
            var count = 0
            // The median of the differences does not depend on the groups' order.
            let groups = Dictionary(grouping: ids) { id in
                let function = functions[id]!
                return RuntimeMemory(
                    runtime: function.runtime, architecture: function.architecture, packaging: function.packaging,
                    memoryMB: function.memoryMB)
            }
            for group in groups.values {
                let (groupNew, groupExisting) = latencies(group)
                guard let a = groupNew.median, let b = groupExisting.median else { continue }
                differences.append(a - b)
                count += groupNew.count + groupExisting.count
            }
            guard let difference = Sample(differences).median else { continue }
            metrics.append(
                MetricGroup(
                    provider: provider,
                    setting:
                        "cold starts on a new VM vs on a VM already in use, median over \(differences.count) runtime "
                        + "x memory groups, \(label)",
                    parameters: .init(experiment: experiment, temperature: .cold)
                )
                .value(.newVMMinusExistingVM, statistic: .medianDifference, difference, unit: "ms", n: count))
        }
        return metrics
    }

    /// Mean cold start by the number of instances that started in the same batch on the same VM
    /// (runs of the 'colevel' experiment).
    private func launchedTogether(_ context: AnalysisContext) throws -> [Metric] {
        guard try context.hasExperiment("colevel") else { return [] }
        let rows = try context.rows(
            """
            SELECT f.provider, f.runtime, f.architecture, f.packaging, f.memory_mb,
                   i.function_start_ms - i.request_sent_ms AS latency,
                   count(*) OVER (PARTITION BY i.source_file_id, i.round_no, i.batch_no, i.vm_id) AS colevel
            FROM \(context.invocations)
            WHERE i.snapshot_id = ?1 AND e.kind = 'colevel' AND i.is_cold = 1 AND i.vm_id IS NOT NULL AND i.status = \
            'ok'
              AND i.function_start_ms IS NOT NULL AND i.request_sent_ms IS NOT NULL
              AND \(QualityFlag.unflaggedCondition)
            """)
        let groups = Dictionary(grouping: rows) { row in
            MetricGroup(
                provider: row["provider"], runtime: row["runtime"], architecture: row["architecture"],
                packaging: row["packaging"], memoryMB: row["memory_mb"],
                setting: "colevel=\(row["colevel"] as Int) (instances launched together on one VM)",
                parameters: .init(experiment: "colevel", temperature: .cold, colevel: row["colevel"]))
        }
        return groups.sorted {
            ($0.key.provider ?? "", $0.key.parameters.colevel ?? 0) < (
                $1.key.provider ?? "", $1.key.parameters.colevel ?? 0
            )
        }.flatMap { group, rows in
            group.distribution(
                .coldStartLatency, Sample(rows.map { $0["latency"] as Double }), unit: "ms",
                bootstrap: context.bootstrap, statistics: [.mean, .median])
        }
    }

    /// The median cold start of every hour (runs of the 'hourly' experiment): the median and range of
    /// the hourly medians, the hourly medians as the sample and, on the median row, as a series by hour
    /// since the epoch with each hour's 95% bootstrap CI (the report's time series).
    private func hourly(_ context: AnalysisContext) throws -> [Metric] {
        guard try context.hasExperiment("hourly") else { return [] }
        let rows = try context.rows(
            """
            SELECT f.provider, CAST(i.request_sent_ms / 3600000 AS INTEGER) AS hour, i.function_start_ms - \
            i.request_sent_ms AS latency
            FROM \(context.invocations)
            WHERE i.snapshot_id = ?1 AND e.kind = 'hourly' AND i.is_cold = 1 AND i.status = 'ok'
              AND i.function_start_ms IS NOT NULL AND i.request_sent_ms IS NOT NULL
              AND \(QualityFlag.unflaggedCondition)
            ORDER BY hour
            """)
        return Dictionary(grouping: rows, by: { $0["provider"] as String }).sorted(by: { $0.key < $1.key }).flatMap {
            provider, rows in
            let hours = Dictionary(grouping: rows, by: { $0["hour"] as Int })
            let series = hours.keys.sorted().map { hour in
                let sample = Sample(hours[hour]!.map { $0["latency"] as Double })
                let interval = context.bootstrap.medianInterval(sample)
                return Metric.Point(Double(hour), sample.median!, low: interval?.low, high: interval?.high)
            }
            let medians = Sample(series.map(\.y))
            var metrics = MetricGroup(
                provider: provider, setting: "hourly medians of cold starts over \(medians.count) hours",
                parameters: .init(experiment: "hourly", temperature: .cold)
            )
            .distribution(
                .hourlyColdStartMedian, medians, unit: "ms", bootstrap: context.bootstrap,
                statistics: [.median, .min, .max])
            if let median = metrics.firstIndex(where: { $0.statistic == .median }) { metrics[median].series = series }
            return metrics
        }
    }

    struct RuntimeMemory: Hashable {
        let runtime: String?, architecture: String?, packaging: String?, memoryMB: Int?
    }

    /// Each VM's earliest request and its batch, and the cold starts on a known VM: a cold start in its
    /// VM's first batch is one on a new VM.
    struct FirstRequests {
        struct Batch: Equatable {
            let file: Int64, round: Int64?, batch: Int64?
        }
        struct ColdStart {
            let function: Int64, vm: Int64, batch: Batch, latency: Double
        }
        private(set) var first = FlatTable<Int64, (sent: Double, batch: Batch)>()
        var coldStarts: [ColdStart] = []

        mutating func see(vm: Int64, sent: Double, batch: Batch) {
            first.update(vm, initial: (sent, batch)) { if !($0.sent <= sent) { $0 = (sent, batch) } }
        }
    }
}
