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
            let alone = medians.filter { $0.parameters.colevel == 1 }
            if !alone.isEmpty {
                document.figure(
                    "cpu-share.svg",
                    Chart.bars(
                        title: "CPU share of an instance alone", y: "share of one CPU",
                        bars: alone.map {
                            Chart.Bar(
                                "\($0.provider ?? "") \($0.memoryMB.map(String.init) ?? "")", $0.value,
                                low: Cells.ci($0)?.low, high: Cells.ci($0)?.high)
                        }),
                    "Median CPU share of instances running the busy loop alone, by provider and memory (MB).")
            }
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
    }
}
