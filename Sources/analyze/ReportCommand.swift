import Analysis
import ArgumentParser
import Compare
import Foundation
import Report
import Store

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a paper-style Markdown report with SVG charts.",
        discussion: """
            Runs every analysis (or takes the stored results of `analyze metrics` while they are \
            current: same source files, same options), then writes report.md, figures/*.svg and metrics.csv (the \
            metric rows, as \
            `analyze metrics --format csv` prints them): the paper's sections in its \
            order, each with its tables and charts or a line saying what is missing, and a closing \
            methods and data quality section. With --snapshot, into OUT; without, one folder per \
            snapshot, OUT/<snapshot>/, and OUT/README.md: an index of the reports and of the comparisons \
            already in OUT (folders with a summary.json). Same store, same bytes.
            """)

    @OptionGroup var store: StoreOptions

    @Option(help: "The snapshot (default: every snapshot, each in its own folder).")
    var snapshot: String?

    @Option(help: "Output directory.")
    var out: String

    @Option(help: "The snapshot of the paper's published numbers, for each report's key findings (none when absent).")
    var paper = "paper-2018"

    func run() throws {
        let store = try Store(path: self.store.db, create: false)
        let output = URL(fileURLWithPath: out)
        let writer = ReportWriter(store: store)
        if let snapshot {
            try write(snapshot, to: output, writer, store)
            return
        }
        // Snapshots of measurements; those holding only published summary numbers have nothing to report.
        let snapshots = try store.measuredSnapshots()
        guard !snapshots.isEmpty else {
            throw ExitError(reason: "no snapshots in \(self.store.db) (run `analyze ingest` first)")
        }
        var unsafe: [String] = []
        var entries: [ReportIndex.Entry] = []
        for name in snapshots {
            guard let folder = Self.folder(for: name, in: output) else {
                unsafe.append(name)
                continue
            }
            entries.append(try write(name, to: folder, writer, store))
        }
        try ReportIndex(entries).write(to: output)
        print("wrote \(output.appendingPathComponent("README.md").path): \(entries.count) reports")
        if !unsafe.isEmpty {
            throw ExitError(
                reason: "not written: \(unsafe.count) snapshot(s) whose name cannot be a folder under \(out) "
                    + "(\(unsafe.map(\.debugDescription).joined(separator: ", ").prefix(300))); rename them or pass "
                    + "--snapshot"
            )
        }
    }

    /// The paper's headline findings joined to the snapshot's metrics, as `analyze compare` joins them.
    private func keyFindings(_ snapshot: String, _ store: Store) throws -> KeyFindings? {
        guard snapshot != paper, try store.snapshotExists(paper) else { return nil }
        let comparison: Comparison
        do {
            comparison = try Comparison(store: store, a: paper, b: snapshot)
        } catch CompareError.noMetrics {
            return nil
        }
        return KeyFindings(Headline(comparison), reference: paper, truths: try store.simulationTruths(of: snapshot))
    }

    /// `OUT/<snapshot>/`, or nil when the name could lead outside OUT (a store written before names were
    /// checked at ingest may hold `..` or `a/../../b`).
    static func folder(for snapshot: String, in output: URL) -> URL? {
        guard SnapshotName.problem(snapshot) == nil else { return nil }
        let folder = output.appendingPathComponent(snapshot, isDirectory: true).standardizedFileURL
        let parent = output.standardizedFileURL.path
        return folder.deletingLastPathComponent().standardizedFileURL.path == parent ? folder : nil
    }

    /// The report, and beside it `metrics.csv`: the metric rows the report's analyses just stored.
    @discardableResult
    private func write(
        _ snapshot: String, to folder: URL, _ writer: ReportWriter, _ store: Store
    ) throws -> ReportIndex.Entry {
        let entry = try writer.write(snapshot: snapshot, to: folder, keyFindings: try keyFindings(snapshot, store))
        let output = try TextOutput(creating: folder.appendingPathComponent("metrics.csv"))
        try store.withMetricTable(snapshots: [snapshot]) { try TablePrinter(format: .csv).write($0, to: output) }
        try output.finish()
        print("wrote \(folder.appendingPathComponent("report.md").path) and metrics.csv")
        return entry
    }
}
