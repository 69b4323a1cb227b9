import Statistics

/// Charts as standalone SVG: a title, two axes with round ticks (log scale when the data spans more
/// than two decades) and titles with units, and a legend to the right of the plot, never over the data.
/// Kinds: ECDF step lines, lines (time series), scatter points, bars with error bars, box plots.
public enum Chart {
    public enum Kind: Sendable { case ecdf, line, scatter }

    public struct Series: Sendable {
        public var name: String
        public var points: [Point]
        public init(_ name: String, _ points: [Point]) {
            self.name = name
            self.points = points
        }

        /// The ECDF of a sorted sample as steps.
        public static func ecdf(_ name: String, sorted: [Double]) -> Series {
            Series(name, Sample(sorted: sorted).ecdf.map { Point($0.value, $0.fraction) })
        }
    }

    public struct Point: Sendable {
        public var x: Double
        public var y: Double
        /// A 95% interval of y, drawn as an error bar.
        public var low: Double?
        public var high: Double?
        public init(_ x: Double, _ y: Double, low: Double? = nil, high: Double? = nil) {
            self.x = x
            self.y = y
            self.low = low
            self.high = high
        }
    }

    /// One bar of a categorical chart, with an optional interval (a 95% CI) drawn as an error bar.
    public struct Bar: Sendable {
        public var category: String
        public var value: Double
        public var low: Double?
        public var high: Double?
        public init(_ category: String, _ value: Double, low: Double? = nil, high: Double? = nil) {
            self.category = category
            self.value = value
            self.low = low
            self.high = high
        }
    }

    /// A box: quartiles, median, whiskers at the 5th and 95th percentiles (type-7 quantiles). Below
    /// `Box.fewest` values, quartiles would look more certain than they are: the values are drawn instead.
    /// When the 5th and 95th percentiles are one value, a box would be a bare line: a dot says so.
    public struct Box: Sendable {
        public static let fewest = 10
        public var category: String
        public var p5, q1, median, q3, p95: Double
        /// The values themselves, when there are fewer than `fewest`.
        public var values: [Double]?
        public init(_ category: String, sample: Sample) {
            self.category = category
            (p5, q1, median, q3, p95) = (
                sample.quantile(0.05)!, sample.quantile(0.25)!, sample.median!,
                sample.quantile(0.75)!, sample.quantile(0.95)!
            )
            if sample.count < Self.fewest { values = sample.sorted }
        }

        var isDegenerate: Bool { values == nil && p5 == p95 }
        /// Drawn as a box with whiskers (not as its values, not as a dot).
        var isBox: Bool { values == nil && !isDegenerate }
    }

    static let width = 760.0, height = 420.0
    static let left = 78.0, top = 44.0, bottom = 84.0
    static let plotHeight = height - top - bottom

    /// The plot's place on the canvas: the column on its right is as wide as the legend or notes in it
    /// need (at most 210 pixels, names cut at 30 characters), so that a short legend leaves the plot wide.
    /// `inset`: the axes' ends lie this far inside the frame, so that a point at an end (a fraction of 0
    /// or 1) is drawn whole, off the frame's lines.
    struct Layout {
        let right: Double
        let inset: Double
        var plotWidth: Double { Chart.width - Chart.left - right }
        var legendX: Double { Chart.width - right + 16 }

        /// `legend`: series names (a line and a marker before each); `notes`: lines of plain text.
        init(legend: [String] = [], notes: [String] = [], inset: Double = 0) {
            let widths =
                legend.map { 16 + 30 + Double(min($0.count, 30)) * 5.9 + 10 }
                + notes.map { 16 + Double($0.count) * 6.4 + 10 }
            right = min(210, widths.max() ?? 24)
            self.inset = inset
        }

        func x(_ axis: Axis, _ value: Double) -> Double {
            Chart.left + inset + axis.fraction(value) * (plotWidth - 2 * inset)
        }

        func y(_ axis: Axis, _ value: Double) -> Double {
            Chart.top + inset + (1 - axis.fraction(value)) * (Chart.plotHeight - 2 * inset)
        }
    }

    // MARK: Kinds

    /// Lines, ECDF steps or points: one style (colour, dash, marker) per series; a point's interval as an
    /// error bar. `yFromZero`: the y axis includes 0; `linearY` keeps it linear whatever its span (a fraction,
    /// whose interval may reach down to 0.003: a log axis would stretch it). `linearX` keeps a time
    /// axis linear whatever its span. `levels`: x is the levels runs were made at (colevel 1, 2, 4...),
    /// and a line is broken where it lacks a level another line of the figure has, not drawn across it.
    /// `sharedX`: the x values (or their ends) of every figure meant to be read beside this one, its own among
    /// them, so that they share one x axis.
    public static func xy(
        _ kind: Kind, title: String, x: String, y: String, series: [Series], yFromZero: Bool = false,
        linearY: Bool = false, linearX: Bool = false, levels: Bool = false, sharedX: [Double]? = nil
    ) -> String {
        let allLevels = levels ? Set(series.flatMap { $0.points.map(\.x) }).sorted() : []
        // An ECDF is a distribution (of latencies, lifetimes): log beyond one decade, a few strays at its left
        // end (at most 1% of its smallest series; none on an axis shared with other figures, which must agree).
        let xAxis = Axis(
            title: x, values: sharedX ?? series.flatMap { $0.points.map(\.x) }, allowLog: !linearX,
            logSpan: kind == .ecdf ? 10 : 100,
            strays: kind == .ecdf && sharedX == nil, strayLimit: series.map { $0.points.count / 100 }.min())
        let yAxis =
            kind == .ecdf
            ? Axis(title: y, values: [0, 1], allowLog: false)
            : Axis(
                title: y, values: series.flatMap { $0.points.flatMap { [$0.y, $0.low, $0.high].compactMap { $0 } } },
                includeZero: yFromZero, allowLog: !linearY, strays: false)
        // Markers on every point of a scatter or of a short line; a long line (an hourly series) is the
        // line alone: markers on a few of its points would single them out, and its intervals are a band.
        let marked = series.map { kind == .scatter || $0.points.count <= 30 }
        // In a figure with error bars, series are set a few pixels apart, markers and error bars together,
        // so that none hides another where they share an x value; in others, one may lie under another.
        let dodged =
            series.count > 1
            && series.indices.contains { index in
                (kind != .line || marked[index]) && series[index].points.contains { $0.low != nil }
            }
        func dodge(_ index: Int) -> Double { dodged ? (Double(index) - Double(series.count - 1) / 2) * 7 : 0 }
        let hidden = (dodged ? [] : hiddenSeries(series)) + strayNote(series, xAxis)
        // The axes' ends lie inside the frame by more than the widest shift, so that no marker crosses it.
        let layout = Layout(legend: series.map(\.name), notes: hidden, inset: 6 + abs(dodge(0)))
        var canvas = frame(title: title, x: xAxis, y: yAxis, layout)
        func py(_ value: Double) -> Double { layout.y(yAxis, value) }
        for (index, item) in series.enumerated() {
            let color = Palette.color(index)
            let points = kind == .ecdf ? thinned(item.points) : item.points
            func px(_ value: Double) -> Double { layout.x(xAxis, value) + dodge(index) }
            var path = points.map { (px($0.x), py($0.y)) }
            if kind == .ecdf, let first = points.first {  // steps, from 0 before the first value
                path = [(px(first.x), py(0))]
                var previous = 0.0
                for point in points {
                    path.append((px(point.x), py(previous)))
                    path.append((px(point.x), py(point.y)))
                    previous = point.y
                }
            }
            let banded = kind == .line && !marked[index]
            if kind == .line {
                for run in Self.runs(of: points, levels: allLevels) {
                    if banded {
                        canvas.band(points[run].map { ($0.x, $0.low, $0.high) }, color: color, x: px, y: py)
                    }
                    if run.count > 1 {
                        canvas.polyline(Array(path[run]), stroke: color, dash: Palette.dash(index))
                    } else if run.count == 1, !marked[index] {  // a point alone between missing levels
                        canvas.marker(
                            Palette.marker(index), path[run.lowerBound].0, path[run.lowerBound].1, color: color)
                    }
                }
            } else if kind != .scatter {
                canvas.polyline(path, stroke: color, dash: Palette.dash(index))
            }
            for point in points {
                if !banded, let low = point.low, let high = point.high {
                    canvas.errorBar(px(point.x), from: py(low), to: py(high), color: color)
                }
                if marked[index] {
                    canvas.marker(
                        Palette.marker(index), px(point.x), py(point.y), color: color, size: kind == .scatter ? 3 : 4)
                }
            }
        }
        legend(&canvas, series.map(\.name), lines: kind != .scatter, markers: marked, layout)
        notes(&canvas, hidden, layout, below: series.count)
        return canvas.document
    }

    /// A note for each series drawn exactly under a later one (the same points: instances and VMs when
    /// every VM holds one instance), which would otherwise be missing from the figure without a word.
    static func hiddenSeries(_ series: [Series]) -> [String] {
        let shapes = series.map { $0.points.map { [$0.x, $0.y] } }
        return series.indices.compactMap { index in
            guard !shapes[index].isEmpty,
                let cover = series.indices.last(where: { $0 > index && shapes[$0] == shapes[index] })
            else { return nil }
            let note = "\(series[index].name): under \(series[cover].name)"
            return note.count <= 30 ? note : "\(series[index].name.prefix(20)): hidden"
        }
    }

    /// Where an ECDF's log axis leaves a few values out at its left end (see `Axis.strayCount`), how many:
    /// the largest share of a series below it.
    static func strayNote(_ series: [Series], _ axis: Axis) -> [String] {
        let share = series.map { $0.points.last { $0.x < axis.low }?.y ?? 0 }.max() ?? 0
        guard axis.strayCount > 0, share > 0 else { return [] }
        return [
            "values < \(axis.label(axis.low)): at left end",
            "(at most \(Text.number(share * 100, significant: 2))% of a series)",
        ]
    }

    /// The indices of sorted `points` in runs a line may join: a run ends where one of `levels` (sorted)
    /// lies strictly between two neighbours. No levels: one run.
    static func runs(of points: [Point], levels: [Double]) -> [Range<Int>] {
        runs(count: points.count) { index in
            levels.contains { $0 > points[index - 1].x && $0 < points[index].x }
        }
    }

    /// The indices `0..<count` in runs, a new one starting at each index for which `breaksBefore` holds.
    static func runs(count: Int, breaksBefore: (Int) -> Bool) -> [Range<Int>] {
        var runs: [Range<Int>] = []
        var start = 0
        for index in (0..<count).dropFirst() where breaksBefore(index) {
            runs.append(start..<index)
            start = index
        }
        runs.append(start..<count)
        return runs
    }

    /// An ECDF is drawn through at most this many of its steps: more cannot show at the plot's width
    /// (a few hundred pixels), and every step of 10M invocations made a 14 MB figure.
    static let ecdfSteps = 1000

    /// The steps at evenly spaced ranks, the first and the last included.
    static func thinned(_ points: [Point]) -> [Point] {
        guard points.count > ecdfSteps else { return points }
        return (0..<ecdfSteps).map { points[$0 * (points.count - 1) / (ecdfSteps - 1)] }
    }

    /// Bars with error bars, one per category.
    public static func bars(title: String, y: String, bars: [Bar]) -> String {
        let values = bars.flatMap { [$0.value, $0.low, $0.high].compactMap { $0 } }
        let yAxis = Axis(title: y, values: values, includeZero: true, allowLog: false)
        let notes = bars.contains(where: { $0.low != nil }) ? ["error bars: 95% CI"] : []
        let layout = Layout(notes: notes)
        var canvas = frame(title: title, x: nil, y: yAxis, layout)
        func py(_ value: Double) -> Double { layout.y(yAxis, value) }
        let slot = layout.plotWidth / Double(max(bars.count, 1))
        let rotated = bars.contains { !fits($0.category, slot: slot) }
        for (index, bar) in bars.enumerated() {
            let center = left + slot * (Double(index) + 0.5)
            let top = py(bar.value)
            let zero = py(max(yAxis.low, 0))
            canvas.rect(
                center - slot * 0.3, min(top, zero), slot * 0.6, abs(zero - top), fill: Palette.color(0), opacity: 0.8)
            if let low = bar.low, let high = bar.high {
                canvas.line(center, py(low), center, py(high), stroke: "#000000", width: 1.5)
                canvas.line(center - 6, py(low), center + 6, py(low), stroke: "#000000", width: 1.5)
                canvas.line(center - 6, py(high), center + 6, py(high), stroke: "#000000", width: 1.5)
            }
            categoryLabel(&canvas, bar.category, center, rotated: rotated)
        }
        Self.notes(&canvas, notes, layout)
        return canvas.document
    }

    /// Box plots by category, on a log axis when the whiskers span more than a decade or the medians
    /// differ by more than a factor of 3 (Java's and Python's cold starts), so that the choice does not
    /// flip between two runs of one experiment whose tails differ a little.
    public static func boxes(title: String, y: String, boxes: [Box]) -> String {
        let medians = boxes.map(\.median)
        let apart = (medians.min() ?? 0) > 0 && medians.max()! / medians.min()! > 3
        let yAxis = Axis(
            title: y, values: boxes.flatMap { [$0.p5, $0.p95] + ($0.values ?? []) }, logSpan: apart ? 1 : 10,
            strays: false)
        var notes: [String] = []
        if boxes.contains(where: { !$0.isDegenerate }) { notes.append("thick line: median") }
        if boxes.contains(where: \.isBox) { notes += ["box: quartiles", "whiskers: p5 and p95"] }
        if boxes.contains(where: { $0.isBox && $0.q1 == $0.q3 }) {
            notes.append("no box: quartiles are one value")
        }
        if boxes.contains(where: \.isDegenerate) { notes.append("dot: p5 to p95 are one value") }
        if boxes.contains(where: { $0.values != nil }) { notes.append("dots: every value (n < \(Box.fewest))") }
        let layout = Layout(notes: notes)
        var canvas = frame(title: title, x: nil, y: yAxis, layout)
        func py(_ value: Double) -> Double { layout.y(yAxis, value) }
        let slot = layout.plotWidth / Double(max(boxes.count, 1))
        let rotated = boxes.contains { !fits($0.category, slot: slot) }
        for (index, box) in boxes.enumerated() {
            let center = left + slot * (Double(index) + 0.5)
            let half = min(slot * 0.25, 30)
            categoryLabel(&canvas, box.category, center, rotated: rotated)
            if box.isDegenerate {
                canvas.marker(.circle, center, py(box.median), color: "#000000", size: 4)
                canvas.text(Text.number(box.median), center + 9, py(box.median) + 4, size: 11)
                continue
            }
            if let values = box.values {
                for value in values {
                    canvas.marker(.circle, center, py(value), color: Palette.color(0), size: 3)
                }
                canvas.line(
                    center - half, py(box.median), center + half, py(box.median), stroke: "#000000", width: 2.5)
                continue
            }
            canvas.line(center, py(box.p5), center, py(box.q1), stroke: "#000000")
            canvas.line(center, py(box.q3), center, py(box.p95), stroke: "#000000")
            canvas.line(center - half / 2, py(box.p5), center + half / 2, py(box.p5), stroke: "#000000")
            canvas.line(center - half / 2, py(box.p95), center + half / 2, py(box.p95), stroke: "#000000")
            canvas.rect(
                center - half, py(box.q3), 2 * half, py(box.q1) - py(box.q3), fill: Palette.color(5), stroke: "#000000")
            canvas.line(center - half, py(box.median), center + half, py(box.median), stroke: "#000000", width: 2.5)
        }
        Self.notes(&canvas, notes, layout)
        return canvas.document
    }

    // MARK: Frame

    private static func frame(title: String, x: Axis?, y: Axis, _ layout: Layout) -> SVGCanvas {
        let plotWidth = layout.plotWidth
        var canvas = SVGCanvas(width: width, height: height)
        canvas.text(title, left + plotWidth / 2, 24, size: 15, anchor: .middle, bold: true)
        for tick in y.ticks {
            let position = layout.y(y, tick)
            canvas.line(left, position, left + plotWidth, position, stroke: "#dddddd")
            canvas.text(y.label(tick), left - 6, position + 4, size: 11, anchor: .end)
        }
        if let x {
            for tick in x.ticks {
                let position = layout.x(x, tick)
                canvas.line(position, top, position, top + plotHeight, stroke: "#eeeeee")
                canvas.text(x.label(tick), position, top + plotHeight + 16, size: 11, anchor: .middle)
            }
            canvas.text(x.caption, left + plotWidth / 2, top + plotHeight + 40, size: 12, anchor: .middle)
        }
        canvas.line(left, top + plotHeight, left + plotWidth, top + plotHeight, stroke: "#000000")
        canvas.line(left, top, left, top + plotHeight, stroke: "#000000")
        canvas.text(
            y.caption, 20, top + plotHeight / 2, size: 12, anchor: .middle,
            angle: -90)
        return canvas
    }

    /// Whether a category's name fits under its slot without turning.
    private static func fits(_ text: String, slot: Double) -> Bool { Double(min(text.count, 30)) * 6.5 < slot }

    /// A category's name under its bar or box; every name of a chart turned 30 degrees when one does
    /// not fit its slot. Names over 30 characters are shortened (the table beside has them in full).
    private static func categoryLabel(_ canvas: inout SVGCanvas, _ text: String, _ center: Double, rotated: Bool) {
        let label = text.count > 30 ? String(text.prefix(29)) + "…" : text
        if rotated {
            canvas.text(label, center + 4, top + plotHeight + 12, size: 10, anchor: .end, angle: -30)
        } else {
            canvas.text(label, center, top + plotHeight + 16, size: 11, anchor: .middle)
        }
    }

    /// One entry per series: its line (dash and colour) unless the chart has points only, and its marker
    /// where the series has markers.
    private static func legend(
        _ canvas: inout SVGCanvas, _ names: [String], lines: Bool, markers: [Bool], _ layout: Layout
    ) {
        let x = layout.legendX
        for (index, name) in legendLabels(names).enumerated() {
            let y = top + 10 + Double(index) * 20
            if lines { canvas.line(x, y, x + 24, y, stroke: Palette.color(index), width: 2, dash: Palette.dash(index)) }
            if markers[index] { canvas.marker(Palette.marker(index), x + 12, y, color: Palette.color(index)) }
            canvas.text(name, x + 30, y + 4, size: 10)
        }
    }

    /// Legend entries of at most `limit` characters that stay apart: a beginning every name shares
    /// (`quarkus_native_on_provided_`, which the panel's title says) is left out, and a name still too long
    /// loses its middle, not its end, where memory sizes and packaging tell lines apart.
    static func legendLabels(_ names: [String], limit: Int = 30) -> [String] {
        guard names.contains(where: { $0.count > limit }) else { return names }
        var labels = names
        if names.count > 1 {
            var shared = names.dropFirst().reduce(names[0]) { String($0.commonPrefix(with: $1)) }
            while let last = shared.last, !" _-.,".contains(last) { shared.removeLast() }
            if shared.count >= 6, names.allSatisfy({ $0.count > shared.count }) {
                labels = names.map { "…" + $0.dropFirst(shared.count) }
            }
        }
        return labels.map { label in
            guard label.count > limit else { return label }
            let head = (limit - 1) / 2
            return String(label.prefix(head)) + "…" + String(label.suffix(limit - 1 - head))
        }
    }

    /// Lines of text in the column right of the plot, after `below` legend entries.
    private static func notes(_ canvas: inout SVGCanvas, _ lines: [String], _ layout: Layout, below: Int = 0) {
        let start = top + 14 + (below > 0 ? Double(below) * 20 + 8 : 0)
        for (index, line) in lines.enumerated() {
            canvas.text(line, layout.legendX, start + Double(index) * 18, size: 11)
        }
    }
}
