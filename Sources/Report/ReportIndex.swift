import Analysis
import Foundation
import Store

/// `README.md` of a reports folder: every snapshot report with its source, providers, span and the
/// sections it could measure, then every comparison found beside them (by its `summary.json`).
public struct ReportIndex {
    /// What the index says of one snapshot report, returned by `ReportWriter.write`.
    public struct Entry: Sendable {
        public let snapshot: String
        public let summary: SnapshotSummary
        public let providers: [String]
        /// The numbered sections with something measured, by stage.
        public let measured: [StageID]
    }

    /// A comparison's `summary.json` (written beside its `compare.md`).
    struct Comparison: Decodable {
        let a: [String]
        let b: [String]
        let pairs: Int
        let refused: Int
    }

    public let entries: [Entry]

    public init(_ entries: [Entry]) {
        self.entries = entries
    }

    public func write(to directory: URL) throws {
        var markdown = Markdown()
        markdown.heading(1, "Reports")
        markdown.paragraph(
            "Written by `make report` from `Datasets/`: one folder per snapshot (report.md, figures/, metrics.csv), "
                + "then the comparisons. Sections, in the paper's order: "
                + ReportWriter.sections.enumerated().filter { !$0.element.stages.isEmpty }
                .map { "\($0.offset + 1). \($0.element.title)" }.joined(separator: "; ") + ".")
        markdown.table(
            ["report", "source", "providers", "requests sent (UTC)", "invocations", "sections measured"],
            entries.sorted { $0.snapshot < $1.snapshot }.map { entry in
                let span = entry.summary.firstSent.map { "\($0) to \(entry.summary.lastSent ?? $0)" } ?? "not stated"
                let simulated = entry.summary.simulatedProfiles.isEmpty ? "" : "simulated: "
                let sections = ReportWriter.sections.enumerated().filter {
                    !Set($0.element.stages).isDisjoint(with: entry.measured)
                }
                return [
                    .link(entry.snapshot, path: "\(entry.snapshot)/report.md"),
                    .text(simulated + (entry.summary.description ?? "")),
                    .text(entry.providers.joined(separator: ", ")),
                    .text(span), .text(String(entry.summary.invocations)),
                    .text(sections.map { String($0.offset + 1) }.joined(separator: ", ")),
                ]
            }, rightAligned: [4])
        let comparisons = try Self.comparisons(in: directory)
        if !comparisons.isEmpty {
            markdown.heading(2, "Comparisons")
            markdown.table(
                ["comparison", "A", "B", "pairs", "refused as not comparable"],
                comparisons.map { folder, comparison in
                    [
                        .link(folder, path: "\(folder)/compare.md"), .text(comparison.a.joined(separator: " + ")),
                        .text(comparison.b.joined(separator: " + ")), .text(String(comparison.pairs)),
                        .text(String(comparison.refused)),
                    ]
                }, rightAligned: [3, 4])
        }
        let trends = try Self.trends(in: directory)
        if !trends.isEmpty {
            markdown.heading(2, "Trends")
            markdown.table(
                ["trend", "points", "from", "to", "groups", "verdicts"],
                trends.map { folder, trend in
                    [
                        .link(trend.title, path: "\(folder)/trend.md"), .text(String(trend.points)), .text(trend.first),
                        .text(trend.last), .text(String(trend.groups)),
                        .text(trend.verdicts.map { "\($0.groups) \($0.verdict)" }.joined(separator: ", ")),
                    ]
                }, rightAligned: [1, 4])
        }
        if FileManager.default.fileExists(atPath: directory.appendingPathComponent(Self.calibration).path) {
            markdown.heading(2, "Simulator calibration")
            markdown.paragraph(
                "[\(Self.calibration)](\(Self.calibration)): the simulated profiles against every published number of "
                    + "the paper they are calibrated on, with the tolerance of each.")
        }
        try Data(markdown.text.utf8).write(to: directory.appendingPathComponent("README.md"))
    }

    /// Where `analyze calibrate` writes its report under the reports' folder (`make report`).
    static let calibration = "simulator-calibration/report.md"

    /// A trend's `trend.json` (written beside its `trend.md`).
    struct Trend: Decodable {
        let title: String
        let points: Int
        let first, last: String
        let groups: Int
        /// Groups per verdict, in the trend's order of verdicts.
        let verdicts: [Verdicts]
        struct Verdicts: Decodable {
            let verdict: String
            let groups: Int
        }
    }

    /// The folders under `directory` holding a comparison's `summary.json`, by name.
    static func comparisons(in directory: URL) throws -> [(String, Comparison)] {
        try summaries("summary.json", in: directory)
    }

    /// The folders under `directory` holding a trend's `trend.json`, by name.
    static func trends(in directory: URL) throws -> [(String, Trend)] {
        try summaries("trend.json", in: directory)
    }

    /// The folders under `directory` holding `file`, by name, with its contents decoded.
    private static func summaries<T: Decodable>(_ file: String, in directory: URL) throws -> [(String, T)] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return try names.sorted().compactMap { name in
            let path = directory.appendingPathComponent(name).appendingPathComponent(file)
            guard let data = try? Data(contentsOf: path) else { return nil }
            return (name, try JSONDecoder().decode(T.self, from: data))
        }
    }
}
