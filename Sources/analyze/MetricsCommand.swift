import Analysis
import ArgumentParser
import Foundation
import Statistics
import Store

struct MetricsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics",
        abstract: "Run every analysis on a snapshot and print its metrics.",
        discussion: """
            Runs the stages in the paper's order (VM inventory, coresidency, scalability, placement, cold \
            and warm starts, lifetime, idle recycling, update consistency, CPU, I/O and network), replaces \
            the snapshot's rows in the metric table, and prints them. A stage whose data is missing says \
            so on stderr. Quantiles are type 7; confidence intervals are 95% percentile-bootstrap \
            intervals of the median with seed \(Bootstrap.defaultSeed).
            """)

    @OptionGroup var store: StoreOptions

    @Option(help: "The snapshot (default: every snapshot).")
    var snapshot: String?

    @Option(help: "Output: table, csv or json.")
    var format = OutputFormat.table

    @Flag(help: "Print each stage's run time on stderr.")
    var timings = false

    func run() throws {
        let store = try Store(path: self.store.db, create: false)
        // Without --snapshot: every snapshot of measurements (published summary numbers have nothing to analyze).
        let snapshots = try snapshot.map { [$0] } ?? store.measuredSnapshots()
        guard !snapshots.isEmpty else {
            throw ExitError(reason: "no snapshots in \(self.store.db) (run `analyze ingest` first)")
        }
        for name in snapshots {
            for report in try Analyzer(store: store).run(snapshot: name) {
                if timings {
                    FileHandle.standardError.write(
                        Data((String(format: "%8.3f s  ", report.seconds) + "\(name): \(report.title)\n").utf8))
                }
                if case .notMeasurable(let reason) = report.outcome {
                    FileHandle.standardError.write(Data("\(name): \(report.title): not measurable: \(reason)\n".utf8))
                }
            }
        }
        try store.withMetricTable(snapshots: snapshots) { try TablePrinter(format: format).print($0) }
    }
}
