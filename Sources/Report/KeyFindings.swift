import Store

/// The paper's headline numbers beside a snapshot's, for the top of its report. The caller builds it
/// from a comparison against the paper's snapshot (`analyze report` does, with `paper-2018`), so that
/// the rows are joined by the comparison's documented rules.
public struct KeyFindings: Sendable {
    public struct Row: Sendable {
        public let finding: String
        /// The paper's row: its value, unit and what it was measured over (runtime, memory, setting).
        public let paper: Metric
        /// This snapshot's row, with its CI and n; nil when the pair was refused.
        public let measured: Metric?
        /// B / A in words ("3.96x higher"), when there is one.
        public let change: String?
        /// The verdict, or why the two are not compared.
        public let note: String

        public init(finding: String, paper: Metric, measured: Metric?, change: String?, note: String) {
            self.finding = finding
            self.paper = paper
            self.measured = measured
            self.change = change
            self.note = note
        }
    }

    /// The snapshot holding the paper's numbers.
    public let reference: String
    public let rows: [Row]

    public init(reference: String, rows: [Row]) {
        self.reference = reference
        self.rows = rows
    }

    func write(into document: inout ReportDocument, simulated: Bool) {
        guard !rows.isEmpty else { return }
        document.markdown.heading(2, "Key findings")
        document.markdown.paragraph(
            "The paper's headline numbers (snapshot `\(reference)`, published values without samples) beside this "
                + "snapshot's, joined by the rules of `analyze compare` (docs/compare.md); medians with their 95% "
                + "bootstrap "
                + "CI. A maximum depends on the load a study offered as much as on the platform."
                + (simulated
                    ? " The simulator's profiles are calibrated on these numbers, so agreement here checks the model "
                        + "and "
                        + "the analyses, not a platform." : ""))
        document.markdown.table(
            ["finding", "provider", "the paper's row", "paper", "here [95% CI]", "n", "unit", "change", "note"],
            rows.map { row in
                // A change inside the CI is no change the data can show.
                let within = row.measured.flatMap(Cells.ci).map {
                    $0.low <= row.paper.value && row.paper.value <= $0.high
                }
                let note = [
                    within == true ? "the paper's value is within the CI" : nil, row.note.isEmpty ? nil : row.note,
                ]
                .compactMap { $0 }.joined(separator: "; ")
                return [
                    row.finding, row.paper.provider ?? "", row.paper.rowLabel, Text.number(row.paper.value),
                    row.measured.map { Cells.withCI($0) } ?? "", row.measured.map(Cells.n) ?? "", row.paper.unit,
                    row.change ?? "", note,
                ]
            }, rightAligned: [3, 4, 5])
    }
}
