/// A standalone SVG 1.1 document: no scripts, no external fonts or links; every text escaped; every
/// coordinate with two decimals, so the same chart is the same bytes.
struct SVGCanvas {
    let width: Double
    let height: Double
    private var body: [String] = []

    init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    private func c(_ value: Double) -> String { Text.coordinate(value) }

    mutating func line(
        _ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String, width: Double = 1, dash: String = ""
    ) {
        body.append(
            "<line x1=\"\(c(x1))\" y1=\"\(c(y1))\" x2=\"\(c(x2))\" y2=\"\(c(y2))\" stroke=\"\(stroke)\" "
                + "stroke-width=\"\(c(width))\"\(dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\"")/>"
        )
    }

    /// A vertical error bar at `x` from `low` to `high` (pixels), with short caps.
    mutating func errorBar(_ x: Double, from low: Double, to high: Double, color: String) {
        line(x, low, x, high, stroke: color, width: 1)
        line(x - 3, low, x + 3, low, stroke: color, width: 1)
        line(x - 3, high, x + 3, high, stroke: color, width: 1)
    }

    mutating func polyline(_ points: [(Double, Double)], stroke: String, width: Double = 2, dash: String = "") {
        guard !points.isEmpty else { return }
        let list = points.map { "\(c($0.0)),\(c($0.1))" }.joined(separator: " ")
        body.append(
            "<polyline points=\"\(list)\" fill=\"none\" stroke=\"\(stroke)\" "
                + "stroke-width=\"\(c(width))\"\(dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\"")/>"
        )
    }

    /// A filled polygon without a stroke (a confidence band).
    mutating func polygon(_ points: [(Double, Double)], fill: String, opacity: Double) {
        guard points.count > 2 else { return }
        let list = points.map { "\(c($0.0)),\(c($0.1))" }.joined(separator: " ")
        body.append("<polygon points=\"\(list)\" fill=\"\(fill)\" fill-opacity=\"\(c(opacity))\"/>")
    }

    /// A 95% interval along a line, as a shaded band from the lows to the highs of the points that have
    /// both; `x` and `y` map data to the canvas.
    mutating func band(
        _ points: [(x: Double, low: Double?, high: Double?)], color: String, x: (Double) -> Double,
        y: (Double) -> Double
    ) {
        let known = points.compactMap { point in point.low.flatMap { low in point.high.map { (point.x, low, $0) } } }
        polygon(
            known.map { (x($0.0), y($0.2)) } + known.reversed().map { (x($0.0), y($0.1)) }, fill: color, opacity: 0.15)
    }

    mutating func rect(
        _ x: Double, _ y: Double, _ w: Double, _ h: Double, fill: String, stroke: String = "none", opacity: Double = 1
    ) {
        body.append(
            "<rect x=\"\(c(x))\" y=\"\(c(y))\" width=\"\(c(max(0, w)))\" height=\"\(c(max(0, h)))\" fill=\"\(fill)\" "
                + "stroke=\"\(stroke)\"\(opacity < 1 ? " fill-opacity=\"\(c(opacity))\"" : "")/>"
        )
    }

    mutating func marker(_ shape: Palette.Marker, _ x: Double, _ y: Double, color: String, size: Double = 4) {
        switch shape {
        case .circle:
            body.append("<circle cx=\"\(c(x))\" cy=\"\(c(y))\" r=\"\(c(size))\" fill=\"\(color)\"/>")
        case .square:
            rect(x - size, y - size, 2 * size, 2 * size, fill: color)
        case .triangle:
            body.append(
                "<polygon points=\"\(c(x)),\(c(y - size)) \(c(x + size)),\(c(y + size)) "
                    + "\(c(x - size)),\(c(y + size))\" fill=\"\(color)\"/>"
            )
        case .triangleDown:
            body.append(
                "<polygon points=\"\(c(x)),\(c(y + size)) \(c(x + size)),\(c(y - size)) "
                    + "\(c(x - size)),\(c(y - size))\" fill=\"\(color)\"/>"
            )
        case .ring:
            body.append(
                "<circle cx=\"\(c(x))\" cy=\"\(c(y))\" r=\"\(c(size))\" fill=\"#ffffff\" stroke=\"\(color)\" "
                    + "stroke-width=\"1.5\"/>"
            )
        case .diamond:
            body.append(
                "<polygon points=\"\(c(x)),\(c(y - size)) \(c(x + size)),\(c(y)) \(c(x)),\(c(y + size)) "
                    + "\(c(x - size)),\(c(y))\" fill=\"\(color)\"/>"
            )
        }
    }

    enum Anchor: String { case start, middle, end }

    /// Text at (x, y); `angle` in degrees turns it around that point (negative: counter-clockwise).
    mutating func text(
        _ string: String, _ x: Double, _ y: Double, size: Double = 12, anchor: Anchor = .start, angle: Double = 0,
        bold: Bool = false
    ) {
        let transform = angle == 0 ? "" : " transform=\"rotate(\(c(angle)) \(c(x)) \(c(y)))\""
        body.append(
            "<text x=\"\(c(x))\" y=\"\(c(y))\" font-family=\"sans-serif\" font-size=\"\(c(size))\" "
                + "text-anchor=\"\(anchor.rawValue)\"\(bold ? " font-weight=\"bold\"" : "")\(transform)>"
                + "\(Text.xml(string))</text>"
        )
    }

    var document: String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="\(c(width))" height="\(c(height))" viewBox="0 0 \
        \(c(width)) \(c(height))">
        <rect x="0" y="0" width="\(c(width))" height="\(c(height))" fill="#ffffff"/>
        \(body.joined(separator: "\n"))
        </svg>

        """
    }
}
