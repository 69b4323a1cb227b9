import Foundation
import Report
import Store

/// The report's small multiples: per metric and provider, one panel per runtime family and
/// architecture, its lines the groups measured in the most points (at the panel's most common memory
/// size first), never cut by the alphabet; what a panel leaves out is counted in its figure's caption.
extension TrendReport {
    struct PanelKey: Hashable, Comparable {
        let family: String
        let architecture: String?
        static func < (a: PanelKey, b: PanelKey) -> Bool {
            (a.family, a.architecture ?? "") < (b.family, b.architecture ?? "")
        }
        var title: String { architecture.map { "\(family), \($0)" } ?? family }
    }

    func figuresSection(into markdown: inout Markdown, svgs: inout [(name: String, svg: String)]) {
        markdown.heading(2, "Medians over time")
        let byMetric = Dictionary(grouping: trend.series) { "\($0.row.metric.rawValue)\u{1}\($0.row.provider ?? "")" }
        for metricKey in byMetric.keys.sorted() {
            let group = byMetric[metricKey]!
            let row = group[0].row
            let panels = Dictionary(grouping: group) { series in
                PanelKey(
                    family: series.row.runtimeName?.family ?? "other scenarios", architecture: series.row.architecture)
            }
            // The panels with the most groups first, then by name.
            let ordered = panels.keys.sorted { (panels[$1]!.count, $0) < (panels[$0]!.count, $1) }
            var drawn: [(panel: Chart.TrendPanel, omitted: Int)] = []
            var ns: [Int] = []
            for key in ordered {
                let (lines, omitted) = Self.lines(of: panels[key]!, lastPoint: trend.points.count - 1)
                ns += lines.flatMap { $0.values.compactMap(\.n) }
                drawn.append((Chart.TrendPanel(key.title, lines.map { Self.line($0, among: lines) }), omitted))
            }
            let chunks = Self.figures(of: drawn)
            let quantity = row.metric.quantity.map { row.metric.name.contains($0) ? "" : " (\($0))" } ?? ""
            let subject = "\(row.metric.name)\(quantity), \(row.provider ?? "every provider")"
            for (index, chunk) in chunks.enumerated() {
                let name = Self.fileName(row, index)
                let part = chunks.count > 1 ? " (\(index + 1) of \(chunks.count))" : ""
                svgs.append(
                    (
                        name,
                        Chart.trendPanels(title: subject + part, y: "median (\(row.unit))", panels: chunk.map(\.panel))
                    ))
                var caption =
                    "\(subject)\(part): the median at each point, its 95% bootstrap CI as a band"
                    + (ns.isEmpty ? "" : " (n per point \(ns.min()!)-\(ns.max()!))")
                    + "; one panel per runtime family and architecture, the panels with the most groups first; in "
                    + "each, at most \(Self.linesPerPanel) groups: at the panel's most common memory size and default "
                    + "packaging first, then those still measured at the last point, then those measured at the most "
                    + "points. A line is broken across a gap in time more than \(Int(Chart.gapFactor)) times the "
                    + "median spacing of the points; a point that stands alone shows its CI as an error bar."
                let leftOut = chunk.reduce(0) { $0 + $1.omitted }
                if leftOut > 0 {
                    caption += " \(leftOut) further groups of these panels are not drawn; they are in trend.csv."
                }
                markdown.figure(name, caption)
            }
        }
    }

    /// Panels shared out into figures of `panelsPerFigure`; a last figure that would hold one panel alone
    /// joins the one before (seven panels in one figure, not six and a mostly empty one).
    static func figures<Panel>(of panels: [Panel]) -> [[Panel]] {
        var chunks = stride(from: 0, to: panels.count, by: panelsPerFigure).map {
            Array(panels[$0..<min($0 + panelsPerFigure, panels.count)])
        }
        if chunks.count > 1, chunks.last!.count == 1 { chunks[chunks.count - 2] += chunks.removeLast() }
        return chunks
    }

    /// A panel's lines: its groups at the most common memory size, in the default packaging, first; then
    /// those still measured at the last point (a runtime withdrawn years ago gives way to a current one);
    /// then by points measured; at most `linesPerPanel`, and how many were left out.
    static func lines(of series: [TrendSeries], lastPoint: Int) -> ([TrendSeries], Int) {
        let memories = Dictionary(grouping: series.compactMap(\.row.memoryMB)) { $0 }
        let common = memories.keys.sorted { (memories[$1]!.count, $0) < (memories[$0]!.count, $1) }.first
        let ranked = series.sorted { a, b in
            func rank(_ s: TrendSeries) -> [Int] {
                [
                    s.row.memoryMB == common ? 0 : 1,
                    (s.row.packaging ?? Metric.defaultPackaging) == Metric.defaultPackaging ? 0 : 1,
                    s.values.last?.point == lastPoint ? 0 : 1, -s.values.count,
                ]
            }
            return rank(a) != rank(b) ? rank(a).lexicographicallyPrecedes(rank(b)) : a.key < b.key
        }
        let chosen = Array(ranked.prefix(linesPerPanel)).sorted { $0.key < $1.key }
        return (chosen, series.count - chosen.count)
    }

    /// A line named by what tells it apart in its panel: runtime (or scenario), and memory when the
    /// panel's lines differ in it.
    static func line(_ series: TrendSeries, among lines: [TrendSeries]) -> Chart.TrendLine {
        let row = series.row
        var name = row.runtimeLabel ?? row.parameters.scenario ?? row.setting ?? row.metric.name
        if let architecture = row.architecture, name.hasSuffix(" \(architecture)") {
            name.removeLast(architecture.count + 1)  // the panel's title names it
        }
        let sameRuntime = lines.filter { $0.row.runtimeLabel == row.runtimeLabel }
        if row.runtimeLabel != nil, sameRuntime.count > 1, Set(sameRuntime.map(\.row.parameters.scenario)).count > 1,
            let scenario = row.parameters.scenario, scenario != row.runtime
        {
            name += " (\(scenario))"
        }
        if Set(lines.map(\.row.memoryMB)).count > 1, let memory = row.memoryMB {
            // A scenario named by the memory size alone (mikhail.io's "128") is that size.
            let sizeScenario = row.runtimeLabel == nil && row.parameters.scenario == String(memory)
            name = sizeScenario ? "\(memory) MB" : "\(name) \(memory) MB"
        }
        for alias in series.aliases {
            name += " = " + (alias.group.parameters.scenario ?? alias.group.runtime ?? alias.group.setting ?? "")
        }
        return Chart.TrendLine(name, series.values.map { (x: $0.years, y: $0.median, low: $0.low, high: $0.high) })
    }

    static func fileName(_ row: Metric, _ index: Int) -> String {
        let metric = row.metric.rawValue.replacingOccurrences(of: ".", with: "-")
        return "\(metric)-\(row.provider ?? "all")-\(index + 1).svg"
    }
}
