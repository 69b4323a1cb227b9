import ArgumentParser
import Compare
import Foundation
import Store

extension Relaxation: ExpressibleByArgument {}

struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare two snapshots metric by metric, with statistical verdicts.",
        discussion: """
            Joins A's and B's metric rows on their fields (metric, provider, runtime, architecture, packaging, \
            memory, setting and statistic, then by the documented looser rules of docs/compare.md), and gives \
            both values, B/A, and where both sides kept samples a bootstrap CI of the ratio of medians, \
            Mann-Whitney and KS p-values and a verdict. Pairs that measure different things are refused with \
            the reason; rows on one side only are listed. Several B snapshots are read as one, and so are A's \
            joined by '+' (aws-2017+azure-2017). A side with \
            invocations and no current analysis is analyzed first. The paper's published numbers are the \
            snapshot paper-2018 (`analyze ingest Datasets/paper-2018`).

            Exit status: 0 when at least one pair was joined; 1 when nothing could be compared (the report \
            still says so), or on an unknown snapshot, a snapshot without metrics, or an alias naming a metric \
            or runtime its side lacks.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case md, csv, json
    }

    @OptionGroup var store: StoreOptions

    @Argument(help: "Snapshot A (the baseline, e.g. paper-2018), or several joined by '+', read as one A.")
    var a: String

    @Argument(help: "Snapshot B, or several snapshots read as one B.")
    var b: [String]

    @Option(help: "md (compare.md and figures/ in --out), csv or json (printed).")
    var format = Format.md

    @Option(help: "Output directory for --format md.")
    var out: String?

    @Option(
        name: .customLong("metric-as"),
        help: ArgumentHelp(
            "Compare B's metric id as A's, across definitions (labelled in the output), e.g. "
                + "coldstart.init_duration_ms=coldstart.latency_ms.",
            valueName: "b-id=a-id"))
    var metricAliases: [String] = []

    @Option(
        name: .customLong("runtime-as"),
        help: ArgumentHelp("Compare B's runtime as A's (labelled), e.g. python314=python2.7.", valueName: "b=a"))
    var runtimeAliases: [String] = []

    @Option(
        name: .customLong("relax"),
        help: ArgumentHelp(
            "Also join rows that differ only in memory size, or in the runtime's version within its family, when "
                + "exactly one row qualifies (labelled per row).",
            valueName: "relaxation"))
    var relaxations: [Relaxation] = []

    func validate() throws {
        if format == .md, out == nil { throw ValidationError("--format md writes files: give --out DIR") }
        if b.isEmpty { throw ValidationError("give snapshot B") }
    }

    func run() throws {
        func pairs(_ values: [String], _ option: String) throws -> [String: String] {
            try values.reduce(into: [:]) { result, value in
                let parts = value.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                    throw ValidationError("--\(option) takes B=A, not '\(value)'")
                }
                result[parts[0]] = parts[1]
            }
        }
        let metrics = try pairs(metricAliases, "metric-as").reduce(into: [MetricID: MetricID]()) {
            $0[MetricID($1.key)] = MetricID($1.value)
        }
        let aliases = Comparison.Aliases(metrics: metrics, runtimes: try pairs(runtimeAliases, "runtime-as"))
        let comparison = try Comparison(
            store: try Store(path: store.db, create: false), a: a.split(separator: "+").map(String.init),
            b: b.flatMap { $0.split(separator: "+").map(String.init) }, aliases: aliases, relaxations: relaxations)
        let report = ComparisonReport(comparison)
        switch format {
        case .csv: print(report.csv(), terminator: "")
        case .json: print(try report.json(), terminator: "")
        case .md:
            let out = out!
            try report.write(to: URL(fileURLWithPath: out))
            print(
                "wrote \(out)/compare.md: \(comparison.pairs.count) pairs, \(comparison.refused.count) refused, "
                    + "\(comparison.onlyA.count) only in A, \(comparison.onlyB.count) only in B")
        }
        if comparison.pairs.isEmpty {
            FileHandle.standardError.write(Data("nothing comparable: no row of A joins a row of B\n".utf8))
            throw ExitCode(1)
        }
    }
}
