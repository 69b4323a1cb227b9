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
                    series: Chart.Series.byProvider(
                        survival, x: { $0.parameters.idleMinutes ?? 0 }, interval: { $0.proportion?.wilsonInterval }),
                    yFromZero: true, linearY: true, linearX: true),
                "Fraction of second requests answered by the same instance, by the gap between the two requests, "
                    + "with 95% Wilson intervals"
                    + (metrics.contains { $0.parameters.grouping == .busyVM }
                        ? "; pairs whose VM another instance used during the gap are left out (their longest gap "
                            + "survived is in the table, \"VM kept busy\"). " : ". ")
                    + Self.leftOut(fewProbes, of: "request pairs"))
        }
        coldProbability(metrics.filter { $0.metric == .coldProbability }, into: &document)
    }

    /// One bin of idle gaps: the requests whose gap falls in it, how many started cold, and their mean gap.
    struct Bin {
        let lower: Double, width: Double
        var requests = 0, cold = 0
        var gapMinutes = 0.0  // summed over the requests, then divided
        var proportion: Proportion { Proportion(successes: cold, trials: requests) }
        var meanGap: Double { gapMinutes / Double(requests) }
        var label: String { "\(Text.number(lower))-\(Text.number(lower + width)) min" }
    }

    /// P(cold) by idle gap, one series per provider (and per kind of run, when both are there). Most gaps
    /// hold a few requests each, whose fractions are 0 or 1 by chance: table and figure pool them into
    /// bins of the gap, each drawn at its requests' mean gap with its 95% Wilson interval.
    private func coldProbability(_ rows: [Metric], into document: inout ReportDocument) {
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
        var sparse = 0
        // Each line's bins are a twentieth of its own longest gap: a provider that recycles within 30 minutes
        // is not pooled into the bins another's five hours need.
        let binned = lines.keys.sorted().map { line -> (line: Line, gaps: [Metric], bins: [Bin]) in
            let width = Self.binWidth(longestGap: lines[line]!.map(gap).max() ?? 0)
            var bins: [Int: Bin] = [:]
            for row in lines[line]! {
                guard let counted = row.proportion else { continue }
                let index = Int((gap(row) / width).rounded(.down))
                bins[index, default: Bin(lower: Double(index) * width, width: width)].requests += counted.trials
                bins[index]!.cold += counted.successes
                bins[index]!.gapMinutes += gap(row) * Double(counted.trials)
            }
            let kept = bins.sorted { $0.key < $1.key }.map(\.value).filter { bin in
                if bin.requests >= Self.fewestPerGap { return true }
                sparse += bin.requests
                return false
            }
            return (line, lines[line]!.sorted { gap($0) < gap($1) }, kept)
        }.filter { !$0.bins.isEmpty }
        guard !binned.isEmpty else { return }
        document.markdown.table(
            [
                "provider", "runs", "idle gaps (min)", "requests", "P(cold) in the first bin",
                "first bin with P(cold) ≥ 0.5", "P(cold) in the last bin",
            ],
            binned.map { line, gaps, bins in
                [
                    line.provider, line.experiment, "\(Text.number(gap(gaps.first!)))-\(Text.number(gap(gaps.last!)))",
                    String(gaps.reduce(0) { $0 + ($1.n ?? 0) }),
                    Text.number(bins.first!.proportion.value, significant: 2),
                    bins.first { $0.proportion.value >= 0.5 }?.label ?? "none",
                    Text.number(bins.last!.proportion.value, significant: 2),
                ]
            }, rightAligned: [3, 4, 6])
        let series = binned.map { line, _, bins in
            Chart.Series(
                kinds > 1 ? "\(line.provider) (\(line.experiment))" : line.provider,
                bins.map { bin in
                    let interval = bin.proportion.wilsonInterval
                    return Chart.Point(bin.meanGap, bin.proportion.value, low: interval.low, high: interval.high)
                })
        }
        let widths = binned.map { line, _, bins in
            "\(Text.number(bins[0].width)) min\(binned.count > 1 ? " for \(line.provider)" : "")"
                + (kinds > 1 ? " (\(line.experiment))" : "")
        }
        document.figure(
            "idle-cold-probability.svg",
            Chart.xy(
                .scatter, title: "Cold starts after an idle gap", x: "idle gap (minutes)", y: "P(cold start)",
                series: series, yFromZero: true, linearY: true),
            "Fraction of requests that started cold, by the idle gap before them (rounded to the minute), in "
                + "bins of the gap (\(widths.joined(separator: ", "))), each point at the mean gap of its requests "
                + "(\(Cells.range(binned.flatMap { $0.bins.map(\.requests) })) requests a bin), one series per provider"
                + (kinds > 1 ? " and kind of run" : "") + "; error bars: 95% Wilson intervals."
                + (sparse > 0
                    ? " Bins with fewer than \(Self.fewestPerGap) requests are left out (\(sparse) requests, in "
                        + "metrics.csv)." : ""))
    }

    /// Bins about a twentieth of the longest gap wide, rounded up to a width a reader counts in.
    static func binWidth(longestGap: Double) -> Double {
        [1, 2, 5, 10, 15, 30, 60, 120, 240].first { $0 * 20 >= longestGap } ?? 480
    }

    /// A gap (or a bin of gaps) with a handful of probes gives a fraction of 0 or 1 by chance: with fewer
    /// than this many it is left out of figures and tables.
    static let fewestPerGap = 5

    /// The rows with enough probes, and the others.
    static func enough(_ rows: [Metric]) -> (kept: [Metric], few: [Metric]) {
        (rows.filter { ($0.n ?? 0) >= fewestPerGap }, rows.filter { ($0.n ?? 0) < fewestPerGap })
    }

    /// What a caption says of the gaps left out.
    static func leftOut(_ few: [Metric], of what: String) -> String {
        guard !few.isEmpty else { return "every gap has at least \(fewestPerGap) \(what)." }
        return
            "Gaps with fewer than \(fewestPerGap) \(what) are left out of the figure "
            + "(\(few.count) gap\(few.count == 1 ? "" : "s"), \(few.reduce(0) { $0 + ($1.n ?? 0) }) \(what); all are "
            + "in metrics.csv)."
    }
}
