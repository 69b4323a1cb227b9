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
                "Fraction of second requests answered by the same instance, by the gap between the two requests"
                    + (metrics.contains { $0.parameters.grouping == .busyVM }
                        ? "; pairs whose VM another instance used during the gap are left out (their longest gap "
                            + "survived is in the table, \"VM kept busy\"). " : ". ")
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
        func line(_ metric: Metric) -> Line {
            Line(provider: metric.provider ?? "", experiment: metric.parameters.experiment ?? "")
        }
        let lines = Dictionary(grouping: rows, by: line)
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
        if !few.isEmpty {
            document.markdown.paragraph(
                "The table leaves out gaps with fewer than \(Self.fewestPerGap) requests (\(few.count) gap"
                    + "\(few.count == 1 ? "" : "s"), \(few.reduce(0) { $0 + ($1.n ?? 0) }) requests; all are in "
                    + "metrics.csv); the figure pools them into its bins.")
        }
        // Most gaps hold a few requests each, whose fractions are 0 or 1 by chance: the figure pools them
        // into bins of the gap (all requests, including gaps too small for the table) and shows each bin's
        // 95% Wilson interval.
        let all = Dictionary(grouping: rows + few, by: line)
        let width = Self.binWidth(longestGap: (rows + few).map(gap).max() ?? 0)
        var binned: [Chart.Series] = []
        var counts: [Int] = []
        var sparse = 0
        for line in all.keys.sorted() {
            var bins: [Int: (cold: Int, requests: Int)] = [:]
            for row in all[line]! {
                guard let requests = row.n, requests > 0 else { continue }
                let bin = Int((gap(row) / width).rounded(.down))
                bins[bin, default: (0, 0)].cold += Int((row.value * Double(requests)).rounded())
                bins[bin, default: (0, 0)].requests += requests
            }
            let points = bins.sorted { $0.key < $1.key }.compactMap { bin, count -> Chart.Point? in
                guard count.requests >= Self.fewestPerGap else {
                    sparse += count.requests
                    return nil
                }
                counts.append(count.requests)
                let proportion = Proportion(successes: count.cold, trials: count.requests)
                let interval = proportion.wilsonInterval
                return Chart.Point(
                    (Double(bin) + 0.5) * width, proportion.value, low: interval.low, high: interval.high)
            }
            if !points.isEmpty {
                binned.append(Chart.Series(kinds > 1 ? "\(line.provider) (\(line.experiment))" : line.provider, points))
            }
        }
        document.figure(
            "idle-cold-probability.svg",
            Chart.xy(
                .line, title: "Cold starts after an idle gap", x: "idle gap (minutes)", y: "P(cold start)",
                series: binned, yFromZero: true),
            "Fraction of requests that started cold, by the idle gap before them, in \(Text.number(width))-minute bins "
                + "(each point at its bin's middle; \(Cells.range(counts)) requests a bin), one line per provider; "
                + "error bars: 95% Wilson intervals."
                + (sparse > 0
                    ? " Bins with fewer than \(Self.fewestPerGap) requests are left out (\(sparse) requests)." : ""))
    }

    /// Bins about a twentieth of the longest gap wide, rounded up to a width a reader counts in.
    static func binWidth(longestGap: Double) -> Double {
        [1, 2, 5, 10, 15, 30, 60, 120, 240].first { $0 * 20 >= longestGap } ?? 480
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
