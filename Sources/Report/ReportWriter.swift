import Analysis
import Foundation
import Statistics
import Store

/// Writes `report.md` and `figures/*.svg` for one snapshot: the paper's sections in its order, each
/// with its tables and charts (or one line saying what is missing), then methods and data quality.
/// Same store, same bytes.
public struct ReportWriter {
    private let store: Store
    private let options: Analyzer.Options

    public init(store: Store, options: Analyzer.Options = .init()) {
        self.store = store
        self.options = options
    }

    /// Writes the report into `directory` (created; old figures replaced) from the snapshot's current
    /// analysis: the stored one if `analyze metrics` (or an earlier report) computed it from the same
    /// data and options, else the analyses run now.
    public func write(snapshot: String, to directory: URL) throws {
        let reports = try Analyzer(store: store, options: options).current(snapshot: snapshot)
        let figures = directory.appendingPathComponent("figures")
        try? FileManager.default.removeItem(at: figures)
        try FileManager.default.createDirectory(at: figures, withIntermediateDirectories: true)
        var document = Builder(store: store, snapshot: snapshot, reports: reports, bootstrap: options.bootstrap)
        try document.build()
        for (name, svg) in document.figures {
            try Data(svg.utf8).write(to: figures.appendingPathComponent(name))
        }
        try Data(document.markdown.text.utf8).write(to: directory.appendingPathComponent("report.md"))
    }
}

/// Builds one report in memory.
private struct Builder {
    let store: Store
    let snapshot: String
    let reports: [StageReport]
    let bootstrap: Bootstrap
    var markdown = Markdown()
    var figures: [(String, String)] = []

    init(store: Store, snapshot: String, reports: [StageReport], bootstrap: Bootstrap) {
        self.store = store
        self.snapshot = snapshot
        self.reports = reports
        self.bootstrap = bootstrap
    }

    /// The metrics of one stage, or the reason it is not measurable.
    func stage(_ id: StageID) -> (metrics: [Metric], missing: String?) {
        switch reports.first(where: { $0.stage == id })?.outcome {
        case .metrics(let metrics): (metrics, nil)
        case .notMeasurable(let reason): ([], reason)
        case nil: ([], "stage not run")
        }
    }

    func n(_ metric: Metric) -> String { metric.n.map(String.init) ?? "" }
    func number(_ value: Double?) -> String { value.map { Text.number($0) } ?? "" }
    func withCI(_ metric: Metric?) -> String {
        guard let metric else { return "" }
        guard let low = metric.ciLow, let high = metric.ciHigh else { return Text.number(metric.value) }
        return "\(Text.number(metric.value)) [\(Text.number(low)), \(Text.number(high))]"
    }

    mutating func figure(_ name: String, _ svg: String, _ caption: String) {
        figures.append((name, svg))
        markdown.figure(name, caption)
    }

    /// Opens a section; returns its metrics, or nil after writing the one-line reason it is empty.
    mutating func section(_ number: Int, stage id: StageID) -> [Metric]? {
        markdown.heading(2, "\(number). \(id.title)")
        let (metrics, missing) = stage(id)
        if let missing {
            markdown.paragraph("Not measurable from this data: \(missing).")
            return nil
        }
        return metrics
    }

    // MARK: Document

    mutating func build() throws {
        guard let info = try store.summary(of: snapshot) else { throw AnalysisError.unknownSnapshot(snapshot) }
        let description = info.description ?? ""
        if !info.simulatedProfiles.isEmpty {
            let profiles = info.simulatedProfiles.map { SnapshotName.problem($0) == nil ? "`\($0)`" : Text.markdown($0) }
            markdown.paragraph(
                "> **Simulated data** from `analyze simulate`, profile\(profiles.count == 1 ? "" : "s") "
                    + profiles.joined(separator: ", ")
                    + ": a model calibrated on the paper's published numbers, not measurements of a platform.")
        }
        markdown.heading(1, "Serverless platform measurements: \(Text.markdown(snapshot))")
        let span = info.firstSent.map { ", sent \($0) to \(info.lastSent ?? $0) UTC" } ?? ""
        markdown.paragraph(
            "\(Text.markdown(description.isEmpty ? "Snapshot \(snapshot)." : description))\n\n"
                + "\(info.invocations) invocations from \(info.files) file\(info.files == 1 ? "" : "s")\(span). Sections follow the paper "
                + "(Wang et al., *Peeking Behind the Curtains of Serverless Platforms*, USENIX ATC 2018); every number carries its unit and n."
        )
        inventory()
        coresidency()
        scalability()
        placement()
        try coldStarts()
        lifetime()
        idle()
        consistency()
        performance()
        try methods()
    }

    // MARK: Sections

    mutating func inventory() {
        guard let metrics = section(1, stage: .vmInventory) else { return }
        let providers = Set(metrics.compactMap(\.provider)).sorted()
        func find(_ provider: String, _ id: MetricID, _ statistic: Statistic) -> String {
            number(metrics.first { $0.provider == provider && $0.metric == id && $0.statistic == statistic }?.value)
        }
        markdown.table(
            ["provider", "host VMs", "configurations", "vCPUs (mode)", "vCPUs (max)"],
            providers.map { provider in
                [
                    provider, find(provider, .vmCount, .count), find(provider, .vmConfigurations, .count),
                    find(provider, .vmVCPUs, .mode), find(provider, .vmVCPUs, .max),
                ]
            }, rightAligned: [1, 2, 3, 4])
        let shares = metrics.filter { $0.metric == .vmConfigurationShare }
        markdown.table(
            ["provider", "configuration (CPU model, vCPUs)", "share of instances", "instances"],
            shares.map {
                [$0.provider ?? "", $0.setting ?? "", Text.number($0.value, significant: 3), n($0)]
            }, rightAligned: [2, 3])
    }

    mutating func coresidency() {
        guard let metrics = section(2, stage: .coresidency) else { return }
        let fractions = metrics.filter { $0.metric == .crossTenantFraction }
        markdown.table(
            ["provider", "setting", "instances sharing a VM with another account", "VMs", "instances"],
            fractions.map { fraction in
                let vms = metrics.first { $0.metric == .coresidencyVMs && $0.provider == fraction.provider }
                return [
                    fraction.provider ?? "", fraction.setting ?? "", Text.number(fraction.value, significant: 3),
                    number(vms?.value), n(fraction),
                ]
            }, rightAligned: [2, 3, 4])
    }

    mutating func scalability() {
        guard let metrics = section(3, stage: .scalability) else { return }
        let levels = metrics.filter { $0.metric == .instancesPerRequest }
        let providers = Set(levels.compactMap(\.provider)).sorted()
        func level(_ metric: Metric) -> Double { Double(metric.parameters.concurrency ?? 0) }
        markdown.table(
            [
                "provider", "most instances for one batch", "instances per request, concurrency 5", "at 50",
                "at the highest level",
            ],
            providers.map { provider in
                let mine = levels.filter { $0.provider == provider }.sorted { level($0) < level($1) }
                let most = metrics.first { $0.metric == .maxConcurrentInstances && $0.provider == provider }
                return [
                    provider, number(most?.value), number(mine.first { level($0) == 5 }?.value),
                    number(mine.first { level($0) == 50 }?.value),
                    mine.last.map { "\(Text.number($0.value)) (concurrency \(Int(level($0))))" } ?? "",
                ]
            }, rightAligned: [1, 2, 3])
        let series = providers.map { provider in
            Chart.Series(
                provider,
                levels.filter { $0.provider == provider }.map { Chart.Point(level($0), $0.value) }.sorted {
                    $0.x < $1.x
                })
        }
        figure(
            "scalability.svg",
            Chart.xy(
                .line, title: "Instances per concurrent request", x: "concurrent requests",
                y: "instances / requests", series: series, yFromZero: true),
            "Distinct instances serving a batch of N concurrent requests, divided by N (mean over batches).")
    }

    mutating func placement() {
        guard let metrics = section(4, stage: .placement) else { return }
        markdown.table(
            ["provider", "setting", "statistic", "value", "unit", "VMs"],
            metrics.map {
                [$0.provider ?? "", $0.setting ?? "", $0.statistic.description, Text.number($0.value), $0.unit, n($0)]
            }, rightAligned: [3, 5])
        let medians = metrics.filter { $0.metric == .vmMemoryMB && $0.statistic == .median && $0.samples != nil }
        if !medians.isEmpty {
            figure(
                "placement.svg",
                Chart.boxes(
                    title: "Instance memory per VM", y: "aggregate instance memory (MB)",
                    boxes: medians.map { Chart.Box($0.provider ?? "", sample: Sample(sorted: $0.samples!)) }),
                "Aggregate configured memory of the distinct instances seen on one VM during a run.")
        }
    }

    mutating func coldStarts() throws {
        guard let metrics = section(5, stage: .coldStart) else { return }
        let definitions: [(metric: MetricID, text: String)] = [
            (
                .coldStartLatency,
                "`*.latency_ms`: function start (instance clock) minus request sent (client clock), the paper's definition"
            ),
            (
                .coldStartInitDuration,
                "`coldstart.init_duration_ms`: the Init Duration the platform reports for a cold start (REPORT log line)"
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
            markdown.paragraph(
                "Latency = function start (instance clock) minus request sent (client clock). Cold or warm as decided at ingest "
                    + "(see methods), never by a latency threshold. Medians with 95% bootstrap CIs.")
        } else {
            markdown.paragraph(
                "This source measures cold starts by its own definition, kept under its own metric id: "
                    + present.map(\.text).joined(separator: "; ")
                    + ". Cold or warm as decided at ingest (see methods), never by a latency "
                    + "threshold. Medians with 95% bootstrap CIs.")
        }
        let coldMetrics = Set(definitions.map(\.metric))
        let detailed = metrics.filter {
            $0.runtime != nil && $0.statistic == .median && coldMetrics.contains($0.metric)
                && $0.parameters.temperature == .cold && $0.parameters.grouping == nil && $0.parameters.colevel == nil
        }
        let showMetric = present.count > 1
        markdown.table(
            (showMetric ? ["metric"] : []) + [
                "provider", "runtime", "memory (MB)", "cold median (ms) [95% CI]", "cold p90", "cold p99", "n cold",
                "warm median (ms)", "n warm",
            ],
            detailed.map { cold in
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
                    cold.provider ?? "", cold.runtimeLabel ?? "", cold.memoryMB.map(String.init) ?? "", withCI(cold),
                    number(other(cold.metric, .p90)?.value), number(other(cold.metric, .p99)?.value), n(cold),
                    warm.map { withCI($0) } ?? "", warm.map(n) ?? "",
                ]
            }, rightAligned: (showMetric ? [3, 4, 5, 6, 7, 8, 9] : [2, 3, 4, 5, 6, 7, 8]))
        let pooled = metrics.filter {
            $0.runtime == nil && $0.statistic == .median && $0.parameters.grouping == .pooled
        }
        markdown.table(
            ["provider", "metric", "setting", "median (ms) [95% CI]", "n"],
            pooled.map {
                [$0.provider ?? "", $0.metric.rawValue, $0.setting ?? "", withCI($0), n($0)]
            }, rightAligned: [3, 4])
        let withSamples = detailed.filter { $0.samples != nil }.prefix(8)
        if !withSamples.isEmpty {
            figure(
                "coldstart-ecdf.svg",
                Chart.xy(
                    .ecdf, title: "Cold-start latency", x: "latency (ms)", y: "fraction of cold starts",
                    series: zip(GroupLabels.of(Array(withSamples), memoryUnit: " MB"), withSamples).map {
                        Chart.Series.ecdf($0, sorted: $1.samples!)
                    }),
                "ECDF of cold-start latency by runtime and memory\(detailed.count > 8 ? " (the first 8 groups)" : "").")
            let boxed = detailed.filter { $0.samples != nil }
            figure(
                "coldstart-box.svg",
                Chart.boxes(
                    title: "Cold-start latency by group", y: "latency (ms)",
                    boxes: zip(GroupLabels.of(Array(boxed.prefix(16))), boxed).map {
                        Chart.Box($0, sample: Sample(sorted: $1.samples!))
                    }),
                "Cold-start latency by runtime and memory (MB)\(boxed.count > 16 ? " (the first 16 groups)" : "").")
        }
        let difference = metrics.filter { $0.metric == .newVMMinusExistingVM }
        if !difference.isEmpty {
            markdown.heading(3, "Cold starts on a new VM")
            markdown.paragraph(
                "Difference: the median, over runtime x memory groups, of the group's new-VM median minus its VM-in-use median."
            )
            markdown.table(
                ["provider", "new VM median (ms)", "VM in use median (ms)", "difference (ms)", "n"],
                difference.map { row in
                    let newVM = metrics.first { $0.provider == row.provider && $0.parameters.grouping == .newVM }
                    let existing = metrics.first {
                        $0.provider == row.provider && $0.parameters.grouping == .existingVM
                    }
                    return [row.provider ?? "", withCI(newVM), withCI(existing), Text.number(row.value), n(row)]
                }, rightAligned: [1, 2, 3, 4])
        }
        let colevels = metrics.filter { $0.parameters.colevel != nil && $0.statistic == .mean }
        if !colevels.isEmpty {
            markdown.heading(3, "Instances launched together on one VM")
            func level(_ metric: Metric) -> Double { Double(metric.parameters.colevel ?? 0) }
            let groups = Dictionary(grouping: colevels) {
                "\($0.provider ?? "") \($0.runtimeLabel ?? "") \($0.memoryMB.map { "\($0) MB" } ?? "")"
            }
            let series = groups.keys.sorted().map { key in
                Chart.Series(key, groups[key]!.map { Chart.Point(level($0), $0.value) }.sorted { $0.x < $1.x })
            }
            markdown.table(
                ["group", "colevel 1 (ms)", "highest colevel", "mean there (ms)"],
                series.map { item in
                    [item.name, number(item.points.first?.y), number(item.points.last?.x), number(item.points.last?.y)]
                }, rightAligned: [1, 2, 3])
            figure(
                "coldstart-colevel.svg",
                Chart.xy(
                    .line, title: "Cold starts launched together", x: "instances starting together on one VM",
                    y: "mean cold-start latency (ms)", series: series, yFromZero: true),
                "Mean cold-start latency against the number of instances starting in the same batch on the same VM.")
        }
        let hourly = metrics.filter { $0.metric == .hourlyColdStartMedian && $0.statistic == .median }
        if let firstHour = hourly.compactMap({ $0.series?.first?.x }).min() {
            markdown.heading(3, "Cold starts over time")
            let series = hourly.compactMap { row in
                row.series.map { Chart.Series(row.provider ?? "", $0.map { Chart.Point($0.x - firstHour, $0.y) }) }
            }
            for row in hourly {
                markdown.paragraph(
                    "\(Text.markdown(row.provider ?? "")): median of the hourly medians \(Text.number(row.value)) ms over \(n(row)) hours."
                )
            }
            figure(
                "coldstart-hourly.svg",
                Chart.xy(
                    .line, title: "Hourly median cold start", x: "hours since the first measurement",
                    y: "median cold-start latency (ms)", series: series),
                "Median cold-start latency of each hour.")
        }
    }

    mutating func lifetime() {
        guard let metrics = section(6, stage: .lifetime) else { return }
        let medians = metrics.filter { $0.metric == .instanceLifetimeMinutes && $0.statistic == .median }
        markdown.table(
            ["provider", "memory (MB)", "setting", "median (min) [95% CI]", "p90 (min)", "max (min)", "instances"],
            medians.map { median in
                func other(_ statistic: Statistic) -> String {
                    number(
                        metrics.first {
                            $0.metric == median.metric && $0.statistic == statistic && $0.provider == median.provider
                                && $0.memoryMB == median.memoryMB && $0.parameters == median.parameters
                        }?.value)
                }
                return [
                    median.provider ?? "", median.memoryMB.map(String.init) ?? "", median.setting ?? "", withCI(median),
                    other(.p90), other(.max), n(median),
                ]
            }, rightAligned: [3, 4, 5, 6])
        for uptime in metrics.filter({ $0.metric == .vmUptimeHours }) {
            markdown.paragraph(
                "\(Text.markdown(uptime.provider ?? "")): longest host VM uptime seen \(Text.number(uptime.value)) hours (\(n(uptime)) VMs)."
            )
        }
        let withSamples = medians.filter { $0.samples != nil }.prefix(8)
        if !withSamples.isEmpty {
            figure(
                "lifetime-ecdf.svg",
                Chart.xy(
                    .ecdf, title: "Instance lifetime", x: "lifetime (minutes)", y: "fraction of instances",
                    series: withSamples.map {
                        Chart.Series.ecdf(
                            "\($0.memoryMB.map { "\($0) MB" } ?? "") \($0.setting ?? "")", sorted: $0.samples!)
                    }),
                "ECDF of instance lifetime by memory and request interval.")
        }
    }

    mutating func idle() {
        guard let metrics = section(7, stage: .idleRecycling) else { return }
        markdown.table(
            ["provider", "setting", "longest idle time survived (min)", "request pairs"],
            metrics.filter { $0.metric == .maxIdleMinutes }.map {
                [$0.provider ?? "", $0.setting ?? "", Text.number($0.value), n($0)]
            },
            rightAligned: [2, 3])
        let survival = metrics.filter { $0.metric == .idleSurvivalFraction }
        func gap(_ metric: Metric) -> Double { metric.parameters.idleMinutes ?? 0 }
        let providers = Set(survival.compactMap(\.provider)).sorted()
        if !survival.isEmpty {
            figure(
                "idle-survival.svg",
                Chart.xy(
                    .line, title: "Idle instances still alive", x: "idle gap (minutes)",
                    y: "fraction of instances reused",
                    series: providers.map { provider in
                        Chart.Series(
                            provider, survival.filter { $0.provider == provider }.map { Chart.Point(gap($0), $0.value) }
                        )
                    }, yFromZero: true),
                "Fraction of second requests answered by the same instance, by the gap between the two requests.")
        }
    }

    mutating func consistency() {
        guard let metrics = section(8, stage: .consistency) else { return }
        let perRun = metrics.filter { $0.metric == .staleFraction && $0.parameters.grouping != .pooled }
        markdown.table(
            ["provider", "setting", "stale requests", "stale new instances", "requests"],
            perRun.map { stale in
                let fresh = metrics.first {
                    $0.metric == .staleNewInstanceFraction && $0.provider == stale.provider
                        && $0.parameters == stale.parameters
                }
                return [
                    stale.provider ?? "", stale.setting ?? "", Text.number(stale.value, significant: 3),
                    number(fresh?.value), n(stale),
                ]
            }, rightAligned: [2, 3, 4])
        for safe in metrics.filter({ $0.metric == .safeDelay }) {
            markdown.paragraph(
                "\(Text.markdown(safe.provider ?? "")): no stale request from a delay of \(Text.number(safe.value)) s on."
            )
        }
        let byDelay = metrics.filter {
            $0.metric == .staleFraction && $0.parameters.grouping == .pooled && $0.parameters.delaySeconds != nil
        }
        func delay(_ metric: Metric) -> Double { metric.parameters.delaySeconds ?? 0 }
        if !byDelay.isEmpty {
            let providers = Set(byDelay.compactMap(\.provider)).sorted()
            figure(
                "consistency.svg",
                Chart.xy(
                    .line, title: "Requests served by the old version", x: "delay after the update (s)",
                    y: "fraction of requests",
                    series: providers.map { provider in
                        Chart.Series(
                            provider,
                            byDelay.filter { $0.provider == provider }.map { Chart.Point(delay($0), $0.value) }.sorted {
                                $0.x < $1.x
                            })
                    }, yFromZero: true),
                "Stale fraction of the requests in the first batch after an update, by the delay before it was sent.")
        }
    }

    mutating func performance() {
        markdown.heading(2, "9. Performance isolation")
        let (cpu, cpuMissing) = stage(.cpu)
        if let cpuMissing {
            markdown.paragraph("CPU: not measurable from this data: \(cpuMissing).")
        } else {
            let medians = cpu.filter { $0.statistic == .median }
            markdown.table(
                ["provider", "memory (MB)", "colevel", "CPU share median [95% CI]", "n"],
                medians.map {
                    [$0.provider ?? "", $0.memoryMB.map(String.init) ?? "", $0.setting ?? "", withCI($0), n($0)]
                }, rightAligned: [1, 3, 4])
            let alone = medians.filter { $0.parameters.colevel == 1 }
            if !alone.isEmpty {
                figure(
                    "cpu-share.svg",
                    Chart.bars(
                        title: "CPU share of an instance alone", y: "share of one CPU",
                        bars: alone.map {
                            Chart.Bar(
                                "\($0.provider ?? "") \($0.memoryMB.map(String.init) ?? "")", $0.value, low: $0.ciLow,
                                high: $0.ciHigh)
                        }),
                    "Median CPU share of instances running the busy loop alone, by provider and memory (MB).")
            }
        }
        let (io, ioMissing) = stage(.ioAndNetwork)
        if let ioMissing {
            markdown.paragraph("I/O and network: not measurable from this data: \(ioMissing).")
            return
        }
        let medians = io.filter { $0.statistic == .median }
        markdown.table(
            ["provider", "metric", "memory (MB)", "colevel", "median [95% CI]", "unit", "slowdown vs alone", "n"],
            medians.map { median in
                let slowdownID: MetricID = median.metric == .ioThroughput ? .ioSlowdown : .networkSlowdown
                let slowdown = io.first {
                    $0.metric == slowdownID && $0.provider == median.provider && $0.memoryMB == median.memoryMB
                        && $0.parameters == median.parameters
                }
                return [
                    median.provider ?? "", median.metric.rawValue, median.memoryMB.map(String.init) ?? "",
                    median.setting ?? "", withCI(median), median.unit,
                    slowdown.map { Text.number($0.value, significant: 3) + "x" } ?? "", n(median),
                ]
            }, rightAligned: [2, 4, 6, 7])
    }

    mutating func methods() throws {
        markdown.heading(2, "10. Methods and data quality")
        markdown.paragraph(
            "**Clocks.** `request_sent_ms` and `response_received_ms` are the client's clock; `function_start_ms` and "
                + "`function_end_ms` the instance's. Start latency mixes the two, as in the paper.")
        markdown.paragraph(
            "**Quantiles** are type 7 (linear interpolation between order statistics: h = (n - 1)p, "
                + "q = x[floor h] + (h - floor h)(x[ceil h] - x[floor h]); numpy's and R's default). "
                + "**Confidence intervals** are 95% percentile-bootstrap intervals of the median, \(bootstrap.resamples) resamples, seed \(bootstrap.seed)."
        )
        let rules = try store.coldRuleCounts(of: snapshot)
        markdown.paragraph("**Cold-start classifier**: the rule that decided each invocation.")
        markdown.table(
            ["rule", "meaning", "invocations"], rules.map { [$0.rule, $0.meaning, String($0.invocations)] },
            rightAligned: [2])
        let sources = try store.sources(of: snapshot)
        markdown.paragraph(
            "**Sources**: \(sources.count) file\(sources.count == 1 ? "" : "s") (SHA-256, first 16 hex digits).")
        markdown.table(
            ["file", "format", "bytes", "records", "rejected", "sha256"],
            sources.map {
                [$0.path, $0.format, String($0.sizeBytes), String($0.records), String($0.rejected), $0.sha256Prefix]
            }, rightAligned: [2, 3, 4])
        let rejects = try store.rejectCounts(of: snapshot)
        if rejects.isEmpty {
            markdown.paragraph("**Rejected records**: none.")
        } else {
            markdown.paragraph("**Rejected records** by reason (see `analyze rejects`).")
            markdown.table(["reason", "records"], rejects.map { [$0.reason, String($0.count)] }, rightAligned: [1])
        }
        let missing = reports.compactMap { report -> [String]? in
            if case .notMeasurable(let reason) = report.outcome { return [report.title, reason] }
            return nil
        }
        if !missing.isEmpty {
            markdown.paragraph("**Not measurable from this data**:")
            markdown.table(["analysis", "why"], missing)
        }
    }
}

enum GroupLabels {
    /// Chart labels for runtime x memory groups charted together: with the provider when they come from
    /// more than one, and with the scenario where the label would otherwise repeat (else two providers'
    /// `java` would carry the same name).
    static func of(_ charted: [Metric], memoryUnit: String = "") -> [String] {
        let providers = Set(charted.map { $0.provider ?? "" }).count > 1
        let labels = charted.map { metric in
            ((providers ? [metric.provider ?? ""] : []) + [metric.runtimeLabel ?? ""]
                + (metric.memoryMB.map { ["\($0)\(memoryUnit)"] } ?? []))
                .joined(separator: " ")
        }
        let counts = labels.reduce(into: [String: Int]()) { $0[$1, default: 0] += 1 }
        return zip(labels, charted).map { label, metric in
            guard counts[label]! > 1, let scenario = metric.parameters.scenario else { return label }
            return "\(label) \(scenario)"
        }
    }
}
