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
        let byDelay = metrics.filter {
            $0.metric == .staleFraction && $0.parameters.grouping == .pooled && $0.parameters.delaySeconds != nil
        }
        if !byDelay.isEmpty {
            document.figure(
                "consistency.svg",
                Chart.xy(
                    .line, title: "Requests served by the old version", x: "delay after the update (s)",
                    y: "fraction of requests",
                    series: Chart.Series.byProvider(byDelay) { $0.parameters.delaySeconds ?? 0 }, yFromZero: true),
                "Stale fraction of the requests in the first batch after an update, by the delay before it was sent.")
        }
    }
}
