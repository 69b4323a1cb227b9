import Analysis
import Statistics
import Store

/// The longest idle time an instance survived, and survival by idle gap.
struct IdleRecyclingSection: StageSection {
    let stage = StageID.idleRecycling

    func write(_ metrics: [Metric], _ report: ReportContext, into document: inout ReportDocument) {
        document.markdown.table(
            ["provider", "setting", "longest idle time survived (min)", "request pairs"],
            metrics.filter { $0.metric == .maxIdleMinutes }.map {
                [$0.provider ?? "", $0.setting ?? "", Text.number($0.value), Cells.n($0)]
            },
            rightAligned: [2, 3])
        let survival = metrics.filter { $0.metric == .idleSurvivalFraction }
        func gap(_ metric: Metric) -> Double { metric.parameters.idleMinutes ?? 0 }
        let providers = Set(survival.compactMap(\.provider)).sorted()
        if !survival.isEmpty {
            document.figure(
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
}
