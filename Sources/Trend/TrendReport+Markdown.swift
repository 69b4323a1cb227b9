import Analysis
import Foundation
import Report
import Store

/// The trend as a report: `trend.md` (key findings, points, largest movers, small multiples by runtime
/// family and architecture, methods), `report.html`, `figures/*.svg`, `trend.csv` (every group at
/// every point) and `trend.json` (what the reports' index lists).
extension TrendReport {
    /// Rows in the table of largest movers.
    static let movers = 20
    /// Lines in one panel of a figure; panels in one figure.
    static let linesPerPanel = 6
    static let panelsPerFigure = 6

    public func write(to directory: URL, title: String) throws {
        let figures = directory.appendingPathComponent("figures")
        try? FileManager.default.removeItem(at: figures)
        try FileManager.default.createDirectory(at: figures, withIntermediateDirectories: true)
        var markdown = Markdown()
        markdown.heading(1, "Trend: \(Text.markdown(title))")
        introduction(into: &markdown)
        keyFindings(into: &markdown)
        pointsTable(into: &markdown)
        largestMovers(into: &markdown)
        var svgs: [(name: String, svg: String)] = []
        figuresSection(into: &markdown, svgs: &svgs)
        methods(into: &markdown)
        for (name, svg) in svgs {
            try Data(svg.utf8).write(to: figures.appendingPathComponent(name))
        }
        try Data(markdown.text.utf8).write(to: directory.appendingPathComponent("trend.md"))
        try Data(HTMLPage.render(title: "Trend: \(title)", markdown: markdown, figures: svgs).utf8).write(
            to: directory.appendingPathComponent("report.html"))
        try Data(points().csv().utf8).write(to: directory.appendingPathComponent("trend.csv"))
        try Data(try indexSummary(title: title).utf8).write(to: directory.appendingPathComponent("trend.json"))
    }

    /// The series a figure or the movers table shows: tested (at least `Trend.fewestForTest` points).
    var tested: [TrendSeries] { trend.series.filter { $0.verdict != .tooFewPoints } }

    private func introduction(into markdown: inout Markdown) {
        let points = trend.points
        let snapshots = Array(Set(points.map(\.snapshot))).sorted()
        let split = points.count > snapshots.count
        markdown.paragraph(
            "\(points.count) points in time, \(points.first!.label) to \(points.last!.label)"
                + (split ? ", the time windows of the snapshots " : ", one per snapshot: ")
                + snapshots.map { "`\($0)`" }.joined(separator: ", ") + ". "
                + "\(trend.series.count) metric groups are measured in at least \(Trend.fewestPoints) points and "
                + "followed here; \(trend.leftOut) are in fewer and left out; rows pooled over every runtime and "
                + "memory size are not followed, since the mix of runtimes behind them changes from point to point. "
                + (split
                    ? "Split by time, a point holds only cold- and warm-start latencies: the other measurements need "
                        + "whole experiments. " : "")
                + (trend.republished > 0
                    ? "\(trend.republished) values repeat their group's previous value exactly (median, "
                        + "CI and n: the same measurement published again) and are kept once, at the earlier point, "
                        + "here and in `trend.csv`. "
                    : "")
                + (trend.aliased > 0
                    ? "\(trend.aliased) further groups repeat another group's value at every point they were "
                        + "measured in (one measurement published under two names) and are followed once, under the "
                        + "name with the most points; lines and `trend.csv` (`also_published_as`) give both names. "
                    : "")
                + (trend.sharedValues > 0
                    ? "\(trend.sharedValues) values of followed groups are another followed group's value at the "
                        + "same point (groups published under two names at some points only); both groups keep them. "
                    : "")
                + "Every group at every point, with its CI and n, is in `trend.csv`.")
    }

    private func keyFindings(into markdown: inout Markdown) {
        markdown.heading(2, "Key findings")
        func meaning(_ kind: TrendSeries.Verdict.Kind) -> String {
            switch kind {
            case .rising: "a monotonic rise (Mann-Kendall q < 0.05), better described by a line than by steps"
            case .falling: "a monotonic fall (Mann-Kendall q < 0.05), better described by a line than by steps"
            case .shifted: "a change of level (Pettitt q < 0.05) at the point named, better described by steps"
            case .stable: "neither test below q = 0.05: no trend or shift told from the point-to-point variation"
            case .tooFewPoints:
                "measured in \(Trend.fewestPoints)-\(Trend.fewestForTest - 1) points: no test at 0.05 can decide"
            }
        }
        markdown.table(
            ["verdict", "groups", "meaning"],
            trend.verdictCounts.map { [$0.kind.rawValue, String($0.count), meaning($0.kind)] }, rightAligned: [1])
        let moved = tested.filter { $0.verdict != .stable }.compactMap { series in
            series.ratio.map { (series, $0) }
        }
        let falling = moved.filter { $0.1 < 1 }.count
        markdown.paragraph(
            "Of the \(tested.count) groups with at least \(Trend.fewestForTest) points, \(moved.count) moved: "
                + "\(falling) ended lower than they started and \(moved.count - falling) higher. Table 2 lists the "
                + "largest changes.")
    }

    private func pointsTable(into markdown: inout Markdown) {
        markdown.heading(2, "Points")
        var groups = [Int](repeating: 0, count: trend.points.count)
        for series in trend.series { for value in series.values { groups[value.point] += 1 } }
        let split = trend.points.contains { $0.label != $0.snapshot }
        markdown.table(
            ["point"] + (split ? ["snapshot"] : []) + ["measured", "time from", "groups followed"],
            trend.points.enumerated().map { index, point in
                [point.label] + (split ? [point.snapshot] : [])
                    + [point.time.description, point.time.basis.rawValue, String(groups[index])]
            }, rightAligned: [split ? 4 : 3])
        markdown.paragraph(
            "*Table 1. The points, oldest first. A point stands at the middle of its measured span; slopes are per "
                + "year of that time.*")
    }

    private func largestMovers(into markdown: inout Markdown) {
        markdown.heading(2, "Largest movers")
        let ranked = tested.filter { $0.ratio != nil && $0.ratio! > 0 }.sorted {
            (abs(log($0.ratio!)), $1.key) > (abs(log($1.ratio!)), $0.key)
        }
        markdown.table(
            [
                "metric", "group", "points", "first median (95% CI)", "last median (95% CI)", "last/first",
                "slope per year (95% CI)", "Mann-Kendall q", "verdict",
            ],
            ranked.prefix(Self.movers).map { series in
                let (first, last) = (series.values.first!, series.values.last!)
                return [
                    series.row.metric.name, Self.groupLabel(series.row), String(series.values.count),
                    Self.median(first, series.row.unit, label: trend.points[first.point].label),
                    Self.median(last, series.row.unit, label: trend.points[last.point].label),
                    Text.number(series.ratio!, significant: 3),
                    series.slope.map {
                        "\(Text.number($0.slope, significant: 3)) (\(Text.number($0.low, significant: 3)) to "
                            + "\(Text.number($0.high, significant: 3)))"
                    } ?? "", series.mannKendallQ.map(Self.pValue) ?? "", verdictText(series),
                ]
            }, rightAligned: [2, 5, 7])
        markdown.paragraph(
            "*Table 2. The \(min(Self.movers, ranked.count)) groups of \(ranked.count) tested whose last median is "
                + "furthest from their first (by the size of the log ratio), whatever the verdict: a group can end "
                + "far from where it started and still be \"stable\" when the points between vary as much. Slopes "
                + "are Theil-Sen, in the metric's unit per year.*")
    }

    static func median(_ value: TrendSeries.Value, _ unit: String, label: String) -> String {
        var text = "\(Text.number(value.median, significant: 3)) \(unit)"
        if let low = value.low, let high = value.high {
            text += " (\(Text.number(low, significant: 3))-\(Text.number(high, significant: 3)))"
        }
        return text + " at \(label)" + (value.n.map { ", n = \($0)" } ?? "")
    }

    static func pValue(_ p: Double) -> String { p < 0.0001 ? "< 0.0001" : Text.number(p, significant: 2) }

    /// The group without its metric and statistic: `python3.12 arm64, 128 MB, cold starts, experiment=coldstart`.
    static func groupLabel(_ row: Metric) -> String {
        [row.provider, row.runtimeLabel, row.memoryMB.map { "\($0) MB" }, row.setting].compactMap { $0 }
            .joined(separator: ", ")
    }

    private func methods(into markdown: inout Markdown) {
        markdown.heading(2, "Methods")
        markdown.paragraph(
            "Each point is analyzed as `analyze metrics` analyzes a snapshot; a group's value at a point is its "
                + "median with the 95% percentile-bootstrap CI and n of that analysis. Over the points: the "
                + "Theil-Sen slope with Sen's 95% interval (as scipy.stats.theilslopes); the Mann-Kendall test "
                + "with ties and continuity correction; Pettitt's change-point test with at least "
                + "\(Trend.minimumSegment) points on each side, then binary segmentation for further shifts. The "
                + "p-values of each test are adjusted over all tested groups (Benjamini-Hochberg), so that among "
                + "the groups called rising, falling or shifted the expected share of false calls is at most "
                + "\(Text.number(Trend.level)). A group with both a trend and a shift is called shifted when "
                + "the segments' own medians leave smaller absolute residuals than the Theil-Sen line. The tests see "
                + "only the medians, not their CIs: a shift of a few milliseconds in a large sample can be "
                + "\"stable\" when the points vary more than that from one to the next. Definitions: "
                + "docs/trend.md.")
    }

    /// What `Reports/README.md` lists of a trend.
    func indexSummary(title: String) throws -> String {
        struct Summary: Encodable {
            let title: String
            let snapshots: [String]
            let points: Int
            let first, last: String
            let groups: Int
            let verdicts: [Verdicts]
        }
        struct Verdicts: Encodable {
            let verdict: TrendSeries.Verdict.Kind
            let groups: Int
        }
        let summary = Summary(
            title: title, snapshots: Array(Set(trend.points.map(\.snapshot))).sorted(), points: trend.points.count,
            first: trend.points.first!.label, last: trend.points.last!.label, groups: trend.series.count,
            verdicts: trend.verdictCounts.map { Verdicts(verdict: $0.kind, groups: $0.count) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(summary), as: UTF8.self) + "\n"
    }
}
