import Analysis
import Statistics
import Store

/// Requests served by the old version after an update, by delay.
struct ConsistencySection: StageSection {
    let stage = StageID.consistency

    func write(_ metrics: [Metric], _ report: ReportContext, into document: inout ReportDocument) {
        let perRun = metrics.filter { $0.metric == .staleFraction && $0.parameters.grouping != .pooled }
        document.markdown.table(
            ["provider", "setting", "stale requests", "stale new instances", "requests"],
            perRun.map { stale in
                let fresh = metrics.first {
                    $0.metric == .staleNewInstanceFraction && $0.provider == stale.provider
                        && $0.parameters == stale.parameters
                }
                return [
                    stale.provider ?? "", stale.setting ?? "", Text.number(stale.value, significant: 3),
                    Cells.number(fresh?.value), Cells.n(stale),
                ]
            }, rightAligned: [2, 3, 4])
        for safe in metrics.filter({ $0.metric == .safeDelay }) {
            document.markdown.paragraph(
                "\(Text.markdown(safe.provider ?? "")): no stale request from a delay of \(Text.number(safe.value)) "
                    + "s on."
            )
        }
        // One line per provider and batch size k, as the paper draws them: pooling k = 1 with k = 50 would
        // weigh the large batches' fraction.
        let byDelay = metrics.filter {
            $0.metric == .staleFraction && $0.parameters.grouping == nil && $0.parameters.delaySeconds != nil
        }
        struct Line: Hashable, Comparable {
            let provider: String, k: Int
            static func < (a: Line, b: Line) -> Bool { (a.provider, a.k) < (b.provider, b.k) }
        }
        // A fraction with its 95% Wilson interval where its requests are independent trials: one request per
        // update (k = 1). The k requests of a larger batch see the same update, so they are not: no interval.
        let series = Chart.Series.lines(
            byDelay, by: { Line(provider: $0.provider ?? "", k: $0.parameters.batchSize ?? 0) },
            name: { "\($0.provider) k = \($0.k)" }, x: { $0.parameters.delaySeconds! },
            interval: { $0.parameters.batchSize == 1 ? $0.proportion?.wilsonInterval : nil })
        let single = byDelay.filter { $0.parameters.batchSize == 1 }.compactMap(\.n)
        let stale = byDelay.contains { $0.value > 0 }
        if !series.isEmpty, stale {
            document.figure(
                "consistency.svg",
                Chart.xy(
                    .line, title: "Requests served by the old version", x: "delay after the update (s)",
                    y: "fraction of requests", series: series, yFromZero: true, linearY: true),
                "Stale fraction of the requests in the first batch after an update, by the delay before it was sent, "
                    + "one line per provider and batch size k."
                    + (single.isEmpty
                        ? ""
                        : " Error bars for k = 1: 95% Wilson intervals (\(Cells.range(single)) requests, one per "
                            + "update, a point); a larger batch's requests share their update, so they are not "
                            + "independent trials and get none."))
        } else if !series.isEmpty {
            document.markdown.paragraph("No request was served by an old version at any delay (no figure).")
        }
    }
}
