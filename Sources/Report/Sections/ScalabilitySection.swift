import Analysis
import Statistics
import Store

/// Instances per concurrent request by concurrency, and the most instances one batch got.
struct ScalabilitySection: StageSection {
    let stage = StageID.scalability

    func write(_ metrics: [Metric], _ report: ReportContext, into document: inout ReportDocument) {
        let levels = metrics.filter { $0.metric == .instancesPerRequest }
        let providers = Set(levels.compactMap(\.provider)).sorted()
        func level(_ metric: Metric) -> Double { Double(metric.parameters.concurrency ?? 0) }
        document.markdown.table(
            [
                "provider", "most instances for one batch", "instances per request, concurrency 5", "at 50",
                "at the highest level",
            ],
            providers.map { provider in
                let mine = levels.filter { $0.provider == provider }.sorted { level($0) < level($1) }
                let most = metrics.first { $0.metric == .maxConcurrentInstances && $0.provider == provider }
                return [
                    provider, Cells.number(most?.value), Cells.number(mine.first { level($0) == 5 }?.value),
                    Cells.number(mine.first { level($0) == 50 }?.value),
                    mine.last.map { "\(Text.number($0.value)) (concurrency \(Int(level($0))))" } ?? "",
                ]
            }, rightAligned: [1, 2, 3])
        let series = Chart.Series.byProvider(levels, x: level)
        document.figure(
            "scalability.svg",
            Chart.xy(
                .line, title: "Instances per concurrent request", x: "concurrent requests",
                y: "instances / requests", series: series, yFromZero: true),
            "Distinct instances serving a batch of N concurrent requests, divided by N (mean over batches).")
    }
}
