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
        let filter = "WHERE ?1 IS NULL OR s.name = ?1"
        let sql = summary
            ? """
                SELECT s.name AS snapshot, r.reason, count(*) AS rejects
                FROM rejected_record r JOIN snapshot s ON s.id = r.snapshot_id \(filter)
                GROUP BY s.name, r.reason ORDER BY s.name, rejects DESC, r.reason LIMIT ?2
                """
            : """
                SELECT s.name AS snapshot, r.path, r.line, r.reason, r.raw
                FROM rejected_record r JOIN snapshot s ON s.id = r.snapshot_id \(filter)
                ORDER BY s.name, r.path, r.line LIMIT ?2
                """
        let result = try Store(readOnlyPath: store.db).queue.read {
            try $0.table(sql, arguments: [snapshot, limit > 0 ? limit : -1])
        }
        TablePrinter(format: format).print(columns: result.columns, rows: result.rows)
    }
}
