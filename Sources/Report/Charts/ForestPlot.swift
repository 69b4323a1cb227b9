import Foundation

extension Chart {
    /// Ratios as a forest plot: one row each (a `Bar`: its category is the label, low and high the CI when
    /// one is known), labels in full on the left, a log axis (a ratio of 2 and
    /// one of 1/2 lie as far from 1), a dashed reference line at 1. Rows with a 95% CI are dots with
    /// whiskers; rows without one (published summary values) are squares. Values must be positive.
    public static func forest(title: String, x: String, rows: [Bar]) -> String {
        let rowHeight = 20.0
        let top = 48.0
        let plotWidth = 420.0
        let margin = 24.0
        let longest = rows.map { Double($0.category.count) }.max() ?? 0
        let labelWidth = max(160, longest * 6.4 + 16)
        let width = labelWidth + plotWidth + margin
        let height = top + Double(max(rows.count, 1)) * rowHeight + 74
        let values: [Double] = rows.flatMap { [$0.value, $0.low, $0.high].compactMap { $0 } } + [1]
        let axis = Axis(logarithmicTitle: x, values: values)
        func px(_ value: Double) -> Double { labelWidth + axis.fraction(value) * plotWidth }
        var canvas = SVGCanvas(width: width, height: height)
        canvas.text(title, labelWidth + plotWidth / 2, 24, size: 15, anchor: .middle, bold: true)
        let bottom = top + Double(rows.count) * rowHeight
        for tick in axis.ticks {
            canvas.line(px(tick), top, px(tick), bottom, stroke: "#eeeeee")
            canvas.text(axis.label(tick), px(tick), bottom + 16, size: 11, anchor: .middle)
        }
        canvas.line(px(1), top - 6, px(1), bottom, stroke: "#000000", width: 1, dash: "4 3")
        canvas.line(labelWidth, bottom, labelWidth + plotWidth, bottom, stroke: "#000000")
        canvas.text(axis.title + " (log scale)", labelWidth + plotWidth / 2, bottom + 36, size: 12, anchor: .middle)
        for (index, row) in rows.enumerated() {
            let y = top + (Double(index) + 0.5) * rowHeight
            if index % 2 == 0 { canvas.rect(0, y - rowHeight / 2, width, rowHeight, fill: "#000000", opacity: 0.03) }
            canvas.text(row.category, labelWidth - 8, y + 4, size: 11, anchor: .end)
            if let low = row.low, let high = row.high {
                canvas.line(px(low), y, px(high), y, stroke: Palette.color(0), width: 1.5)
                canvas.line(px(low), y - 4, px(low), y + 4, stroke: Palette.color(0), width: 1.5)
                canvas.line(px(high), y - 4, px(high), y + 4, stroke: Palette.color(0), width: 1.5)
                canvas.marker(.circle, px(row.value), y, color: Palette.color(0))
            } else {
                canvas.marker(.square, px(row.value), y, color: Palette.color(1), size: 3.5)
            }
        }
        // The legend names the kinds of row the plot has.
        var legendX = labelWidth + 8
        let legendY = bottom + 58
        if rows.contains(where: { $0.low != nil }) {
            canvas.marker(.circle, legendX, legendY - 4, color: Palette.color(0))
            canvas.text("ratio of medians, 95% bootstrap CI", legendX + 10, legendY, size: 10)
            legendX += 220
        }
        if rows.contains(where: { $0.low == nil }) {
            canvas.marker(.square, legendX, legendY - 4, color: Palette.color(1), size: 3.5)
            canvas.text("ratio of summary values (no CI)", legendX + 10, legendY, size: 10)
        }
        return canvas.document
    }
}
