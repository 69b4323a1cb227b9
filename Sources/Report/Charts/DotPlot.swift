import Foundation

extension Chart {
    /// One series of a dot plot: values (each with an optional 95% CI) for some of the rows, by row index.
    public struct DotSeries: Sendable {
        public var name: String
        public var points: [Int: Bar]
        /// The colour and marker (`Palette`); the series' position when nil.
        public var style: Int?
        public init(_ name: String, _ points: [Int: Bar], style: Int? = nil) {
            self.name = name
            self.points = points
            self.style = style
        }
    }

    /// A Cleveland dot plot: one row per category with its label in full on the left, one marker per
    /// series (Okabe-Ito colour and its own shape, so it survives grey-scale printing), whiskers for a CI,
    /// and a legend under the plot naming the series. The axis is logarithmic when `logarithmic` says so,
    /// else when the values span more than a decade; `reference` draws a dashed vertical line (1 for
    /// ratios). Rows keep the caller's order.
    public static func dots(
        title: String, x: String, rows: [String], series: [DotSeries], logarithmic: Bool? = nil,
        reference: Double? = nil
    ) -> String {
        // A row is tall enough for its series to sit 5 pixels apart, so that no marker or whisker hides another.
        let rowHeight = max(20, 8 + 5 * Double(series.count))
        let top = 48.0
        let plotWidth = 420.0
        let margin = 24.0
        let longest = rows.map { Double($0.count) }.max() ?? 0
        let labelWidth = max(160, longest * 6.4 + 16)
        let legendRows = Double(series.count)
        let height = top + Double(max(rows.count, 1)) * rowHeight + 54 + legendRows * 16
        let values =
            series.flatMap { $0.points.values.flatMap { [$0.value, $0.low, $0.high].compactMap { $0 } } }
            + (reference.map { [$0] } ?? [])
        let positive = values.filter { $0 > 0 }
        let span = (positive.max() ?? 1) / (positive.min() ?? 1)
        let axis =
            (logarithmic ?? (positive.count == values.count && span > 10))
            ? Axis(logarithmicTitle: x, values: values)
            : Axis(title: x, values: values, includeZero: true, allowLog: false)
        // The axis' ends lie inside the plot, so that a value at an end is drawn whole.
        func px(_ value: Double) -> Double { labelWidth + 8 + axis.fraction(value) * (plotWidth - 16) }
        // The title and the axis title are centred on the plot, moved left and the canvas widened when they
        // are longer than it (a few pixels a character at their sizes).
        let axisTitle = axis.caption
        let texts = [Double(title.count) * 8.8, Double(axisTitle.count) * 6.8]
        let width = max(labelWidth + plotWidth + margin, (texts.max() ?? 0) + 2 * margin)
        func centre(_ textWidth: Double) -> Double {
            min(max(labelWidth + plotWidth / 2, textWidth / 2 + margin), width - textWidth / 2 - margin)
        }
        var canvas = SVGCanvas(width: width, height: height)
        canvas.text(title, centre(texts[0]), 24, size: 15, anchor: .middle, bold: true)
        let bottom = top + Double(rows.count) * rowHeight
        for tick in axis.ticks {
            canvas.line(px(tick), top, px(tick), bottom, stroke: "#eeeeee")
            canvas.text(axis.label(tick), px(tick), bottom + 16, size: 11, anchor: .middle)
        }
        if let reference { canvas.line(px(reference), top - 6, px(reference), bottom, stroke: "#000000", dash: "4 3") }
        canvas.line(labelWidth, bottom, labelWidth + plotWidth, bottom, stroke: "#000000")
        canvas.text(axisTitle, centre(texts[1]), bottom + 36, size: 12, anchor: .middle)
        for (index, row) in rows.enumerated() {
            let y = top + (Double(index) + 0.5) * rowHeight
            if index % 2 == 0 { canvas.rect(0, y - rowHeight / 2, width, rowHeight, fill: "#000000", opacity: 0.03) }
            canvas.text(row, labelWidth - 8, y + 4, size: 11, anchor: .end)
        }
        for (number, line) in series.enumerated() {
            let style = line.style ?? number
            let color = Palette.color(style)
            // Several series on one row sit a little apart, so that none hides another.
            let offset = (Double(number) - Double(series.count - 1) / 2) * 5
            for (index, point) in line.points.sorted(by: { $0.key < $1.key }) {
                let y = top + (Double(index) + 0.5) * rowHeight + offset
                if let low = point.low, let high = point.high {
                    canvas.line(px(low), y, px(high), y, stroke: color, width: 1.5)
                    canvas.line(px(low), y - 3, px(low), y + 3, stroke: color, width: 1.5)
                    canvas.line(px(high), y - 3, px(high), y + 3, stroke: color, width: 1.5)
                }
                canvas.marker(Palette.marker(style), px(point.value), y, color: color, size: 3.5)
            }
            let legendY = bottom + 58 + Double(number) * 16
            canvas.marker(Palette.marker(style), labelWidth + 8, legendY - 4, color: color, size: 3.5)
            canvas.text(line.name, labelWidth + 18, legendY, size: 10)
        }
        return canvas.document
    }
}
