import Analysis
import Foundation
import Report
import Statistics
import Store

/// Writes a comparison as `compare.md` with `figures/*.svg` (ratios with their CIs, and overlaid ECDFs
/// of every distribution both sides kept), or as CSV or JSON rows.
public struct ComparisonReport {
    public let comparison: Comparison

    public init(_ comparison: Comparison) {
        self.comparison = comparison
    }

    static let columns = [
        "metric", "provider", "runtime", "memory_mb", "setting_a", "setting_b", "statistic", "a", "b", "unit",
        "b_over_a", "ci_low", "ci_high", "mann_whitney_p", "ks_p", "verdict", "join_rule",
    ]

    /// One row per pair, as text, in `columns` order.
    var rows: [[String?]] {
        comparison.pairs.map { pair in
            [
                pair.a.metric.rawValue, pair.a.provider, pair.a.runtime, pair.a.memoryMB.map(String.init),
                pair.a.setting, pair.b.setting,
                pair.a.statistic.description, "\(pair.a.value)", "\(pair.b.value)", pair.a.unit,
                pair.ratio.map { "\($0)" },
                pair.ratioCI.map { "\($0.low)" }, pair.ratioCI.map { "\($0.high)" }, pair.mannWhitneyP.map { "\($0)" },
                pair.kolmogorovSmirnovP.map { "\($0)" }, pair.verdict, pair.rule,
            ]
        }
    }

    public func csv() -> String {
        ([Self.columns.joined(separator: ",")] + rows.map { $0.map { Text.csv($0 ?? "") }.joined(separator: ",") })
            .joined(separator: "\n") + "\n"
    }

    /// One pair in `--format json`: numbers as JSON numbers, absent values as null.
    struct PairJSON: Encodable {
        let metric: String, provider: String?, runtime: String?, memoryMB: Int?, settingA: String?, settingB: String?
        let statistic: String, a: Double?, b: Double?, unit: String, bOverA: Double?, ciLow: Double?, ciHigh: Double?
        let mannWhitneyP: Double?, ksP: Double?, verdict: String, joinRule: String

        init(_ pair: Comparison.Pair) {
            (metric, provider, runtime, memoryMB) = (
                pair.a.metric.rawValue, pair.a.provider, pair.a.runtime, pair.a.memoryMB
            )
            (settingA, settingB, statistic) = (pair.a.setting, pair.b.setting, pair.a.statistic.description)
            // JSON has no infinity or NaN: such a value (a ratio over a zero-ish A) is null.
            func finite(_ value: Double?) -> Double? { value.flatMap { $0.isFinite ? $0 : nil } }
            (a, b, unit, bOverA) = (finite(pair.a.value), finite(pair.b.value), pair.a.unit, finite(pair.ratio))
            (ciLow, ciHigh) = (finite(pair.ratioCI?.low), finite(pair.ratioCI?.high))
            (mannWhitneyP, ksP) = (finite(pair.mannWhitneyP), finite(pair.kolmogorovSmirnovP))
            (verdict, joinRule) = (pair.verdict, pair.rule)
        }

        // Every key is written, null when absent, as in the CSV's columns.
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(metric, forKey: .metric)
            try container.encode(provider, forKey: .provider)
            try container.encode(runtime, forKey: .runtime)
            try container.encode(memoryMB, forKey: .memoryMB)
            try container.encode(settingA, forKey: .settingA)
            try container.encode(settingB, forKey: .settingB)
            try container.encode(statistic, forKey: .statistic)
            try container.encode(a, forKey: .a)
            try container.encode(b, forKey: .b)
            try container.encode(unit, forKey: .unit)
            try container.encode(bOverA, forKey: .bOverA)
            try container.encode(ciLow, forKey: .ciLow)
            try container.encode(ciHigh, forKey: .ciHigh)
            try container.encode(mannWhitneyP, forKey: .mannWhitneyP)
            try container.encode(ksP, forKey: .ksP)
            try container.encode(verdict, forKey: .verdict)
            try container.encode(joinRule, forKey: .joinRule)
        }

        enum CodingKeys: String, CodingKey {
            case metric, provider, runtime
            case memoryMB = "memory_mb"
            case settingA = "setting_a"
            case settingB = "setting_b"
            case statistic, a, b
            case unit
            case bOverA = "b_over_a"
            case ciLow = "ci_low"
            case ciHigh = "ci_high"
            case mannWhitneyP = "mann_whitney_p"
            case ksP = "ks_p"
            case verdict
            case joinRule = "join_rule"
        }
    }

    struct DocumentJSON: Encodable {
        let a: String, b: String, pairs: [PairJSON], onlyA: [String], onlyB: [String]
        enum CodingKeys: String, CodingKey {
            case a, b, pairs
            case onlyA = "only_a"
            case onlyB = "only_b"
        }
    }

    public func json() throws -> String {
        let document = DocumentJSON(
            a: comparison.a, b: comparison.b, pairs: comparison.pairs.map(PairJSON.init),
            onlyA: comparison.onlyA.map(\.metric.rawValue), onlyB: comparison.onlyB.map(\.metric.rawValue))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(document), as: UTF8.self) + "\n"
    }

    /// At most this many rows in the forest plot of ratios.
    static let forestRows = 60

    /// Above this many metrics on one side only, `compare.md` groups them and `only-a.csv` / `only-b.csv` list them.
    static let unmatchedListedInline = 200

    /// Writes `compare.md` and `figures/` into `directory` (and `only-a.csv`, `only-b.csv` for long listings).
    public func write(to directory: URL) throws {
        let figures = directory.appendingPathComponent("figures")
        try? FileManager.default.removeItem(at: figures)
        for side in ["a", "b"] {
            try? FileManager.default.removeItem(at: directory.appendingPathComponent("only-\(side).csv"))
        }
        try FileManager.default.createDirectory(at: figures, withIntermediateDirectories: true)
        var markdown = Markdown()
        let c = comparison
        markdown.heading(1, "Comparison: \(Text.markdown(c.a)) (A) against \(Text.markdown(c.b)) (B)")
        markdown.paragraph(
            "\(c.pairs.count) metrics on both sides, \(c.onlyA.count) only in A, \(c.onlyB.count) only in B. "
                + "B/A is the ratio of B's value to A's. Where both sides kept the sample behind a median: a 95% percentile-bootstrap CI "
                + "of the ratio of medians (\(c.bootstrap.resamples) resamples, seed \(c.bootstrap.seed)), two-sided Mann-Whitney U and "
                + "Kolmogorov-Smirnov p-values, and a verdict: faster or slower (latencies), higher or lower (other metrics) when the CI "
                + "excludes 1 and the Mann-Whitney p-value is below \(Text.number(c.level)); otherwise unchanged. \"Summary only\": at "
                + "least one side has no sample (published numbers), so only the ratio is given.")
        markdown.paragraph(
            "Join rules: **same key** (metric, provider, runtime, memory, setting, statistic); **same parameters** (the same, "
                + "with the typed parameters in place of the setting's text, when that matches exactly one row); **same setting core** "
                + "(settings equal up to their first \", \" or \" (\", when that matches exactly one row); **over memory sizes** (a "
                + "summary over memory sizes, `median_min` or `median_max`, against the smallest or largest per-memory median of the "
                + "other side). The rule used is in the last column.")
        markdown.table(
            [
                "metric", "provider", "runtime", "memory (MB)", "setting (A)", "statistic", "A", "B", "unit", "B/A",
                "95% CI of B/A", "Mann-Whitney p", "KS p", "verdict", "join",
            ],
            c.pairs.map { pair in
                [
                    pair.a.metric.rawValue, pair.a.provider ?? "", pair.a.runtime ?? "",
                    pair.a.memoryMB.map(String.init) ?? "", pair.a.setting ?? "",
                    pair.a.statistic.description, Text.number(pair.a.value), Text.number(pair.b.value), pair.a.unit,
                    pair.ratio.map { Text.number($0, significant: 3) } ?? "",
                    pair.ratioCI.map {
                        "\(Text.number($0.low, significant: 3)) to \(Text.number($0.high, significant: 3))"
                    } ?? "",
                    pair.mannWhitneyP.map(Self.pValue) ?? "", pair.kolmogorovSmirnovP.map(Self.pValue) ?? "",
                    pair.verdict, pair.rule,
                ]
            }, rightAligned: [6, 7, 9, 11, 12])

        // Ratios only where both values are positive: a difference whose sign can flip (new VM minus VM in
        // use) is no ratio. A group whose median has a CI is shown by that median alone (its mean and
        // percentiles are in the table).
        struct Group: Hashable { let metric: MetricID, provider: String?, runtime: String?, memoryMB: Int?, setting: String? }
        func group(_ pair: Comparison.Pair) -> Group {
            Group(metric: pair.a.metric, provider: pair.a.provider, runtime: pair.a.runtime, memoryMB: pair.a.memoryMB,
                  setting: pair.a.setting)
        }
        let withCI = Set(c.pairs.filter { $0.ratioCI != nil }.map(group))
        let ratios = c.pairs.filter { pair in
            guard let ratio = pair.ratio, ratio.isFinite, ratio > 0 else { return false }
            guard pair.ratioCI != nil || !withCI.contains(group(pair)) else { return false }
            return pair.a.value > 0 && pair.b.value > 0 && pair.a.statistic != .medianDifference
        }
        if !ratios.isEmpty {
            let shown = Array(ratios.prefix(Self.forestRows))
            let names = shown.map { pair in
                [pair.a.metric.rawValue, label(pair), pair.a.statistic.description].filter { !$0.isEmpty }
                    .joined(separator: " · ")
            }
            // A name that two rows share gets A's setting, so that no label repeats.
            let repeated = Set(Dictionary(grouping: names, by: { $0 }).filter { $0.value.count > 1 }.keys)
            let rows = zip(shown, names).map { pair, name in
                Chart.Bar(
                    repeated.contains(name) ? "\(name) (\(pair.a.setting ?? ""))" : name, pair.ratio!,
                    low: pair.ratioCI?.low, high: pair.ratioCI?.high)
            }
            try Data(Chart.forest(title: "B / A, metric by metric", x: "B / A", rows: rows).utf8)
                .write(to: figures.appendingPathComponent("ratios.svg"))
            let cut = ratios.count > shown.count ? " The first \(shown.count) of \(ratios.count) ratios, in the table's order." : ""
            markdown.figure(
                "ratios.svg",
                "B / A of the joined pairs (\(shown.count) rows) on a log axis, 1 (no change) dashed: medians with their 95% "
                    + "bootstrap CI (a group's mean and percentiles are in the table), and summary values without one; "
                    + "only pairs whose two values are positive.\(cut)")
        }
        for (index, pair) in c.pairs.filter({ $0.a.samples != nil && $0.b.samples != nil && $0.a.statistic == .median })
            .prefix(24).enumerated()
        {
            let name = String(format: "ecdf-%02d.svg", index + 1)
            let series = [(c.a, pair.a.samples!), (c.b, pair.b.samples!)].map { title, values in
                Chart.Series.ecdf(title, sorted: values)
            }
            try Data(
                Chart.xy(
                    .ecdf, title: label(pair), x: "\(pair.a.metric) (\(pair.a.unit))", y: "fraction", series: series
                ).utf8
            )
            .write(to: figures.appendingPathComponent(name))
            markdown.figure(name, "ECDFs of A and B: \(pair.a.metric), \(label(pair)).")
        }

        let unmatchedColumns = [
            "metric", "provider", "runtime", "memory (MB)", "setting", "statistic", "value", "unit",
        ]
        func cells(_ metric: Metric) -> [String] {
            [
                metric.metric.rawValue, metric.provider ?? "", metric.runtime ?? "",
                metric.memoryMB.map(String.init) ?? "", metric.setting ?? "",
                metric.statistic.description, Text.number(metric.value), metric.unit,
            ]
        }
        for (side, title, metrics) in [("a", "Only in A (\(c.a))", c.onlyA), ("b", "Only in B (\(c.b))", c.onlyB)]
        where !metrics.isEmpty {
            markdown.heading(2, Text.markdown(title))
            guard metrics.count > Self.unmatchedListedInline else {
                markdown.table(unmatchedColumns, metrics.map { cells($0) }, rightAligned: [3, 6])
                continue
            }
            // Thousands of rows (a year of daily averages, say) stay listed, in a CSV beside the report.
            let file = "only-\(side).csv"
            let csv =
                ([unmatchedColumns.joined(separator: ",")]
                + metrics.map { cells($0).map(Text.csv).joined(separator: ",") })
                .joined(separator: "\n") + "\n"
            try Data(csv.utf8).write(to: directory.appendingPathComponent(file))
            markdown.paragraph("\(metrics.count) rows, all in [\(file)](\(file)); by metric and provider:")
            let groups = Dictionary(grouping: metrics) { "\($0.metric)\u{0}\($0.provider ?? "")" }
            markdown.table(
                ["metric", "provider", "rows", "runtimes", "settings"],
                groups.keys.sorted().map { key in
                    let rows = groups[key]!
                    return [
                        rows[0].metric.rawValue, rows[0].provider ?? "", String(rows.count),
                        String(Set(rows.compactMap(\.runtime)).count),
                        String(Set(rows.compactMap(\.setting)).count),
                    ]
                }, rightAligned: [2, 3, 4])
        }
        try Data(markdown.text.utf8).write(to: directory.appendingPathComponent("compare.md"))
    }

    /// Two significant digits; below double precision's reach, a bound instead of a false 0.
    static func pValue(_ p: Double) -> String {
        p < 1e-15 ? "< 1e-15" : Text.number(p, significant: 2)
    }

    /// "cold" or "warm" for start latencies, else the metric's family (`coldstart.latency_ms` -> cold).
    private func shortMetric(_ pair: Comparison.Pair) -> String {
        let family = pair.a.metric.family
        return ["coldstart": "cold", "warmstart": "warm"][family] ?? family
    }

    private func label(_ pair: Comparison.Pair) -> String {
        [pair.a.provider, pair.a.runtime, pair.a.memoryMB.map { "\($0) MB" }].compactMap { $0 }.joined(separator: " ")
    }
}
