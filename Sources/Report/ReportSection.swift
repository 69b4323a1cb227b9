import Analysis
import Statistics
import Store

/// One numbered section of a snapshot's report, in the paper's order (`ReportWriter.sections`, which
/// mirrors `StageID`). The report writes the heading; the section writes its body.
protocol ReportSection: Sendable {
    var title: String { get }
    /// The stages whose metrics it shows.
    var stages: [StageID] { get }
    func write(_ report: ReportContext, into document: inout ReportDocument) throws
}

/// A section showing one stage's metrics: when the stage could not measure anything, the report says
/// why in one line instead of calling the section.
protocol StageSection: ReportSection {
    var stage: StageID { get }
    func write(_ metrics: [Metric], _ report: ReportContext, into document: inout ReportDocument) throws
}

extension StageSection {
    var title: String { stage.title }
    var stages: [StageID] { [stage] }

    func write(_ report: ReportContext, into document: inout ReportDocument) throws {
        let (metrics, missing) = report.stage(stage)
        if let missing {
            document.markdown.paragraph("Not measurable from this data: \(missing).")
            return
        }
        try write(metrics, report, into: &document)
    }
}

/// What every section reads: the snapshot, its analysis and the store (for data quality).
struct ReportContext {
    let store: Store
    let snapshot: String
    let summary: SnapshotSummary
    let reports: [StageReport]
    let bootstrap: Bootstrap

    /// The data come from `analyze simulate` (a model has no clocks to disagree).
    var simulated: Bool { !summary.simulatedProfiles.isEmpty }

    /// The metrics of one stage, or the reason it is not measurable.
    func stage(_ id: StageID) -> (metrics: [Metric], missing: String?) {
        switch reports.first(where: { $0.stage == id })?.outcome {
        case .metrics(let metrics): (metrics, nil)
        case .notMeasurable(let reason): ([], reason)
        case nil: ([], "stage not run")
        }
    }
}

/// What sections write into: the Markdown and the figures beside it.
struct ReportDocument {
    var markdown = Markdown()
    var figures: [(name: String, svg: String)] = []

    mutating func figure(_ name: String, _ svg: String, _ caption: String) {
        figures.append((name, svg))
        markdown.figure(name, caption)
    }
}

extension Metric {
    /// A fraction row as the count it came from (`value` of `n`), for its binomial interval; nil when the
    /// row is no fraction of a known n.
    var proportion: Proportion? {
        guard statistic == .fraction, let n, n > 0, (0...1).contains(value) else { return nil }
        return Proportion(successes: Int((value * Double(n)).rounded()), trials: n)
    }
}

extension Chart.Series {
    /// One line per key of `rows`, in key order, named by `name`: each row a point at `x`, its value the y,
    /// in x order.
    static func lines<Key: Hashable & Comparable>(
        _ rows: [Metric], by key: (Metric) -> Key, name: (Key) -> String, x: (Metric) -> Double,
        interval: (Metric) -> (low: Double, high: Double)? = { _ in nil }
    ) -> [Chart.Series] {
        Dictionary(grouping: rows, by: key).sorted { $0.key < $1.key }.map { key, rows in
            Chart.Series(
                name(key),
                rows.map { row in
                    let bounds = interval(row)
                    return Chart.Point(x(row), row.value, low: bounds?.low, high: bounds?.high)
                }.sorted { $0.x < $1.x })
        }
    }

    /// One line per provider.
    static func byProvider(
        _ rows: [Metric], x: (Metric) -> Double,
        interval: (Metric) -> (low: Double, high: Double)? = { _ in nil }
    ) -> [Chart.Series] {
        lines(rows, by: { $0.provider ?? "" }, name: { $0 }, x: x, interval: interval)
    }
}

/// Table cells from metric rows.
public enum Cells {
    /// Below this n a bootstrap CI of the median says more about the resampling than the data (from one
    /// value it is [x, x]): none is shown.
    static let fewestForCI = 5
    /// Below this n a distribution (an ECDF, a box) is left out of its figure: it would draw one or two
    /// values as if they were a shape. The table keeps the row.
    static let fewestForDistribution = 5

    static func n(_ metric: Metric) -> String { metric.n.map(String.init) ?? "" }

    /// `5` or `5 to 609`: the range of n behind a figure's points, for its caption.
    static func range(_ counts: [Int]) -> String {
        guard let least = counts.min(), let most = counts.max() else { return "0" }
        return least == most ? "\(least)" : "\(least) to \(most)"
    }
    static func number(_ value: Double?) -> String { value.map { Text.number($0) } ?? "" }

    /// The row's CI when its n is large enough to show one.
    static func ci(_ metric: Metric) -> (low: Double, high: Double)? {
        guard let low = metric.ciLow, let high = metric.ciHigh, (metric.n ?? 0) >= fewestForCI else { return nil }
        return (low, high)
    }

    /// `value [low, high]`, or the value and "n too small for a CI" below `fewestForCI`.
    public static func withCI(_ metric: Metric?) -> String {
        guard let metric else { return "" }
        guard let (low, high) = ci(metric) else {
            return Text.number(metric.value) + (metric.ciLow != nil ? " (n too small for a CI)" : "")
        }
        return "\(Text.number(metric.value)) [\(Text.number(low)), \(Text.number(high))]"
    }
}
