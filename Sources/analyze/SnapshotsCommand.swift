import ArgumentParser
import Store

struct SnapshotsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshots",
        abstract: "List snapshots with record counts, providers, time span and sources.")

    @OptionGroup var store: StoreOptions

    @Option(help: "Output: table, csv or json.")
    var format = OutputFormat.table

    static let sql = """
        SELECT s.name AS snapshot,
               (SELECT count(*) FROM source_file f WHERE f.snapshot_id = s.id) AS files,
               (SELECT ifnull(sum(records), 0) FROM source_file f WHERE f.snapshot_id = s.id) AS records,
               (SELECT count(*) FROM rejected_record r WHERE r.snapshot_id = s.id) AS rejected,
               (SELECT group_concat(provider, ',') FROM (
                    SELECT DISTINCT fn.provider FROM function fn
                    WHERE fn.id IN (SELECT function_id FROM invocation i WHERE i.snapshot_id = s.id)
                    ORDER BY fn.provider)) AS providers,
               (SELECT strftime('%Y-%m-%dT%H:%M:%SZ', min(coalesce(request_sent_ms, function_start_ms)) / 1000, 'unixepoch')
                FROM invocation i WHERE i.snapshot_id = s.id) AS first_seen,
               (SELECT strftime('%Y-%m-%dT%H:%M:%SZ', max(coalesce(response_received_ms, request_sent_ms, function_end_ms)) / 1000, 'unixepoch')
                FROM invocation i WHERE i.snapshot_id = s.id) AS last_seen,
               (SELECT group_concat(format, ',') FROM (
                    SELECT DISTINCT format FROM source_file f WHERE f.snapshot_id = s.id ORDER BY format)) AS formats,
               s.description
        FROM snapshot s ORDER BY s.name
        """

    func run() throws {
        let result = try Store(readOnlyPath: store.db).queue.read { try $0.table(Self.sql) }
        TablePrinter(format: format).print(columns: result.columns, rows: result.rows)
    }
}
