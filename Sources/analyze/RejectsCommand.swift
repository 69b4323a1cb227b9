import ArgumentParser
import Store

struct RejectsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rejects",
        abstract: "List rejected records with file, line and reason.")

    @OptionGroup var store: StoreOptions

    @Option(help: "Only this snapshot.")
    var snapshot: String?

    @Flag(help: "Count rejects per reason instead of listing them.")
    var summary = false

    @Option(help: "At most this many rows (0: all).")
    var limit = 0

    @Option(help: "Output: table, csv or json.")
    var format = OutputFormat.table

    func run() throws {
        let result = try Store(readOnlyPath: store.db).rejectTable(
            snapshot: snapshot, summary: summary, limit: limit > 0 ? limit : nil)
        try TablePrinter(format: format).print(result)
    }
}
