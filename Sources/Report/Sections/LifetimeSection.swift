import Analysis
import Statistics
import Store

/// Instance lifetime by memory and request interval, and the longest VM uptime.
struct LifetimeSection: StageSection {
    let stage = StageID.lifetime

    func write(_ metrics: [Metric], _ report: ReportContext, into document: inout ReportDocument) {
        let medians = metrics.filter { $0.metric == .instanceLifetimeMinutes && $0.statistic == .median }
        document.markdown.table(
            ["provider", "memory (MB)", "setting", "median (min) [95% CI]", "p90 (min)", "max (min)", "instances"],
            medians.map { median in
                func other(_ statistic: Statistic) -> String {
                    Cells.number(
                        metrics.first {
                            $0.metric == median.metric && $0.statistic == statistic && $0.provider == median.provider
                                && $0.memoryMB == median.memoryMB && $0.parameters == median.parameters
                        }?.value)
                }
                return [
                    median.provider ?? "", median.memoryMB.map(String.init) ?? "", median.setting ?? "",
                    Cells.withCI(median),
                    other(.p90), other(.max), Cells.n(median),
                ]
            }, rightAligned: [3, 4, 5, 6])
        for uptime in metrics.filter({ $0.metric == .vmUptimeHours }) {
            document.markdown.paragraph(
                "\(Text.markdown(uptime.provider ?? "")): \(Text.markdown(uptime.setting ?? "")) "
                    + "\(Text.number(uptime.value)) hours (\(Cells.n(uptime)) VMs)."
            )
        }
        let sampled = medians.filter { $0.samples != nil }
        let withSamples = sampled.filter { $0.samples!.count >= Cells.fewestForDistribution }.prefix(8)
        let left = sampled.count - withSamples.count
        let fewest = Cells.fewestForDistribution
        let leftOut =
            left == 0 ? "" : " \(left) group\(left == 1 ? "" : "s") of fewer than \(fewest) instances left out."
        if withSamples.isEmpty, left > 0 {
            document.markdown.paragraph(
                "No lifetime figure: every group has fewer than \(fewest) instances (each is in the table).")
        }
        if !withSamples.isEmpty {
            document.figure(
                "lifetime-ecdf.svg",
                Chart.xy(
                    .ecdf, title: "Instance lifetime", x: "lifetime (minutes)", y: "fraction of instances",
                    series: withSamples.map {
                        // Named from the fields: memory, request interval, n.
                        Chart.Series.ecdf(
                            [
                                $0.memoryMB.map { "\($0) MB" },
                                $0.parameters.intervalSeconds.map { "every \(Text.number($0)) s" },
                            ].compactMap { $0 }.joined(separator: ", ") + " (n = \($0.samples!.count))",
                            sorted: $0.samples!)
                    }),
                "ECDF of instance lifetime by memory and request interval; n instances in the legend.\(leftOut)")
        }
    }
}
