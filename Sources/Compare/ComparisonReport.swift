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

    /// At most this many rows in one forest plot of ratios.
    static let forestRows = 60

    /// The forest plots of `ratios` (in the table's order): one when they fit, else one per provider (in
    /// parts of at most `forestRows`), so that no provider's rows are cut. Each with its file name and the
    /// words its title and caption add (", aws", ", aws, 2 of 3").
    static func forestFigures(_ ratios: [Comparison.Pair]) -> [(name: String, pairs: [Comparison.Pair], part: String)] {
        guard ratios.count > forestRows else { return ratios.isEmpty ? [] : [("ratios.svg", ratios, "")] }
        var providers: [String] = []
        for pair in ratios where !providers.contains(pair.a.provider ?? "") { providers.append(pair.a.provider ?? "") }
        // A provider's name is data: only letters and digits of it reach a file name (numbered if two agree).
        let slugs = providers.map { provider in
            provider.isEmpty
                ? "other" : String(provider.lowercased().map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "-" })
        }
        return providers.enumerated().flatMap { number, provider in
            let rows = ratios.filter { ($0.a.provider ?? "") == provider }
            let parts = stride(from: 0, to: rows.count, by: forestRows).map {
                Array(rows[$0..<min($0 + forestRows, rows.count)])
            }
            let slug = slugs.filter { $0 == slugs[number] }.count > 1 ? "\(slugs[number])-\(number + 1)" : slugs[number]
            return parts.enumerated().map { index, part in
                let numbered = parts.count > 1
                return (
                    numbered ? "ratios-\(slug)-\(index + 1).svg" : "ratios-\(slug).svg", part,
                    ", \(provider.isEmpty ? "no provider" : provider)"
                        + (numbered ? ", \(index + 1) of \(parts.count)" : "")
                )
            }
        }
    }

    /// At most this many ECDF figures.
    static let ecdfFigures = 24

    /// At most `limit` of `items`, each key's first ones in turn (no key left out while another has more
    /// than one drawn), in their original order.
    static func takingTurns<Item>(_ items: [Item], limit: Int, key: (Item) -> String) -> [Item] {
        var queues: [String: [Int]] = [:]
        var keys: [String] = []
        for (index, item) in items.enumerated() {
            if queues[key(item)] == nil { keys.append(key(item)) }
            queues[key(item), default: []].append(index)
        }
        var chosen: [Int] = []
        var round = 0
        while chosen.count < min(limit, items.count) {
            for key in keys where round < queues[key]!.count && chosen.count < limit {
                chosen.append(queues[key]![round])
            }
            round += 1
        }
        return chosen.sorted().map { items[$0] }
    }

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
        statement(into: &markdown)
        headline(into: &markdown)

        markdown.heading(2, "Every joined metric")
        if c.pairs.isEmpty {
            markdown.paragraph(
                "**Nothing comparable:** no row of A joins a row of B under the rules below. The rows of each side are "
                    + "listed after them.")
        }
        markdown.paragraph(
            "\(c.pairs.count) metrics on both sides, \(c.refused.count) pairs refused as not comparable, "
                + "\(c.onlyA.count) only in A, \(c.onlyB.count) only in B. B/A is the ratio of B's value to A's; a "
                + "difference whose sign can flip (new VM minus VM in use) is given as B - A instead. Where both sides "
                + "kept the sample behind a median: a 95% percentile-bootstrap CI of the ratio of medians "
                + "(\(c.bootstrap.resamples) resamples, seed \(c.bootstrap.seed)), two-sided Mann-Whitney U and "
                + "Kolmogorov-Smirnov p-values, the Mann-Whitney q-value (Benjamini-Hochberg over the "
                + "\(c.pairs.filter { $0.mannWhitneyQ != nil }.count) pairs tested, so that the false discovery rate "
                + "stays at \(Text.number(c.level))), and a verdict: faster or slower (latencies), higher or lower "
                + "(other metrics) when the CI excludes 1 and the q-value is below \(Text.number(c.level)); "
                + "otherwise unchanged. \"Summary only\": at least one side has no sample (published numbers), so only "
                + "the ratio is given.")
        markdown.paragraph(
            "Join rules: **same key** (metric, provider, runtime, architecture, packaging, memory, setting, "
                + "statistic, parameters); **same parameters** (the same, with the typed parameters in place of the "
                + "setting's words, when that matches exactly one row; then, when A's row names no experiment, "
                + "whatever B's names); **over memory sizes** (a summary over memory sizes, `median_min` or "
                + "`median_max`, against the smallest or largest per-memory median of the other side); **A naming no "
                + "runtime** (A's row at one memory size with no runtime, against the other side's only runtime there)"
                + "\(relaxationsText). The rule used is in the last column."
        )
        markdown.table(
            [
                "metric", "provider", "runtime", "memory (MB)", "setting (A)", "statistic", "A", "B", "unit", "B/A",
                "95% CI of B/A", "Mann-Whitney p", "q (BH)", "KS p", "verdict", "join",
            ],
            c.pairs.map { pair in
                [
                    pair.a.metric.rawValue, pair.a.provider ?? "", pair.a.runtimeLabel ?? "",
                    pair.a.memoryMB.map(String.init) ?? "", pair.a.setting ?? "",
                    pair.a.statistic.description, Text.number(pair.a.value), Text.number(pair.b.value), pair.a.unit,
                    Self.ratioCell(pair),
                    pair.ratioCI.map {
                        "\(Text.number($0.low, significant: 3)) to \(Text.number($0.high, significant: 3))"
                    } ?? "",
                    pair.mannWhitneyP.map(Self.pValue) ?? "", pair.mannWhitneyQ.map(Self.pValue) ?? "",
                    pair.kolmogorovSmirnovP.map(Self.pValue) ?? "", pair.verdict.rawValue, pair.ruleText,
                ]
            }, rightAligned: [6, 7, 9, 11, 12, 13])

        // Ratios only where both values are positive: a difference whose sign can flip (new VM minus VM in
        // use) is no ratio. A group whose median has a CI is shown by that median alone (its mean and
        // percentiles are in the table).
        struct Group: Hashable {
            let metric: MetricID, provider: String?, runtime: String?, memoryMB: Int?, parameters: MetricParameters
        }
        func group(_ pair: Comparison.Pair) -> Group {
            Group(
                metric: pair.a.metric, provider: pair.a.provider, runtime: pair.a.runtimeLabel,
                memoryMB: pair.a.memoryMB, parameters: pair.a.parameters)
        }
        let withCI = Set(c.pairs.filter { $0.ratioCI != nil }.map(group))
        // Counts and maxima of what was seen grow with how much was run: their ratio is the experiments'.
        func observational(_ pair: Comparison.Pair) -> Bool {
            pair.a.metric.growsWithObservation || pair.a.statistic == .max
        }
        let leftOut = Set(
            c.pairs.filter { $0.ratio != nil && observational($0) }.map {
                "\($0.a.metric.name) (\($0.a.statistic.name))"
            }
        ).sorted()
        let ratios = c.pairs.filter { pair in
            guard let ratio = pair.ratio, ratio.isFinite, ratio > 0, !observational(pair) else { return false }
            guard pair.ratioCI != nil || !withCI.contains(group(pair)) else { return false }
            return pair.a.value > 0 && pair.b.value > 0 && pair.a.statistic != .medianDifference
        }
        // A provider's row over every runtime and memory size that holds one group only repeats that
        // group's row (the same values from the same invocations): drawn once, as the group.
        func repeats(_ pooled: Comparison.Pair, _ pair: Comparison.Pair) -> Bool {
            pooled.a.parameters.grouping == .pooled && (pair.a.runtimeLabel != nil || pair.a.memoryMB != nil)
                && pair.a.metric == pooled.a.metric && pair.a.statistic == pooled.a.statistic
                && pair.a.provider == pooled.a.provider
                && (pair.a.value, pair.a.n, pair.b.value, pair.b.n)
                    == (pooled.a.value, pooled.a.n, pooled.b.value, pooled.b.n)
        }
        let repeated = Set(ratios.indices.filter { index in ratios.contains { repeats(ratios[index], $0) } })
        let repeatsItsGroup = repeated.sorted().map { ratios[$0] }
        let drawnRatios = ratios.indices.filter { !repeated.contains($0) }.map { ratios[$0] }
        for (name, shown, part) in Self.forestFigures(drawnRatios) {
            // A pair across definitions says so in its label: its ratio mixes two definitions.
            let names = shown.map { pair in
                [label(pair), "\(pair.a.metric.name) (\(pair.a.statistic.name))"].filter { !$0.isEmpty }
                    .joined(separator: " · ")
                    + (pair.a.parameters.grouping.flatMap { $0 == .pooled ? nil : ", \($0.words)" } ?? "")
                    + (pair.renamings.isEmpty ? "" : ", across definitions")
            }
            // Rows that share a name are told apart by the parameters in which they differ, in words.
            let sharing = Dictionary(grouping: shown.indices, by: { names[$0] })
            let rows = shown.indices.map { index in
                let peers = sharing[names[index]]!
                let words =
                    peers.count > 1 ? shown[index].a.parameters.words(among: peers.map { shown[$0].a.parameters }) : []
                return Chart.Bar(
                    ([names[index]] + (words.isEmpty && peers.count > 1 ? [shown[index].a.setting ?? ""] : words))
                        .filter { !$0.isEmpty }.joined(separator: ", "), shown[index].ratio!,
                    low: shown[index].ratioCI?.low, high: shown[index].ratioCI?.high)
            }
            // The axis names the sides, so that a figure read apart from the report says which way is faster.
            func side(_ names: [String]) -> String {
                names.count == 1 ? names[0] : "\(names[0]) and \(names.count - 1) more"
            }
            let axis = "B / A, A: \(side(c.aSnapshots)); B: \(side(c.bSnapshots))"
            try Data(Chart.forest(title: "B / A, metric by metric\(part)", x: axis, rows: rows).utf8)
                .write(to: figures.appendingPathComponent(name))
            // Counted in the figure that draws the group's row.
            let omitted = repeatsItsGroup.filter { pooled in shown.contains { repeats(pooled, $0) } }.count
            // The caption names the kinds of row drawn, no more.
            let withInterval = shown.filter { $0.ratioCI != nil }.count
            let kinds = [
                withInterval > 0
                    ? "medians with their 95% bootstrap CI (a group's mean and percentiles are in the table)" : nil,
                withInterval < shown.count ? "summary values, without a CI" : nil,
            ].compactMap { $0 }.joined(separator: ", and ")
            let across = shown.contains { !$0.renamings.isEmpty }
            markdown.figure(
                name,
                "B / A of the joined pairs\(part) (\(shown.count) rows) on a log axis, 1 (no change) dashed: \(kinds); "
                    + "only pairs whose two values are positive."
                    + (omitted == 0
                        ? ""
                        : " A provider's row over every runtime and memory size is left out where it holds one group "
                            + "only (\(omitted) row\(omitted == 1 ? "" : "s"); the group's row is drawn).")
                    + (across
                        ? " \"Across definitions\": B's row is another definition read as A's (see the top)." : "")
                    + (leftOut.isEmpty
                        ? ""
                        : " Counts and maxima of what was seen grow with the experiments' size and length, so they "
                            + "are left out (they are in the table): " + leftOut.joined(separator: "; ") + "."))
        }
        let distributions = c.pairs.filter { $0.a.samples != nil && $0.b.samples != nil && $0.a.statistic == .median }
        let drawn = Self.takingTurns(distributions, limit: Self.ecdfFigures) { $0.a.provider ?? "" }
        // A provider's figures of one metric (a runtime at each memory size) share their x axis, so that they
        // can be read side by side: its range is all a shared axis needs (it has no strays), from the sorted
        // samples' ends.
        struct Panel: Hashable { let metric: MetricID, provider: String? }
        let sharedX = Dictionary(grouping: drawn) { Panel(metric: $0.a.metric, provider: $0.a.provider) }
            .mapValues { pairs in
                let ends = pairs.flatMap { [$0.a.samples!, $0.b.samples!] }.flatMap { [$0.first, $0.last] }
                return ends.compactMap { $0 }
            }
        for (index, pair) in drawn.enumerated() {
            let name = String(format: "ecdf-%02d.svg", index + 1)
            // Each line is named by its side and the snapshot its row came from (the side alone if an alias
            // renamed the row); the caption gives each n, which a legend this wide would cut.
            let sides = [(c.aSnapshots, pair.a, "A"), (c.bSnapshots, pair.b, "B")].map { names, row, side in
                (names.count == 1 ? names.first : c.snapshot(of: row)).map { "\(side): \($0)" } ?? side
            }
            let series = zip(sides, [pair.a.samples!, pair.b.samples!]).map { title, values in
                Chart.Series.ecdf(title, sorted: values)
            }
            // The title says which group from the fields, the axis what was measured; the caption adds the
            // setting and the metric id.
            let group = [label(pair), pair.a.setting].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ", ")
            let title =
                [label(pair), pair.a.metric.name].filter { !$0.isEmpty }.joined(separator: " · ")
                + (pair.a.parameters.grouping.map { ", \($0.words)" } ?? "")
            let x = "\(pair.a.metric.quantity ?? pair.a.metric.name) (\(pair.a.unit))"
            let y = "fraction of \(pair.a.metric.isLatency ? "starts" : "values")"
            let axisValues = sharedX[Panel(metric: pair.a.metric, provider: pair.a.provider)]!
            try Data(Chart.xy(.ecdf, title: title, x: x, y: y, series: series, sharedX: axisValues).utf8)
                .write(to: figures.appendingPathComponent(name))
            let same =
                pair.a.samples == pair.b.samples ? " A and B hold the same values: one line hides the other." : ""
            markdown.figure(
                name,
                "ECDFs of A and B: \(pair.a.metric.name) (`\(pair.a.metric)`), \(group); n = \(pair.a.samples!.count) "
                    + "in A, \(pair.b.samples!.count) in B.\(same)")
        }
        if distributions.count > drawn.count {
            markdown.paragraph(
                "\(distributions.count - drawn.count) further distributions both sides kept are not drawn: at most "
                    + "\(Self.ecdfFigures) figures, each provider's first ones in the table's order in turn; their "
                    + "medians are in the table above.")
        }

        let unmatchedColumns = [
            "metric", "provider", "runtime", "memory (MB)", "setting", "statistic", "value", "unit",
        ]
        func cells(_ metric: Metric) -> [String] {
            [
                metric.metric.rawValue, metric.provider ?? "", metric.runtimeLabel ?? "",
                metric.memoryMB.map(String.init) ?? "", metric.setting ?? "",
                metric.statistic.description, Text.number(metric.value), metric.unit,
            ]
        }
        if !c.refused.isEmpty {
            markdown.heading(2, "Not comparable")
            markdown.paragraph(
                "Rows a join rule matched that are left out, because the quantity depends on how the runs were "
                    + "designed more than on the platform.")
            markdown.table(
                ["metric", "provider", "setting (A)", "statistic", "A", "B", "unit", "why not compared"],
                c.refused.map { refusal in
                    [
                        refusal.a.metric.rawValue, refusal.a.provider ?? "", refusal.a.setting ?? "",
                        refusal.a.statistic.description, Text.number(refusal.a.value), Text.number(refusal.b.value),
                        refusal.a.unit, refusal.reason,
                    ]
                }, rightAligned: [4, 5])
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
                        String(Set(rows.compactMap(\.runtimeLabel)).count),
                        String(Set(rows.compactMap(\.setting)).count),
                    ]
                }, rightAligned: [2, 3, 4])
        }
        try Data(markdown.text.utf8).write(to: directory.appendingPathComponent("compare.md"))
        try Data(try summaryJSON().utf8).write(to: directory.appendingPathComponent("summary.json"))
    }

    /// Two significant digits; below double precision's reach, a bound instead of a false 0.
    static func pValue(_ p: Double) -> String {
        p < 1e-15 ? "< 1e-15" : Text.number(p, significant: 2)
    }

    private func label(_ pair: Comparison.Pair) -> String {
        [pair.a.provider, pair.a.runtimeLabel, pair.a.memoryMB.map { "\($0) MB" }].compactMap { $0 }.joined(
            separator: " ")
    }
}
