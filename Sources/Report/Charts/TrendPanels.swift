import Foundation
import Statistics

extension Chart {
    /// One line of a trend panel: a median per point in time (x in years), with its 95% CI drawn as a band.
    public struct TrendLine: Sendable {
        public var name: String
        public var points: [(x: Double, y: Double, low: Double?, high: Double?)]
        public init(_ name: String, _ points: [(x: Double, y: Double, low: Double?, high: Double?)]) {
            self.name = name
            self.points = points
        }
    }

    /// One small multiple: a title and its lines, on its own y axis.
    public struct TrendPanel: Sendable {
        public var title: String
        public var lines: [TrendLine]
        public init(_ title: String, _ lines: [TrendLine]) {
            self.title = title
            self.lines = lines
        }
    }

    static let panelWidth = 540.0, panelHeight = 250.0, panelColumns = 2
    static let panelLeft = 62.0, panelPlotWidth = 270.0, panelTop = 46.0, panelPlotHeight = 160.0

    /// Small multiples of medians over time, two to a row, each with its legend on its right; every
    /// panel shares the x axis (the points' time span) and has a y axis of its own (log when its values
    /// span more than a decade: 200 ms and 8 s medians in one panel). The CI of each median is a light band
    /// around its line, an error bar on a point that stands alone. A line is broken across a gap in time
    /// more than `gapFactor` times the points' median spacing (no line drawn over months without data).
    public static func trendPanels(title: String, y: String, panels: [TrendPanel]) -> String {
        let times = Set(panels.flatMap { $0.lines.flatMap { $0.points.map(\.x) } }).sorted()
        let (first, last) = (times.first ?? 2020, max(times.last ?? 2021, (times.first ?? 2020) + 1 / 12))
        let inset = 8.0
        let span = last - first
        let gaps = Sample(zip(times, times.dropFirst()).map { $1 - $0 })
        let longGap = gaps.median.map { gapFactor * $0 } ?? .infinity
        let rows = (panels.count + panelColumns - 1) / panelColumns
        var canvas = SVGCanvas(
            width: panelWidth * Double(panelColumns) + 20, height: 40 + Double(rows) * panelHeight + 20)
        canvas.text(title, canvas.width / 2, 24, size: 15, anchor: .middle, bold: true)
        for (index, panel) in panels.enumerated() {
            let originX = 10 + Double(index % panelColumns) * panelWidth
            let originY = 30 + Double(index / panelColumns) * panelHeight
            let (left, top) = (originX + panelLeft, originY + panelTop)
            let values = panel.lines.flatMap { $0.points.flatMap { [$0.y, $0.low, $0.high].compactMap { $0 } } }
            let axis = Axis(title: y, values: values, logSpan: 10, strays: false)
            func px(_ x: Double) -> Double { left + inset + (x - first) / span * (panelPlotWidth - 2 * inset) }
            func py(_ value: Double) -> Double { top + (1 - axis.fraction(value)) * panelPlotHeight }
            canvas.text(panel.title, left + panelPlotWidth / 2, originY + 30, size: 13, anchor: .middle, bold: true)
            for tick in axis.ticks {
                canvas.line(left, py(tick), left + panelPlotWidth, py(tick), stroke: "#dddddd")
                canvas.text(axis.label(tick), left - 5, py(tick) + 4, size: 10, anchor: .end)
            }
            for (tick, label) in timeTicks(first, last) {
                canvas.line(px(tick), top, px(tick), top + panelPlotHeight, stroke: "#eeeeee")
                canvas.text(label, px(tick), top + panelPlotHeight + 14, size: 10, anchor: .middle)
            }
            canvas.line(left, top + panelPlotHeight, left + panelPlotWidth, top + panelPlotHeight, stroke: "#000000")
            canvas.line(left, top, left, top + panelPlotHeight, stroke: "#000000")
            canvas.text(
                axis.caption, originX + 14, top + panelPlotHeight / 2, size: 10,
                anchor: .middle, angle: -90)
            let labels = legendLabels(panel.lines.map(\.name))
            for (lineIndex, line) in panel.lines.enumerated() {
                let color = Palette.color(lineIndex)
                for run in runs(of: line.points.map(\.x), longGap: longGap) {
                    let points = line.points[run]
                    if run.count == 1, let point = points.first, let low = point.low, let high = point.high {
                        canvas.errorBar(px(point.x), from: py(low), to: py(high), color: color)
                    }
                    canvas.band(points.map { ($0.x, $0.low, $0.high) }, color: color, x: px, y: py)
                    canvas.polyline(
                        points.map { (px($0.x), py($0.y)) }, stroke: color, width: 1.5, dash: Palette.dash(lineIndex))
                }
                for point in line.points {
                    canvas.marker(Palette.marker(lineIndex), px(point.x), py(point.y), color: color, size: 2.5)
                }
                let legendY = top + 6 + Double(lineIndex) * 17
                let legendX = left + panelPlotWidth + 12
                canvas.line(
                    legendX, legendY, legendX + 20, legendY, stroke: color, width: 1.5, dash: Palette.dash(lineIndex))
                canvas.marker(Palette.marker(lineIndex), legendX + 10, legendY, color: color, size: 3)
                canvas.text(labels[lineIndex], legendX + 25, legendY + 4, size: 10)
            }
        }
        return canvas.document
    }

    /// A gap in time this many times the median spacing of a figure's points breaks its lines.
    public static let gapFactor = 5.0

    /// The runs of a line's times (sorted years) a line may join: a run ends where two neighbours lie more
    /// than `longGap` apart.
    static func runs(of xs: [Double], longGap: Double) -> [Range<Int>] {
        runs(count: xs.count) { xs[$0] - xs[$0 - 1] > longGap }
    }

    /// Ticks of a time axis from `first` to `last` (in years): each new year, every second one beyond
    /// eight years, and each July as well ("Jul", "Jul 2019" before the first new year) when the span holds
    /// fewer than three new years.
    static func timeTicks(_ first: Double, _ last: Double) -> [(Double, String)] {
        let years = stride(from: ceil(first), through: floor(last), by: last - first > 8 ? 2 : 1).map {
            ($0, String(Int($0)))
        }
        guard years.count < 3 else { return years }
        // A July before the first new year names its year too.
        let julys = stride(from: floor(first) + 0.5, through: last, by: 1).filter { $0 >= first }.map {
            ($0, $0 < (years.first?.0 ?? .infinity) ? "Jul \(Int($0))" : "Jul")
        }
        let ticks = (years + julys).sorted { $0.0 < $1.0 }
        return ticks.isEmpty ? [(first, String(Int(floor(first))))] : ticks  // within half a year: its year
    }
}
