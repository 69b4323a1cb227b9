import Report
import Store

/// The top of `compare.md`: what A and B are, the caveats of every alias and relaxation, and the
/// paper's headline findings with what became of each.
extension ComparisonReport {
    func statement(into markdown: inout Markdown) {
        let c = comparison
        markdown.heading(2, "What is compared")
        var lines: [String] = []
        for (label, names) in [("A", c.aSnapshots), ("B", c.bSnapshots)] {
            for name in names { lines.append(side(names.count > 1 ? "\(label), part" : label, name)) }
            if names.count > 1 {
                lines.append(
                    "\(label) is the metrics of its \(names.count) snapshots read as one, each analyzed on its own; a "
                        + "pair's \(label) row comes from whichever holds it.")
            }
        }
        markdown.paragraph(lines.map { "- \($0)" }.joined(separator: "\n"))
        var caveats: [String] = []
        for (from, to) in c.aliases.metrics.sorted(by: { $0.key < $1.key }) {
            let definitions = [(from, "B's"), (to, "A's")].map { id, whose in
                "\(whose) `\(id)` is \(id.definition ?? "defined in its source")"
            }
            caveats.append(
                "**Across definitions:** B's `\(from)` is read as A's `\(to)`. \(definitions.joined(separator: "; ")). "
                    + "Their ratio mixes any change of the platform with the difference between the definitions, so it "
                    + "bounds the change rather than measuring it.")
        }
        for (from, to) in c.aliases.runtimes.sorted(by: { $0.key < $1.key }) {
            caveats.append(
                "**Across runtimes:** B's runtime `\(from)` is read as A's `\(to)`; a ratio mixes the platform's "
                    + "change with the runtimes' difference.")
        }
        for relaxation in c.relaxations {
            switch relaxation {
            case .memory:
                caveats.append(
                    "**Any memory size:** rows that differ only in memory size were joined where exactly one "
                        + "qualified; memory changes a function's CPU share, so such ratios mix the two.")
            case .runtimeVersion:
                caveats.append(
                    "**Any runtime version:** rows whose runtimes are of one family were joined where exactly one "
                        + "qualified."
                )
            }
        }
        if !caveats.isEmpty { markdown.paragraph(caveats.joined(separator: "\n\n")) }
    }

    /// One side's line: name, description, what it holds, providers and where its numbers come from.
    private func side(_ label: String, _ name: String) -> String {
        let summary = comparison.summaries[name]
        let holdings = comparison.holdings[name]
        var parts = ["**\(label): \(Text.markdown(name))**"]
        if let description = summary?.description, !description.isEmpty { parts.append(Text.markdown(description)) }
        if let summary, summary.invocations > 0 {
            let span = summary.firstSent.map { ", requests sent \($0) to \(summary.lastSent ?? $0) UTC" } ?? ""
            parts.append(
                "\(summary.invocations) invocations from \(summary.files) file\(summary.files == 1 ? "" : "s")\(span), "
                    + "analyzed here into \(holdings?.rows ?? 0) metric rows")
        }
        if let holdings, !holdings.sources.isEmpty {
            parts.append(
                "Rows read from files of published numbers (sources: "
                    + holdings.sources.map(Text.markdown).joined(separator: ", ") + ")")
        }
        if let holdings, !holdings.providers.isEmpty {
            parts.append("Providers: \(holdings.providers.map(Text.markdown).joined(separator: ", "))")
        }
        return parts.joined(separator: ". ") + "."
    }

    func headline(into markdown: inout Markdown) {
        let headline = Headline(comparison)
        guard !headline.rows.isEmpty else { return }
        markdown.heading(2, "Headline findings")
        markdown.paragraph(
            "The paper's headline measurements in A, and what B says of each: the change as a factor, the verdict "
                + "(a test only where both sides kept samples), or why there is no B value.")
        markdown.table(
            ["finding", "provider", "A's row", "A", "B", "unit", "change", "verdict"],
            headline.rows.map { row in
                let (b, change, verdict): (String, String, String)
                switch row.outcome {
                case .joined(let pair):
                    b = Text.number(pair.b.value)
                    change = Headline.change(pair) ?? ""
                    verdict = pair.verdict.rawValue + (pair.renamings.isEmpty ? "" : ", across definitions")
                case .refused(let refusal):
                    (b, change, verdict) = (Text.number(refusal.b.value), "", "not comparable: \(refusal.reason)")
                case .notInB:
                    (b, change, verdict) = ("", "", "not measured in B")
                }
                return [
                    row.finding.title, row.a.provider ?? "", row.a.rowLabel, Text.number(row.a.value), b,
                    row.a.unit, change, verdict,
                ]
            }, rightAligned: [3, 4])
    }

    /// The relaxations in force, as the join-rules paragraph lists them.
    var relaxationsText: String {
        comparison.relaxations.map { relaxation in
            switch relaxation {
            case .memory: "; **any memory size** (asked for: rows equal but for memory, when one qualifies)"
            case .runtimeVersion:
                "; **any runtime version within the family** (asked for: `python3.9` and `python312` are both "
                    + "`python`, when one qualifies)"
            }
        }.joined()
    }

    /// B/A, or B - A for a difference whose sign can flip.
    static func ratioCell(_ pair: Comparison.Pair) -> String {
        if pair.a.statistic == .medianDifference {
            let difference = pair.b.value - pair.a.value
            return "B - A = \(difference >= 0 ? "+" : "")\(Text.number(difference, significant: 3)) \(pair.a.unit)"
        }
        return pair.ratio.map { Text.number($0, significant: 3) } ?? ""
    }
}
