import ArgumentParser
import Store

struct QueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Run read-only SQL against the store.",
        discussion:
            "The database is opened read-only, so no statement can change it. Start with the invocation_view view; "
            + "docs/schema.md lists every table."
    )

    @OptionGroup var store: StoreOptions

    @Argument(help: "One SQL statement.")
    var sql: String

    @Option(help: "Output: table, csv or json.")
    var format = OutputFormat.table

    func run() throws {
        try Store(readOnlyPath: store.db).withQuery(sql) { try TablePrinter(format: format).print($0) }
    }
}
