import Analysis
import Foundation
import Statistics
import Store

/// Writes `report.md` and `figures/*.svg` for one snapshot: the paper's sections in its order, each
/// with its tables and charts (or one line saying what is missing), then methods and data quality.
/// Same store, same bytes.
public struct ReportWriter {
    private let store: Store
    private let options: Analyzer.Options

    /// The numbered sections, in the paper's order (one file each in `Sections/`).
    static let sections: [any ReportSection] = [
        VMInventorySection(), CoresidencySection(), ScalabilitySection(), PlacementSection(), ColdStartSection(),
        LifetimeSection(), IdleRecyclingSection(), ConsistencySection(), PerformanceSection(), MethodsSection(),
    ]

    public init(store: Store, options: Analyzer.Options = .init()) {
        self.store = store
        self.options = options
    }

    /// Writes the report into `directory` (created; old figures replaced) from the snapshot's current
    /// analysis: the stored one if `analyze metrics` (or an earlier report) computed it from the same
    /// data and options, else the analyses run now.
    @discardableResult
    public func write(snapshot: String, to directory: URL, keyFindings: KeyFindings? = nil) throws -> ReportIndex.Entry
    {
        let reports = try Analyzer(store: store, options: options).current(snapshot: snapshot)
        guard let summary = try store.summary(of: snapshot) else { throw AnalysisError.unknownSnapshot(snapshot) }
        let context = ReportContext(
            store: store, snapshot: snapshot, summary: summary, reports: reports, bootstrap: options.bootstrap)
        var document = ReportDocument()
        header(context, truths: try store.simulationTruths(of: snapshot), into: &document)
        keyFindings?.write(into: &document, simulated: context.simulated)
        for (index, section) in Self.sections.enumerated() {
            document.markdown.heading(2, "\(index + 1). \(section.title)")
            try section.write(context, into: &document)
        }
        let figures = directory.appendingPathComponent("figures")
        try? FileManager.default.removeItem(at: figures)
        try FileManager.default.createDirectory(at: figures, withIntermediateDirectories: true)
        for (name, svg) in document.figures {
            try Data(svg.utf8).write(to: figures.appendingPathComponent(name))
        }
        try Data(document.markdown.text.utf8).write(to: directory.appendingPathComponent("report.md"))
        let html = HTMLPage.render(title: "Report: \(snapshot)", markdown: document.markdown, figures: document.figures)
        try Data(html.utf8).write(to: directory.appendingPathComponent("report.html"))
        return ReportIndex.Entry(
            snapshot: snapshot, summary: summary,
            providers: Set(reports.flatMap(\.metrics).compactMap(\.provider)).sorted(),
            measured: reports.filter { !$0.metrics.isEmpty }.map(\.stage))
    }

    /// The title, what the data are, and (for simulated data) a warning first, with each profile's
    /// seed and scale.
    private func header(_ report: ReportContext, truths: [SimulationTruth], into document: inout ReportDocument) {
        let (snapshot, info) = (report.snapshot, report.summary)
        let description = info.description ?? ""
        if !info.simulatedProfiles.isEmpty {
            let profiles = info.simulatedProfiles.map { profile in
                let runs = Set(truths.filter { $0.profile == profile }.map { "seed \($0.seed), scale \($0.scale)" })
                let name = SnapshotName.problem(profile) == nil ? "`\(profile)`" : Text.markdown(profile)
                return runs.isEmpty ? name : "\(name) (\(runs.sorted().joined(separator: "; ")))"
            }
            document.markdown.paragraph(
                "> **Simulated data** from `analyze simulate`, profile\(profiles.count == 1 ? "" : "s") "
                    + profiles.joined(separator: ", ")
                    + ": a model calibrated on the paper's published numbers, not measurements of a platform.")
        }
        document.markdown.heading(1, "Serverless platform measurements: \(Text.markdown(snapshot))")
        let span = info.firstSent.map { ", sent \($0) to \(info.lastSent ?? $0) UTC" } ?? ""
        document.markdown.paragraph(
            "\(Text.markdown(description.isEmpty ? "Snapshot \(snapshot)." : description))\n\n"
                + "\(info.invocations) invocations from \(info.files) file\(info.files == 1 ? "" : "s")\(span). "
                + "Sections follow the paper (Wang et al., *Peeking Behind the Curtains of Serverless Platforms*, "
                + "USENIX ATC 2018); every number carries its unit and n."
        )
    }
}

enum GroupLabels {
    /// Chart labels for runtime x memory groups charted together: with the provider when they come from
    /// more than one, the memory size when they differ in it, and with the scenario where the label would
    /// otherwise repeat (else two providers' `java` would carry the same name).
    static func of(_ charted: [Metric], memoryUnit: String = "") -> [String] {
        let providers = Set(charted.map { $0.provider ?? "" }).count > 1
        // A memory size every group shares says nothing apart: the caption gives it.
        let memories = Set(charted.map(\.memoryMB)).count > 1
        let labels = charted.map { metric in
            ((providers ? [metric.provider ?? ""] : []) + [metric.runtimeLabel ?? ""]
                + (memories ? metric.memoryMB.map { ["\($0)\(memoryUnit)"] } ?? [] : []))
                .joined(separator: " ")
        }
        let counts = labels.reduce(into: [String: Int]()) { $0[$1, default: 0] += 1 }
        return zip(labels, charted).map { label, metric in
            guard counts[label]! > 1, let scenario = metric.parameters.scenario else { return label }
            return "\(label) \(scenario)"
        }
    }
}
