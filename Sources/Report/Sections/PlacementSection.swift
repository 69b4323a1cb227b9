import Analysis
import Statistics
import Store

/// The aggregate memory of the instances seen on one VM.
struct PlacementSection: StageSection {
    let stage = StageID.placement

    func write(_ metrics: [Metric], _ report: ReportContext, into document: inout ReportDocument) {
        document.markdown.table(
            ["provider", "setting", "statistic", "value", "unit", "VMs"],
            metrics.map {
                [
                    $0.provider ?? "", $0.setting ?? "", $0.statistic.description, Text.number($0.value), $0.unit,
                    Cells.n($0),
                ]
            }, rightAligned: [3, 5])
        // Outside the placement experiment's runs, a VM's instances are summed over the whole snapshot, alive
        // at once or not: an upper bound on packing, which a figure would show as packing. The table says so.
        if metrics.contains(where: { $0.parameters.experiment == nil }) {
            document.markdown.paragraph(
                "Without runs of the placement experiment, the memory is summed over every instance a VM ran at any "
                    + "time of the snapshot (\"all invocations\"), not over instances alive at once: an upper bound "
                    + "on what one VM held, which can exceed its memory. It is not drawn as packing.")
        }
        // A provider with a handful of VMs is a table row, not a distribution.
        let medians = metrics.filter {
            $0.metric == .vmMemoryMB && $0.statistic == .median && $0.parameters.experiment != nil
                && ($0.samples?.count ?? 0) >= Cells.fewestForDistribution
        }
        if !medians.isEmpty {
            let counts = medians.map { "\($0.provider ?? "") n = \($0.samples!.count)" }.joined(separator: ", ")
            document.figure(
                "placement.svg",
                Chart.boxes(
                    title: "Instance memory per VM", y: "aggregate instance memory (MB)",
                    boxes: medians.map { Chart.Box($0.provider ?? "", sample: Sample(sorted: $0.samples!)) }),
                "Aggregate configured memory of the distinct instances seen on one VM during a run (\(counts) VMs; "
                    + "fewer than \(Chart.Box.fewest) are drawn as points).")
        }
    }
}
