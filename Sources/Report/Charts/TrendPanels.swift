import Foundation

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
    /// panel shares the x axis (years) and has a y axis of its own (log when its values span more than
    /// two decades). The CI of each median is a light band around its line.
    public static func trendPanels(title: String, y: String, panels: [TrendPanel]) -> String {
        let allX = panels.flatMap { $0.lines.flatMap { $0.points.map(\.x) } }
        let (firstYear, lastYear) = (floor(allX.min() ?? 2020), ceil(allX.max() ?? 2021))
        let span = max(lastYear - firstYear, 1)
        let rows = (panels.count + panelColumns - 1) / panelColumns
        var canvas = SVGCanvas(
            width: panelWidth * Double(panelColumns) + 20, height: 40 + Double(rows) * panelHeight + 20)
        canvas.text(title, canvas.width / 2, 24, size: 15, anchor: .middle, bold: true)
        for (index, panel) in panels.enumerated() {
            let originX = 10 + Double(index % panelColumns) * panelWidth
            let originY = 30 + Double(index / panelColumns) * panelHeight
            let (left, top) = (originX + panelLeft, originY + panelTop)
            let values = panel.lines.flatMap { $0.points.flatMap { [$0.y, $0.low, $0.high].compactMap { $0 } } }
            let axis = Axis(title: y, values: values, strayNonPositive: false)
            func px(_ x: Double) -> Double { left + (x - firstYear) / span * panelPlotWidth }
            func py(_ value: Double) -> Double { top + (1 - axis.fraction(value)) * panelPlotHeight }
            canvas.text(panel.title, left + panelPlotWidth / 2, originY + 30, size: 13, anchor: .middle, bold: true)
            for tick in axis.ticks {
                canvas.line(left, py(tick), left + panelPlotWidth, py(tick), stroke: "#dddddd")
                canvas.text(axis.label(tick), left - 5, py(tick) + 4, size: 10, anchor: .end)
            }
            let step = span > 8 ? 2.0 : 1.0
            for year in stride(from: firstYear, through: lastYear, by: step) {
                canvas.line(px(year), top, px(year), top + panelPlotHeight, stroke: "#eeeeee")
                canvas.text(String(Int(year)), px(year), top + panelPlotHeight + 14, size: 10, anchor: .middle)
            }
            canvas.line(left, top + panelPlotHeight, left + panelPlotWidth, top + panelPlotHeight, stroke: "#000000")
            canvas.line(left, top, left, top + panelPlotHeight, stroke: "#000000")
            canvas.text(
                axis.caption, originX + 14, top + panelPlotHeight / 2, size: 10,
                anchor: .middle, angle: -90)
            let labels = legendLabels(panel.lines.map(\.name))
            for (lineIndex, line) in panel.lines.enumerated() {
                let color = Palette.color(lineIndex)
                let banded = line.points.filter { $0.low != nil && $0.high != nil }
                canvas.polygon(
                    banded.map { (px($0.x), py($0.high!)) } + banded.reversed().map { (px($0.x), py($0.low!)) },
                    fill: color, opacity: 0.15)
                canvas.polyline(
                    line.points.map { (px($0.x), py($0.y)) }, stroke: color, width: 1.5, dash: Palette.dash(lineIndex))
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
}
