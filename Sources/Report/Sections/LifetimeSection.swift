import Analysis
import Statistics
import Store

/// Instance lifetime by memory and request interval, and the longest VM uptime.
struct LifetimeSection: StageSection {
    /// At most this many lines in the lifetime figure.
    static let lines = 8

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
        let fewest = Cells.fewestForDistribution
        let large = sampled.filter { $0.samples!.count >= fewest }
        // The largest groups, at most `lines`, drawn in the table's order.
        let drawn = large.enumerated().sorted {
            ($1.element.samples!.count, $0.offset) < ($0.element.samples!.count, $1.offset)
        }
        .prefix(Self.lines).sorted { $0.offset < $1.offset }.map(\.element)
        var leftOut = ""
        if sampled.count > large.count {
            let small = sampled.count - large.count
            leftOut += " \(small) group\(small == 1 ? "" : "s") of fewer than \(fewest) instances left out."
        }
        if large.count > drawn.count {
            leftOut +=
                " \(large.count - drawn.count) smaller groups not drawn (at most \(Self.lines) lines; all are in the "
                + "table)."
        }
        if drawn.isEmpty, !sampled.isEmpty {
            document.markdown.paragraph(
                "No lifetime figure: every group has fewer than \(fewest) instances (each is in the table).")
        }
        guard !drawn.isEmpty else { return }
        let providers = Set(drawn.map { $0.provider ?? "" }).count > 1
        // Several instances at a group's longest lifetime (to 0.1%: clocks differ by a few ms): most likely
        // alive when the run ended, so their lifetimes are at least that (right-censored), not that.
        let censored = drawn.filter { group in
            group.samples!.filter { $0 >= group.samples!.last! * 0.999 }.count > 1
        }
        let censoring =
            censored.isEmpty
            ? ""
            : " In \(censored.count) of \(drawn.count) groups several instances share the longest lifetime "
                + "(e.g. \(Text.number(censored[0].samples!.last!)) min): most likely instances still alive when "
                + "their run ended, so their lifetimes are at least that (right-censored), and the last step is "
                + "where watching stopped, not where they ended."
        document.figure(
            "lifetime-ecdf.svg",
            Chart.xy(
                .ecdf, title: "Instance lifetime", x: "lifetime (minutes)", y: "fraction of instances",
                series: drawn.map {
                    // Named from the fields: provider (when several), memory, request interval, n.
                    Chart.Series.ecdf(
                        [
                            providers ? $0.provider : nil,
                            $0.memoryMB.map { "\($0) MB" },
                            $0.parameters.intervalSeconds.map { "every \(Text.number($0)) s" },
                        ].compactMap { $0 }.joined(separator: ", ") + " (n = \($0.samples!.count))",
                        sorted: $0.samples!)
                }),
            "ECDF of instance lifetime by memory and request interval; n instances in the legend.\(leftOut)"
                + censoring)
    }
}
