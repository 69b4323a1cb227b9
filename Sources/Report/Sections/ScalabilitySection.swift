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
        let concurrency = levels.map(level)
        if let least = concurrency.min(), let most = concurrency.max(), levels.allSatisfy({ $0.value == 1 }) {
            // A line at 1 from end to end would be the figure's only content.
            document.markdown.paragraph(
                "At every concurrency level measured (\(Text.number(least)) to \(Text.number(most)) requests), each "
                    + "request of a batch was served by an instance of its own: instances per request is 1 (no figure)."
            )
        } else if !series.isEmpty {
            document.figure(
                "scalability.svg",
                Chart.xy(
                    .line, title: "Instances per concurrent request", x: "concurrent requests",
                    y: "instances / requests", series: series, yFromZero: true, linearY: true),
                "Distinct instances serving a batch of N concurrent requests, divided by N (mean over batches).")
        }
        // The paper's figure of instances and VMs against concurrency, where VMs are visible.
        let vms = metrics.filter { $0.metric == .vmsPerBatch }
        guard Set(vms.compactMap(\.parameters.concurrency)).count > 1 else { return }
        var counts: [Chart.Series] = []
        for provider in Set(vms.compactMap(\.provider)).sorted() {
            let instances = levels.filter { $0.provider == provider }.map {
                Chart.Point(level($0), $0.value * level($0))
            }
            let hosts = vms.filter { $0.provider == provider }.map { Chart.Point(level($0), $0.value) }
            counts.append(Chart.Series("\(provider) instances", instances.sorted { $0.x < $1.x }))
            counts.append(Chart.Series("\(provider) VMs", hosts.sorted { $0.x < $1.x }))
        }
        // One batch per level is one observation each: points, not a line that would look like a trend.
        let single = vms.allSatisfy { $0.n == 1 }
        document.figure(
            "scalability-vms.svg",
            Chart.xy(
                single ? .scatter : .line, title: "Instances and VMs serving a batch", x: "concurrent requests",
                y: "distinct instances or VMs", series: counts, yFromZero: true),
            "Distinct instances and VMs serving a batch of N concurrent requests "
                + (single
                    ? "(one batch per level, so each point is one observation)"
                    : "(mean over a level's batches, n = \(Cells.range(vms.compactMap(\.n))) per level)")
                + ", at the levels where every batch names its VMs; a VM is what the source's VM id names "
                + "(docs/formats.md: a host, or a sandbox that holds one instance).")
    }
}
