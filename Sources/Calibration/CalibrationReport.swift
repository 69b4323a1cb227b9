import Foundation
import Report
import Store

/// Writes a calibration as `report.md`, `report.html` and `calibration.csv`: one table per provider,
/// then the tolerances and why each is that wide.
public struct CalibrationReport {
    public let calibration: Calibration

    public init(_ calibration: Calibration) {
        self.calibration = calibration
    }

    public func write(to directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let markdown = document()
        try Data(markdown.text.utf8).write(to: directory.appendingPathComponent("report.md"))
        let html = HTMLPage.render(title: "Simulator calibration", markdown: markdown, figures: [])
        try Data(html.utf8).write(to: directory.appendingPathComponent("report.html"))
        try Data(csv().utf8).write(to: directory.appendingPathComponent("calibration.csv"))
    }

    func document() -> Markdown {
        let c = calibration
        var markdown = Markdown()
        markdown.heading(1, "Simulator calibration")
        let calibrated = c.rows.filter { $0.verdict != .reference }
        let counts = Calibration.Verdict.allCases.map { verdict in
            (verdict, c.rows.filter { $0.verdict == verdict }.count)
        }
        markdown.paragraph(
            "The paper's published numbers (`\(c.paperSnapshot)`) against what `analyze metrics` recovers from the "
                + "runs of the built-in 2017 profiles, simulated at the paper's scale by `make ingest`: "
                + c.runs.joined(separator: "; ") + ". The rerun speedups compare each provider's pooled cold-start "
                + "median with the one of its 2018 profile (`simulated-<provider>-2018`, cold starts only).")
        markdown.paragraph(
            "**\(counts.first { $0.0 == .within }!.1) of \(calibrated.count) calibrated numbers within tolerance**"
                + counts.filter { $0.0 != .within && $0.1 > 0 }.map { "; \($0.1) \($0.0.rawValue)" }.joined()
                + ". A number is calibrated when a profile parameter is set from it (column *profile*); the model "
                + "column is the value the run's truth.json states, where the model has one; *recovered* is the "
                + "analyses' value, with its 95% bootstrap CI where the statistic has one, and n. The tolerances, "
                + "and the numbers that are not targets, are explained below the tables.")
        for (profile, _) in c.profiles {
            let rows = c.rows.filter { $0.paper.provider == profile.provider.rawValue }
            guard !rows.isEmpty else { continue }
            markdown.heading(2, "\(profile.provider.rawValue) (profile \(profile.name))")
            markdown.table(
                [
                    "number", "paper", "tolerance", "profile", "model (truth.json)", "recovered [95% CI]", "n",
                    "verdict",
                ],
                rows.map { row in
                    [
                        Self.label(row.paper), value(row.paper.value, unit: row.paper.unit), tolerance(row.target),
                        row.parameter ?? "", row.model.map { Text.number($0) } ?? "", recovered(row),
                        row.recovered?.row.n.map(String.init) ?? "", row.verdict.rawValue,
                    ]
                }, rightAligned: [1, 4, 5, 6])
        }
        markdown.heading(2, "Tolerances")
        var seen = Set<String>()
        let reasons = c.rows.compactMap { row -> [String]? in
            let (kind, why): (String, String) =
                switch row.target {
                case .calibrated(let tolerance, let why): (tolerance.description, why)
                case .reference(let why): ("not a target", why)
                }
            let name = "\(row.paper.metric.name) (\(row.paper.statistic.name))"
            guard seen.insert(name + kind + why).inserted else { return nil }
            return [name, kind, why]
        }
        markdown.table(["number", "tolerance", "why"], reasons)
        markdown.paragraph(
            "How each recovered value was found: the comparison's join rules (docs/compare.md) against the paper's "
                + "rows, else the one row with the paper row's fields and parameters (its setting's words aside); "
                + "instances per request is the mean over the concurrency levels from the one where the profile "
                + "queues; a rerun speedup is the 2017 pooled cold-start median over the 2018 one. The rule of "
                + "each row is in calibration.csv.")
        return markdown
    }

    func csv() -> String {
        let header = [
            "metric", "provider", "runtime", "memory_mb", "setting", "statistic", "paper", "unit", "tolerance",
            "profile_parameter", "model", "recovered", "ci_low", "ci_high", "n", "verdict", "found_by",
        ]
        let lines = calibration.rows.map { row -> String in
            let p = row.paper
            let found = row.recovered?.row
            let fields: [String?] = [
                p.metric.rawValue, p.provider, p.runtime, p.memoryMB.map(String.init), p.setting,
                p.statistic.description,
                "\(p.value)", p.unit, tolerance(row.target), row.parameter, row.model.map { "\($0)" },
                found.map { "\($0.value)" }, found?.ciLow.map { "\($0)" }, found?.ciHigh.map { "\($0)" },
                found?.n.map(String.init), row.verdict.rawValue, row.recovered?.how,
            ]
            return fields.map { Text.csv($0 ?? "") }.joined(separator: ",")
        }
        return ([header.joined(separator: ",")] + lines).joined(separator: "\n") + "\n"
    }

    /// The paper's row as the report names it: metric and statistic, runtime, memory, setting.
    public static func label(_ row: Metric) -> String {
        ["\(row.metric.name) (\(row.statistic.name))", row.runtime, row.memoryMB.map { "\($0) MB" }, row.setting]
            .compactMap { $0 }.joined(separator: ", ")
    }

    private func value(_ value: Double, unit: String) -> String { "\(Text.number(value)) \(unit)" }

    private func tolerance(_ target: Target) -> String {
        if case .calibrated(let tolerance, _) = target { return tolerance.description }
        return ""
    }

    private func recovered(_ row: Calibration.Row) -> String { Cells.withCI(row.recovered?.row) }
}
