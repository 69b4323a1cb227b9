import ArgumentParser
import Foundation
import Store
import Trend

extension Trend.Split: ExpressibleByArgument {}

struct TrendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trend",
        abstract: "How every metric group moved over snapshots in time order, with robust slopes and tests.",
        discussion: """
            Each snapshot is one point in time (the span of its request times, measurement days or dated file \
            names), analyzed as `analyze metrics` would; or, with --by, each snapshot's invocations split into \
            years, months or days (cold- and warm-start latencies only: the other measurements need whole \
            experiments). For every group measured in at least 3 points: its median per point with the \
            95% bootstrap CI and n, a Theil-Sen slope per year with its 95% CI, a Mann-Kendall trend test, \
            Pettitt change points (segments of at least 3 points), Benjamini-Hochberg q-values over all groups, \
            and a verdict: rising, falling, shifted at a point, stable, or too few points (under 5). Methods: \
            docs/trend.md.

            Exit status: 1 on an unknown snapshot, one that does not say when it was measured, snapshots out \
            of time order or over overlapping times, fewer than 3 points, or no group in 3 of them.
            """)

    @OptionGroup var store: StoreOptions

    @Argument(help: "Snapshots, oldest first.")
    var snapshots: [String] = []

    @Option(
        name: .customLong("snapshots"),
        help: ArgumentHelp("Every snapshot whose name matches (a shell pattern), in time order.", valueName: "pattern"))
    var snapshotPattern: String?

    @Option(
        help: "Split each snapshot into points by the year, month or day of its invocations (start latencies only).")
    var by: Trend.Split?

    @Option(help: "table (one row per group), csv (one row per group and point) or json (printed).")
    var format = OutputFormat.table

    @Option(help: "Also write the report (trend.md, report.html, figures/, trend.csv) into this directory.")
    var out: String?

    @Option(help: "The report's title (with --out); by default the first and last point.")
    var title: String?

    func validate() throws {
        if snapshotPattern != nil, !snapshots.isEmpty {
            throw ValidationError("give snapshots or --snapshots, not both")
        }
        if snapshotPattern == nil, snapshots.isEmpty { throw ValidationError("give snapshots, or --snapshots PATTERN") }
    }

    func run() throws {
        let store = try Store(path: store.db, create: false)
        let names = try snapshotPattern.map { try Trend.snapshots(matching: $0, in: store) } ?? snapshots
        let trend =
            try by.map { try Trend(store: store, snapshots: names, by: $0) } ?? Trend(store: store, snapshots: names)
        let report = TrendReport(trend)
        switch format {
        case .table: try TablePrinter(format: .table).print(report.summary())
        case .csv: try TablePrinter(format: .csv).print(report.points())
        case .json: print(try report.json(), terminator: "")
        }
        if let out {
            let title = title ?? "\(trend.points.first!.label) to \(trend.points.last!.label)"
            try report.write(to: URL(fileURLWithPath: out), title: title)
            FileHandle.standardError.write(Data("wrote \(out)/trend.md\n".utf8))
        }
    }
}
