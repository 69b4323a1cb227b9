import Analysis
import Statistics
import Store

/// Cold and warm start latency by runtime and memory, pooled per provider, on a new VM against one in use,
/// launched together, and over time.
struct ColdStartSection: StageSection {
    let stage = StageID.coldStart

    func write(_ metrics: [Metric], _ report: ReportContext, into document: inout ReportDocument) throws {
        let definitions: [(metric: MetricID, text: String)] = [
            (
                .coldStartLatency,
                "`*.latency_ms`: function start (instance clock) minus request sent (client clock), the paper's "
                    + "definition"
            ),
            (
                .coldStartInitDuration,
                "`coldstart.init_duration_ms`: the Init Duration the platform reports for a cold start (REPORT log "
                    + "line)"
            ),
            (
                .coldStartEndToEnd,
                "`*.e2e_ms`: end-to-end latency measured by the client, request sent to response received"
            ),
            (
                .coldStartReportedDuration,
                "`*.reported_duration_ms`: the invocation's Duration as the platform reports it"
            ),
        ]
        let present = definitions.filter { definition in metrics.contains { $0.metric == definition.metric } }
        if present.map(\.metric) == [.coldStartLatency] || present.isEmpty {
            document.markdown.paragraph(
                "Latency = function start (instance clock) minus request sent (client clock). Cold or warm as decided "
                    + "at ingest (see methods), never by a latency threshold. Medians with 95% bootstrap CIs.")
        } else {
            // Said first: a reader comparing with the paper must not take these for its start latencies.
            let paperToo = present.contains { $0.metric == .coldStartLatency }
            document.markdown.paragraph(
                (paperToo
                    ? "This source measures cold starts by the paper's definition and by others, "
                    : "**Not the paper's quantity.** This source does not measure the paper's cold-start latency "
                        + "(function start minus request sent). It measures cold starts by its own definition, ")
                    + "kept under its own metric id: " + present.map(\.text).joined(separator: "; ") + "."
                    + (paperToo ? "" : " These numbers cannot be read as the paper's.")
                    + " Cold or warm as decided at ingest (see methods), never by a latency threshold. Medians with "
                    + "95% bootstrap CIs.")
        }
        // Records that are aggregates (CloudWatch's per-minute maximum) make every statistic one of aggregates.
        let aggregates = report.summary.aggregates
        if !aggregates.isEmpty {
            document.markdown.paragraph(
                "**Each record is a \(aggregates.map(\.description).joined(separator: " or ")), not one "
                    + "invocation** (the source's manifest says so): every median, percentile and figure below is "
                    + "over \(aggregates.map(\.plural).joined(separator: " or ")), not over invocations.")
        }
        let coldMetrics = Set(definitions.map(\.metric))
        let detailed = metrics.filter {
            $0.runtime != nil && $0.statistic == .median && coldMetrics.contains($0.metric)
                && $0.parameters.temperature == .cold && $0.parameters.grouping == nil && $0.parameters.colevel == nil
        }
        // A handler's reported duration leaves the runtime's start out: a reader expecting cold starts of
        // hundreds of milliseconds must be told why some are under one.
        let quick = Set(
            detailed.filter { $0.metric == .coldStartReportedDuration && $0.value < 1 }.compactMap(\.runtimeLabel)
        ).sorted()
        if !quick.isEmpty {
            document.markdown.paragraph(
                "The reported duration is the handler's own run: the runtime's start is not in it (Lambda reports "
                    + "that apart, as Init Duration). A runtime whose handler returns at once shows cold starts under "
                    + "1 ms however long it took to start: here \(quick.map(Text.markdown).joined(separator: ", ")).")
        }
        let showMetric = present.count > 1
        // The scenario is shown only where it tells apart rows of one runtime (mikhail.io's "powershell" and "ps").
        struct Row: Hashable {
            let metric: MetricID, provider: String?, runtime: String?, memoryMB: Int?
            init(_ row: Metric) {
                (metric, provider, runtime, memoryMB) = (row.metric, row.provider, row.runtimeLabel, row.memoryMB)
            }
        }
        let rows = Dictionary(grouping: detailed, by: Row.init).mapValues(\.count)
        if !pivotByMemory(detailed, metrics, into: &document) {
            document.markdown.table(
                (showMetric ? ["metric"] : []) + [
                    "provider", "runtime", "scenario", "memory (MB)", "cold median (ms) [95% CI]", "cold p90",
                    "cold p99", "n cold", "warm median (ms)", "n warm",
                ],
                detailed.map { cold -> [String] in
                    func other(_ metric: MetricID, _ statistic: Statistic, warm: Bool = false) -> Metric? {
                        var parameters = cold.parameters
                        if warm { parameters.temperature = .warm }
                        return metrics.first {
                            $0.metric == metric && $0.statistic == statistic && $0.provider == cold.provider
                                && $0.runtime == cold.runtime && $0.architecture == cold.architecture
                                && $0.packaging == cold.packaging && $0.memoryMB == cold.memoryMB
                                && $0.parameters == parameters
                        }
                    }
                    let warm = cold.metric.warmCounterpart.flatMap { other($0, .median, warm: true) }
                    return (showMetric ? [cold.metric.rawValue] : []) + [
                        cold.provider ?? "", cold.runtimeLabel ?? "",
                        rows[Row(cold)]! > 1 ? cold.parameters.scenario ?? "" : "",
                        cold.memoryMB.map(String.init) ?? "",
                        Cells.withCI(cold),
                        // A tail quantile needs the tail observed: p90 from 10 values, p99 from 100.
                        (cold.n ?? 0) >= 10 ? Cells.number(other(cold.metric, .p90)?.value) : "",
                        (cold.n ?? 0) >= 100 ? Cells.number(other(cold.metric, .p99)?.value) : "",
                        Cells.n(cold),
                        warm.map { Cells.withCI($0) } ?? "", warm.map(Cells.n) ?? "",
                    ]
                }, rightAligned: (showMetric ? [4, 5, 6, 7, 8, 9, 10] : [3, 4, 5, 6, 7, 8, 9]))
        }
        let pooled = metrics.filter {
            $0.runtime == nil && $0.statistic == .median && $0.parameters.grouping == .pooled
        }
        // Said from the rows' parameters: every runtime and memory size, cold or warm, from which runs.
        document.markdown.table(
            ["provider", "metric", "starts", "runs", "median over every runtime and memory (ms) [95% CI]", "n"],
            pooled.map {
                [
                    $0.provider ?? "", $0.metric.rawValue, $0.parameters.temperature?.rawValue ?? "",
                    $0.parameters.experiment ?? "every run", Cells.withCI($0), Cells.n($0),
                ]
            }, rightAligned: [4, 5])
        // The reader should know before trusting either number (a simulation has no clocks to disagree).
        let suspects = report.simulated ? [:] : ClockSuspects(pooled).byProvider
        for (provider, medians) in suspects.sorted(by: { $0.key < $1.key }) {
            document.markdown.paragraph(
                "**\(Text.markdown(provider)): warm starts are slower than cold starts** (medians "
                    + "\(Text.number(medians.warm)) against \(Text.number(medians.cold)) ms). Start latency is the "
                    + "instance's clock minus the client's; an offset between the two clocks shifts every value, so "
                    + "these medians may say more about the clocks than about the platform.")
        }
        ColdStartFigures.write(
            detailed: detailed, pooled: pooled, aggregate: aggregates.count == 1 ? aggregates[0] : nil,
            snapshotProviders: Set(report.reports.flatMap(\.metrics).compactMap(\.provider)).sorted(),
            into: &document)
        let difference = metrics.filter { $0.metric == .newVMMinusExistingVM }
        if !difference.isEmpty {
            document.markdown.heading(3, "Cold starts on a new VM")
            document.markdown.paragraph(
                "Cold starts in the first batch that reached their VM against cold starts on a VM already in use. "
                    + "The pooled medians mix the VM's effect with which runtimes and memory sizes open new VMs; the "
                    + "within-group difference compares like with like: each runtime x memory group's new-VM median "
                    + "minus its VM-in-use median, and the median of these over the groups."
            )
            document.markdown.table(
                [
                    "provider", "new VM, pooled median (ms)", "VM in use, pooled median (ms)", "pooled gap (ms)",
                    "within-group difference, median (ms)", "cold starts",
                ],
                difference.map { row in
                    let newVM = metrics.first { $0.provider == row.provider && $0.parameters.grouping == .newVM }
                    let existing = metrics.first {
                        $0.provider == row.provider && $0.parameters.grouping == .existingVM
                    }
                    let gap = newVM.flatMap { a in existing.map { a.value - $0.value } }
                    return [
                        row.provider ?? "", Cells.withCI(newVM), Cells.withCI(existing), Cells.number(gap),
                        Text.number(row.value), Cells.n(row),
                    ]
                }, rightAligned: [1, 2, 3, 4, 5])
        }
        let colevels = metrics.filter { $0.parameters.colevel != nil && $0.statistic == .mean }
        if !colevels.isEmpty {
            document.markdown.heading(3, "Instances launched together on one VM")
            func level(_ metric: Metric) -> Double { Double(metric.parameters.colevel ?? 0) }
            let groups = Dictionary(grouping: colevels) {
                "\($0.provider ?? "") \($0.runtimeLabel ?? "") \($0.memoryMB.map { "\($0) MB" } ?? "")"
            }
            let series = groups.keys.sorted().map { key in
                Chart.Series(key, groups[key]!.map { Chart.Point(level($0), $0.value) }.sorted { $0.x < $1.x })
            }
            document.markdown.table(
                ["group", "colevel 1 (ms)", "highest colevel", "mean there (ms)"],
                series.map { item in
                    [
                        item.name, Cells.number(item.points.first?.y), Cells.number(item.points.last?.x),
                        Cells.number(item.points.last?.y),
                    ]
                }, rightAligned: [1, 2, 3])
            document.figure(
                "coldstart-colevel.svg",
                Chart.xy(
                    .line, title: "Cold starts launched together", x: "instances starting together on one VM",
                    y: "mean cold-start latency (ms)", series: series, yFromZero: true, levels: true),
                "Mean cold-start latency against the number of instances starting in the same batch on the same VM.")
        }
        let hourly = metrics.filter { $0.metric == .hourlyColdStartMedian && $0.statistic == .median }
        if let firstHour = hourly.compactMap({ $0.series?.first?.x }).min() {
            document.markdown.heading(3, "Cold starts over time")
            // Time runs on a linear axis, in days beyond two days of data.
            let lastHour = hourly.compactMap { $0.series?.last?.x }.max() ?? firstHour
            let perUnit = lastHour - firstHour > 48 ? 24.0 : 1
            let series = hourly.compactMap { row in
                row.series.map {
                    Chart.Series(
                        row.provider ?? "",
                        $0.map { Chart.Point(($0.x - firstHour) / perUnit, $0.y, low: $0.low, high: $0.high) })
                }
            }
            for row in hourly {
                document.markdown.paragraph(
                    "\(Text.markdown(row.provider ?? "")): median of the hourly medians \(Text.number(row.value)) ms "
                        + "over \(Cells.n(row)) hours."
                )
            }
            document.figure(
                "coldstart-hourly.svg",
                Chart.xy(
                    .line, title: "Hourly median cold start",
                    x: "\(perUnit == 24 ? "days" : "hours") since the first measurement",
                    y: "median cold-start latency (ms)", series: series, linearX: true),
                "Median cold-start latency of each hour of the runs of the 'hourly' experiment ("
                    + hourly.map { "\($0.provider ?? "") n = \(Cells.n($0)) hours" }.joined(separator: ", ")
                    + "), each hour's median over the cold starts of that hour with its 95% bootstrap CI as a band: "
                    + "these runs' own functions, "
                    + "not the groups of the tables above, so their level need not be the tables'.")
        }
    }

    /// Many groups with no warm starts (lambda-perf: ~150 runtime variants at 4 memory sizes) read better as
    /// one row per runtime and a column per memory size; every other statistic stays in metrics.csv.
    /// Returns whether it wrote the table.
    private func pivotByMemory(_ detailed: [Metric], _ metrics: [Metric], into document: inout ReportDocument) -> Bool {
        let memories = Set(detailed.compactMap(\.memoryMB)).sorted()
        let warm = metrics.contains { $0.parameters.temperature == .warm && $0.runtime != nil }
        guard detailed.count > 40, (2...6).contains(memories.count), !warm, Set(detailed.map(\.metric)).count == 1
        else { return false }
        // A row per runtime variant and parameters (two scenarios of one runtime are two rows, not one cell
        // written over another).
        struct Variant: Hashable {
            let provider: String?, runtime: String?, architecture: String?, packaging: String?
            let parameters: MetricParameters
        }
        var order: [Variant] = []
        var cells: [Variant: [Int: Metric]] = [:]
        for row in detailed {
            let variant = Variant(
                provider: row.provider, runtime: row.runtime, architecture: row.architecture, packaging: row.packaging,
                parameters: row.parameters)
            if cells[variant] == nil { order.append(variant) }
            cells[variant, default: [:]][row.memoryMB ?? -1] = row
        }
        let named = Dictionary(grouping: order) { [$0.provider ?? "", cells[$0]!.values.first!.runtimeLabel ?? ""] }
        document.markdown.paragraph(
            "Median cold start [95% CI] of each runtime (rows"
                + (named.values.contains { $0.count > 1 } ? "; one per setting where a runtime ran in several" : "")
                + ") at each memory size (columns), and the cold starts behind the row; p90, p99 and the mean are "
                + "in metrics.csv.")
        document.markdown.table(
            ["provider", "runtime"] + memories.map { "\($0) MB (ms)" } + ["n cold"],
            order.map { variant -> [String] in
                let row = cells[variant]!
                let label = row.values.first!.runtimeLabel ?? ""
                let peers = named[[variant.provider ?? "", label]]!.map(\.parameters)
                var words = peers.count > 1 ? variant.parameters.words(among: peers) : []
                if words.isEmpty, peers.count > 1 { words = [row.values.first!.setting ?? ""] }  // as the forest does
                return [variant.provider ?? "", ([label] + words).filter { !$0.isEmpty }.joined(separator: ", ")]
                    + memories.map { row[$0].map { Cells.withCI($0) } ?? "" }
                    + [String(row.values.reduce(0) { $0 + ($1.n ?? 0) })]
            }, rightAligned: Set(2..<(3 + memories.count)))
        return true
    }
}
