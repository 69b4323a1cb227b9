import ArgumentParser

/// `analyze`: offline analysis of serverless platform measurements.
@main
struct Analyze: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Offline analysis of serverless platform measurements (ATC'18 \"Peeking Behind the Curtains\").",
        subcommands: [
            IngestCommand.self, SnapshotsCommand.self, RejectsCommand.self, QueryCommand.self, MetricsCommand.self,
            ReportCommand.self, CompareCommand.self, SimulateCommand.self,
        ])
}

/// `--db PATH`, shared by every command that touches the store.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "The SQLite store.")
    var db = "analyze.sqlite"
}

/// `--format`, shared by every command that prints data.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, csv, json
}
