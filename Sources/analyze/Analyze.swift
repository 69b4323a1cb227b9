import ArgumentParser
import Foundation

/// `analyze`: offline analysis of serverless platform measurements.
@main
struct Analyze: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Offline analysis of serverless platform measurements (ATC'18 \"Peeking Behind the Curtains\").",
        subcommands: [
            IngestCommand.self, SnapshotsCommand.self, RejectsCommand.self, QueryCommand.self, MetricsCommand.self,
            ReportCommand.self, CompareCommand.self, SimulateCommand.self, CalibrateCommand.self,
            TrendCommand.self,
        ])

    /// Runs the command; a file-system error becomes one line naming the path and the reason, not a
    /// dump of its domain and user info.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as CocoaError {
            exit(withError: ExitError(reason: FileSystemError.describe(error)))
        } catch {
            exit(withError: error)
        }
    }
}

enum FileSystemError {
    static func describe(_ error: CocoaError) -> String {
        let path = error.filePath ?? error.url?.path
        var reason: String
        if let underlying = error.underlying.map({ $0 as NSError }), underlying.domain == NSPOSIXErrorDomain {
            reason = String(cString: strerror(Int32(underlying.code)))
        } else {
            switch error.code {
            case .fileNoSuchFile, .fileReadNoSuchFile: reason = "no such file or directory"
            case .fileWriteOutOfSpace: reason = "no space left on device"
            case .fileWriteNoPermission, .fileReadNoPermission: reason = "permission denied"
            case .fileWriteFileExists: reason = "a file is in the way"
            default: reason = "file system error \(error.code.rawValue)"
            }
        }
        return path.map { "\($0): \(reason)" } ?? reason
    }
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
