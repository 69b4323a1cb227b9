import ArgumentParser
import Store

struct SnapshotsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshots",
        abstract: "List snapshots with record counts, providers, time span and sources.")

    @OptionGroup var store: StoreOptions

    @Option(help: "Output: table, csv or json.")
    var format = OutputFormat.table

    func run() throws {
        try TablePrinter(format: format).print(try Store(readOnlyPath: store.db).snapshotTable())
    }
}
