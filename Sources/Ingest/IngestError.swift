/// Errors that stop one file (never the whole ingest): each names the file.
public enum IngestError: Error, CustomStringConvertible, Equatable {
    case cannotOpen(path: String, reason: String)
    case cannotRead(path: String, reason: String)
    case badManifest(path: String, reason: String)
    /// A simulated run's `truth.json` that does not read as the simulator writes it.
    case badTruth(path: String, reason: String)
    case unknownFormat(String)
    case changedWhileRead(path: String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason): "\(path): cannot open: \(reason)"
        case .cannotRead(let path, let reason): "\(path): read failed: \(reason)"
        case .badManifest(let path, let reason): "\(path): invalid manifest: \(reason)"
        case .badTruth(let path, let reason): "\(path): invalid simulation truth: \(reason)"
        case .unknownFormat(let name): "unknown format '\(name)' (known: \(Format.selectable))"
        case .changedWhileRead(let path):
            "\(path): changed while it was read (size or modification time); nothing of it was stored, ingest it again"
        }
    }
}
