/// Errors that stop one file (never the whole ingest): each names the file.
public enum IngestError: Error, CustomStringConvertible, Equatable {
    case cannotOpen(path: String, reason: String)
    case cannotRead(path: String, reason: String)
    case badManifest(path: String, reason: String)
    case unknownFormat(String)
    case changedWhileRead(path: String)

    public var description: String {
        switch self {
        case let .cannotOpen(path, reason): "\(path): cannot open: \(reason)"
        case let .cannotRead(path, reason): "\(path): read failed: \(reason)"
        case let .badManifest(path, reason): "\(path): invalid manifest: \(reason)"
        case let .unknownFormat(name): "unknown format '\(name)' (known: \(Format.selectable))"
        case let .changedWhileRead(path):
            "\(path): changed while it was read (size or modification time); nothing of it was stored, ingest it again"
        }
    }
}
