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
        /// For simulated data, the model's value for the measured row (its run's `truth.json`).
        public let truth: Double?
        /// B / A in words ("3.96x higher"), when there is one.
        public let change: String?
        /// The verdict, or why the two are not compared.
        public let note: String

        public init(
            finding: String, paper: Metric, measured: Metric?, truth: Double? = nil, change: String?, note: String
        ) {
            self.finding = finding
            self.paper = paper
            self.measured = measured
            self.truth = truth
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
                + "bootstrap CI. A maximum depends on the load a study offered as much as on the platform."
                + (simulated
                    ? " The simulator's profiles are calibrated on these numbers, so agreement here checks the model "
                        + "and the analyses, not a platform." : ""))
        // The model's column only where a run's truth.json sets a value.
        let truths = rows.contains { $0.truth != nil }
        if truths {
            document.markdown.paragraph(
                "*model (truth.json)*: the model's value for the measured row, from its run's `truth.json` (for "
                    + "maximum concurrent instances, the most the run's offered load could start). A measurement "
                    + "short of it means the run was too small to observe it (see the scale in the banner).")
        }
        document.markdown.table(
            ["finding", "provider", "the paper's row", "paper"] + (truths ? ["model (truth.json)"] : [])
                + ["here [95% CI]", "n", "unit", "change", "note"],
            rows.map { row in
                // A change inside the CI is no change the data can show.
                let within = row.measured.flatMap(Cells.ci).map {
                    $0.low <= row.paper.value && row.paper.value <= $0.high
                }
                let note = [
                    within == true ? "the paper's value is within the CI" : nil, row.note.isEmpty ? nil : row.note,
                ]
                .compactMap { $0 }.joined(separator: "; ")
                var cells: [String] = [
                    row.finding, row.paper.provider ?? "", row.paper.rowLabel, Text.number(row.paper.value),
                ]
                if truths { cells.append(row.truth.map { Text.number($0) } ?? "") }
                let measured = row.measured.map { (Cells.withCI($0), Cells.n($0)) }
                return cells + [measured?.0 ?? "", measured?.1 ?? "", row.paper.unit, row.change ?? "", note]
            }, rightAligned: truths ? [3, 4, 5, 6] : [3, 4, 5])
    }
}
