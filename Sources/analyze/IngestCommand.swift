import ArgumentParser
import Foundation
import Ingest
import Report
import Store

struct IngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Read measurement files into the store.",
        discussion: """
            Files and directories (recursively); each file's format is detected from its content \
            (faas-measure '#' logs, canonical JSON Lines and CSV, metric rows, the public collections \
            faas-parallelism, lambda-perf and mikhailio by their JSON keys, built-in mappings by their \
            first line; docs/formats.md), or forced by a manifest or --format; another probe's format \
            is read through a declarative mapping (--mapping, docs/mappings.md). A JSON file of no \
            known format is refused with its keys named, never read as empty invocations. A \
            directory's manifest.json sets snapshot, provider, account, experiment, format or \
            mapping. Each file is written in one transaction; a file already in the snapshot (same \
            SHA-256) is skipped. Rejected records are kept with file, line and reason (see `analyze \
            rejects`).
            """)

    @OptionGroup var store: StoreOptions

    @Argument(help: "Files or directories to ingest.")
    var paths: [String]

    @Option(
        help: "Snapshot name for everything ingested (overrides manifests; default: the manifest's, else 'default').")
    var snapshot: String?

    @Option(help: "Force a format instead of detecting it: \(Format.selectable).")
    var format: String?

    @Option(
        help: ArgumentHelp(
            "Read every file through a declarative mapping (a JSON file, or a built-in mapping's name).",
            valueName: "file"))
    var mapping: String?

    @Flag(help: "Fail (exit 1) if any record or file is rejected.")
    var strict = false

    static let namedFailuresPerReason = 3

    func validate() throws {
        if let snapshot, let problem = SnapshotName.problem(snapshot) {
            throw ValidationError("--snapshot \(snapshot.debugDescription): \(problem)")
        }
    }

    func run() throws {
        let forced = try format.map { name in
            guard let format = Format(rawValue: name), format != .mapping else {
                throw ValidationError(IngestError.unknownFormat(name).description)
            }
            return format
        }
        let mapping: Mapping?
        do {
            mapping = try self.mapping.map { try Mapping(named: $0) }
        } catch {
            throw ValidationError("\(error)")
        }
        for path in paths
        where !FileManager.default.fileExists(atPath: path)
            && (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) == nil
        {
            throw ValidationError("\(path): no such file or directory")
        }
        let started = Date()
        let progress = ProgressLine()
        let ingester = Ingester(
            store: try Store(path: store.db),
            options: .init(snapshot: snapshot, format: forced, mapping: mapping))
        var failuresByReason: [String: Int] = [:]
        let summary = try ingester.run(
            paths: paths,
            onFile: { event in
                switch event {
                case .ingested(let path, _, _, let rejected) where rejected > 0:
                    progress.note(
                        "\(path): \(rejected) record\(rejected == 1 ? "" : "s") rejected (see `analyze rejects`)")
                case .failed(let path, let reason), .notStored(let path, let reason):
                    // The first few files per reason by name; a collection with hundreds of files left out for one
                    // reason stays readable.
                    failuresByReason[reason, default: 0] += 1
                    if failuresByReason[reason]! <= Self.namedFailuresPerReason {
                        progress.note("\(path): not ingested: \(reason)")
                    }
                default: break
                }
            },
            onProgress: { summary in
                progress.update(
                    "\(summary.files) files, \(summary.records.formatted()) records, \(summary.rejected) rejected")
            })
        progress.finish()
        for (reason, count) in failuresByReason.sorted(by: { $0.key < $1.key })
        where count > Self.namedFailuresPerReason {
            progress.note(
                "... and \(count - Self.namedFailuresPerReason) more files not ingested: \(reason) (see `analyze "
                    + "rejects`)"
            )
        }
        let seconds = Date().timeIntervalSince(started)
        let rate = seconds > 0 ? Int(Double(summary.records) / seconds) : 0
        print(
            "files: \(summary.files) (ingested \(summary.ingested), skipped \(summary.skipped) already in store, "
                + "failed \(summary.failed)); records: \(summary.records); rejected: \(summary.rejected); "
                + String(format: "%.2f s", seconds) + "; \(rate) records/s")
        if summary.notStored > 0 {
            throw ExitError(
                reason:
                    "\(summary.notStored) file(s) not stored (listed above); once the reason is gone, the same "
                    + "command adds them"
            )
        }
        // A rerun skips what is stored, but the stored files' rejects are still there.
        if strict, summary.rejected + summary.rejectedBefore > 0 || summary.failed > 0 {
            throw ExitError(
                reason: "--strict: \(summary.rejected + summary.rejectedBefore) records rejected"
                    + (summary.rejectedBefore > 0
                        ? " (\(summary.rejectedBefore) when the skipped files were ingested)" : "")
                    + ", \(summary.failed) files failed")
        }
    }
}

/// A one-line failure for stderr with exit code 1.
struct ExitError: Error, CustomStringConvertible {
    let reason: String
    var description: String { reason }
}

/// A progress line on stderr, redrawn in place, shown only when stderr is a terminal.
final class ProgressLine {
    private let enabled = isatty(STDERR_FILENO) == 1
    private var lastDraw = Date.distantPast
    private var visible = false

    func update(_ text: @autoclosure () -> String) {
        guard enabled, Date().timeIntervalSince(lastDraw) >= 0.2 else { return }
        lastDraw = Date()
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + text()).utf8))
        visible = true
    }

    /// A message that stays (printed on its own line whether or not stderr is a terminal). Paths and
    /// reasons come from the data: control characters in them show as escapes.
    func note(_ text: String) {
        finish()
        FileHandle.standardError.write(Data((Text.terminal(text) + "\n").utf8))
    }

    func finish() {
        guard visible else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        visible = false
    }
}
