import Analysis
import Statistics
import Store

/// The longest idle time an instance survived, survival by idle gap, and the probability that a
/// request after an idle gap starts cold (the paper's idle-recycling figure).
struct IdleRecyclingSection: StageSection {
    let stage = StageID.idleRecycling

    func write(_ metrics: [Metric], _ report: ReportContext, into document: inout ReportDocument) {
        document.markdown.table(
            ["provider", "setting", "longest idle time survived (min)", "request pairs"],
            metrics.filter { $0.metric == .maxIdleMinutes }.map {
                [$0.provider ?? "", $0.setting ?? "", Text.number($0.value), Cells.n($0)]
            },
            rightAligned: [2, 3])
        let (survival, fewProbes) = Self.enough(metrics.filter { $0.metric == .idleSurvivalFraction })
        if !survival.isEmpty {
            document.figure(
                "idle-survival.svg",
                Chart.xy(
                    .scatter, title: "Idle instances still alive", x: "idle gap (minutes)",
                    y: "fraction of instances reused",
                    series: Chart.Series.byProvider(survival) { $0.parameters.idleMinutes ?? 0 }, yFromZero: true),
                "Fraction of second requests answered by the same instance, by the gap between the two requests. "
                    + Self.leftOut(fewProbes, of: "request pairs"))
        }
        coldProbability(metrics.filter { $0.metric == .coldProbability }, into: &document)
    }

    /// P(cold) by idle gap, one line per provider (and per experiment, when both kinds of run are there),
    /// with a table of where each provider's curve crosses one half.
    private func coldProbability(_ rows: [Metric], into document: inout ReportDocument) {
        let (rows, few) = Self.enough(rows)
        guard !rows.isEmpty else { return }
        struct Line: Hashable, Comparable {
            let provider: String, experiment: String
            static func < (a: Line, b: Line) -> Bool { (a.provider, a.experiment) < (b.provider, b.experiment) }
        }
        let lines = Dictionary(grouping: rows) {
            Line(provider: $0.provider ?? "", experiment: $0.parameters.experiment ?? "")
        }
        let kinds = Set(lines.keys.map(\.experiment)).count
        func gap(_ metric: Metric) -> Double { metric.parameters.idleMinutes ?? 0 }
        let ordered = lines.keys.sorted().map { line in (line, lines[line]!.sorted { gap($0) < gap($1) }) }
        document.markdown.table(
            [
                "provider", "runs", "idle gaps (min)", "requests", "P(cold) at the shortest gap",
                "first gap with P(cold) ≥ 0.5",
                "P(cold) at the longest gap",
            ],
            ordered.map { line, points in
                let half = points.first { $0.value >= 0.5 }
                return [
                    line.provider, line.experiment,
                    "\(Text.number(gap(points.first!)))-\(Text.number(gap(points.last!)))",
                    String(points.reduce(0) { $0 + ($1.n ?? 0) }), Text.number(points.first!.value, significant: 2),
                    half.map { "\(Text.number(gap($0))) min" } ?? "none",
                    Text.number(points.last!.value, significant: 2),
                ]
            }, rightAligned: [3, 4, 6])
        document.figure(
            "idle-cold-probability.svg",
            Chart.xy(
                .scatter, title: "Cold starts after an idle gap", x: "idle gap (minutes)", y: "P(cold start)",
                series: ordered.map { line, points in
                    Chart.Series(
                        kinds > 1 ? "\(line.provider) (\(line.experiment))" : line.provider,
                        points.map { Chart.Point(gap($0), $0.value) })
                }, yFromZero: true),
            "Fraction of requests that started cold, by the idle gap before them (rounded to the minute), one series "
                + "per provider; \(rows.reduce(0) { $0 + ($1.n ?? 0) }) requests in all. "
                + Self.leftOut(few, of: "requests", table: true))
    }

    /// A gap with a handful of probes gives a fraction of 0 or 1 by chance: gaps with fewer than this
    /// many are left out of figures and tables.
    static let fewestPerGap = 5

    /// The rows with enough probes, and the others.
    static func enough(_ rows: [Metric]) -> (kept: [Metric], few: [Metric]) {
        (rows.filter { ($0.n ?? 0) >= fewestPerGap }, rows.filter { ($0.n ?? 0) < fewestPerGap })
    }

    /// What a caption says of the gaps left out.
    static func leftOut(_ few: [Metric], of what: String, table: Bool = false) -> String {
        guard !few.isEmpty else { return "every gap has at least \(fewestPerGap) \(what)." }
        return
            "Gaps with fewer than \(fewestPerGap) \(what) are left out of the figure\(table ? " and the table" : "") "
            + "(\(few.count) gap\(few.count == 1 ? "" : "s"), \(few.reduce(0) { $0 + ($1.n ?? 0) }) \(what); all are "
            + "in metrics.csv)."
    }
}
