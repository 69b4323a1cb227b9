import Analysis
import Statistics
import Store

/// CPU share, I/O and network throughput by colevel, and the slowdown against an instance alone: two
/// stages in one section, each saying on its own when it could not be measured.
struct PerformanceSection: ReportSection {
    let title = "Performance isolation"
    let stages: [StageID] = [.cpu, .ioAndNetwork]

    func write(_ report: ReportContext, into document: inout ReportDocument) {
        let (cpu, cpuMissing) = report.stage(.cpu)
        if let cpuMissing {
            document.markdown.paragraph("CPU: not measurable from this data: \(cpuMissing).")
        } else {
            let medians = cpu.filter { $0.statistic == .median }
            document.markdown.table(
                ["provider", "memory (MB)", "colevel", "CPU share median [95% CI]", "n"],
                medians.map {
                    [
                        $0.provider ?? "", $0.memoryMB.map(String.init) ?? "", $0.setting ?? "", Cells.withCI($0),
                        Cells.n($0),
                    ]
                }, rightAligned: [1, 3, 4])
            // One bar is a table cell, not a chart.
            let alone = medians.filter { $0.parameters.colevel == 1 }
            if alone.count > 1 {
                document.figure(
                    "cpu-share.svg",
                    Chart.bars(
                        title: "CPU share of an instance alone", y: "share of one CPU",
                        bars: alone.map {
                            Chart.Bar(
                                "\($0.provider ?? "") \($0.memoryMB.map { "\($0) MB" } ?? "")", $0.value,
                                low: Cells.ci($0)?.low, high: Cells.ci($0)?.high)
                        }),
                    "Median CPU share of instances running the busy loop alone, by provider and memory (MB).")
            }
            colevelFigure(
                medians.filter { $0.metric == .cpuUtilization }, name: "cpu-colevel.svg",
                title: "CPU share of instances running together", y: "share of one CPU",
                caption: "Median CPU share of the busy loop against the number of instances running it together "
                    + "(colevel)", into: &document)
        }
        let (io, ioMissing) = report.stage(.ioAndNetwork)
        if let ioMissing {
            document.markdown.paragraph("I/O and network: not measurable from this data: \(ioMissing).")
            return
        }
        let medians = io.filter { $0.statistic == .median }
        document.markdown.table(
            ["provider", "metric", "memory (MB)", "colevel", "median [95% CI]", "unit", "slowdown vs alone", "n"],
            medians.map { median in
                let slowdownID: MetricID = median.metric == .ioThroughput ? .ioSlowdown : .networkSlowdown
                let slowdown = io.first {
                    $0.metric == slowdownID && $0.provider == median.provider && $0.memoryMB == median.memoryMB
                        && $0.parameters == median.parameters
                }
                return [
                    median.provider ?? "", median.metric.rawValue, median.memoryMB.map(String.init) ?? "",
                    median.setting ?? "", Cells.withCI(median), median.unit,
                    slowdown.map { Text.number($0.value, significant: 3) + "x" } ?? "", Cells.n(median),
                ]
            }, rightAligned: [2, 4, 6, 7])
        colevelFigure(
            medians.filter { $0.metric == .ioThroughput }, name: "io-colevel.svg",
            title: "I/O throughput of instances running together",
            y: "disk write throughput (MB/s)",
            caption: "Median disk write throughput (dd) against the number of instances writing together (colevel)",
            into: &document)
        colevelFigure(
            medians.filter { $0.metric == .networkThroughput }, name: "network-colevel.svg",
            title: "Network throughput of instances running together", y: "network throughput (Mbps)",
            caption: "Median network throughput (iperf) against the number of instances sending together (colevel)",
            into: &document)
    }

    /// Medians against colevel, as the paper draws them: one line per provider and memory size, drawn when
    /// some line has two colevels or more. The caption gives the n of every point.
    private func colevelFigure(
        _ medians: [Metric], name: String, title: String, y: String, caption: String,
        into document: inout ReportDocument
    ) {
        let rows = medians.filter { $0.parameters.colevel != nil }
        struct Line: Hashable, Comparable {
            let provider: String, memoryMB: Int
            static func < (a: Line, b: Line) -> Bool { (a.provider, a.memoryMB) < (b.provider, b.memoryMB) }
        }
        // A line's points are its colevels (one median row each).
        let series = Chart.Series.lines(
            rows, by: { Line(provider: $0.provider ?? "", memoryMB: $0.memoryMB ?? 0) },
            name: { "\($0.provider) \($0.memoryMB) MB" }, x: { Double($0.parameters.colevel!) }, interval: Cells.ci)
        guard series.contains(where: { $0.points.count > 1 }) else { return }
        document.figure(
            name,
            Chart.xy(
                .line, title: title, x: "instances running together (colevel)", y: y, series: series, yFromZero: true,
                levels: true),
            "\(caption), by provider and memory, with 95% bootstrap CIs where n is \(Cells.fewestForCI) or more; n = "
                + "\(Cells.range(rows.compactMap(\.n))) instances per point (the table above). Colevel counts the "
                + "instances of one batch on one VM where the source names VMs, else the instances of one batch, "
                + "which may or may not share a VM. A line is broken where its "
                + "size was not run at a colevel another size was.")
    }
}
