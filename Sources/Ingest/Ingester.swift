import Foundation
import GRDB
import Store

/// Runs an ingest: finds the files under the given paths, detects each one's format, and writes each
/// in its own transaction under its snapshot. A file that cannot be used is reported (and rejected in
/// the store where it has a snapshot); the other files go on.
public struct Ingester {
    public struct Options: Sendable {
        /// Overrides every manifest's snapshot name.
        public var snapshot: String?
        /// Forces a format instead of detecting it.
        public var format: Format?
        /// Reads every file through this mapping (overrides formats and manifests' mappings).
        public var mapping: Mapping?
        public init(snapshot: String? = nil, format: Format? = nil, mapping: Mapping? = nil) {
            self.snapshot = snapshot
            self.format = format
            self.mapping = mapping
        }
    }

    public struct Summary: Sendable, Equatable {
        public var files = 0
        public var ingested = 0
        /// Already in the store (same content, same snapshot): nothing written.
        public var skipped = 0
        /// Could not be ingested at all (unreadable, not a measurement format, I/O error).
        public var failed = 0
        /// Of the failed ones, those that a rerun can add: the store could not take them (locked past
        /// the busy timeout, disk full, I/O error) or they changed while they were read.
        public var notStored = 0
        public var records = 0
        public var rejected = 0
        /// Records rejected, when they were ingested, in the skipped files.
        public var rejectedBefore = 0
        public var bytes: Int64 = 0
        public init() {}
    }

    /// What happened to one file, for the caller to report.
    public enum FileEvent: Sendable {
        case ingested(path: String, format: Format?, records: Int, rejected: Int)
        /// With the records rejected when the same content was ingested (for `--strict`).
        case skipped(path: String, rejected: Int)
        case failed(path: String, reason: String)
        /// The file is fine but the store could not take it (see `Summary.notStored`).
        case notStored(path: String, reason: String)
    }

    public static let defaultSnapshot = "default"
    /// File names a directory walk leaves alone: run metadata and documentation, not measurements.
    static let nonDataNames: Set<String> = [
        "manifest.json", "truth.json", "SOURCE.txt", "NOTICE", "LICENSE", "LICENSE.md",
    ]

    private let store: Store
    private let options: Options

    public init(store: Store, options: Options = Options()) {
        self.store = store
        self.options = options
    }

    /// Ingests every file under `paths`. `onFile` hears about each file when it is done;
    /// `onProgress` is called now and then with the running summary (for a progress line).
    public func run(
        paths: [String], onFile: (FileEvent) -> Void = { _ in }, onProgress: (Summary) -> Void = { _ in }
    ) throws -> Summary {
        var summary = Summary()
        var manifests = ManifestFinder()
        try store.queue.inDatabase { db in
            let writer = try StoreWriter(db)
            for root in paths {
                for path in try Self.files(under: root) where !isStoreFile(path) {
                    summary.files += 1
                    let event = ingestFile(
                        path, root: root, manifests: &manifests, writer: writer, summary: &summary,
                        onProgress: onProgress)
                    switch event {
                    case .ingested(_, _, let records, let rejected):
                        summary.ingested += 1
                        summary.records += records
                        summary.rejected += rejected
                    case .skipped(_, let rejected):
                        summary.skipped += 1
                        summary.rejectedBefore += rejected
                    case .failed: summary.failed += 1
                    case .notStored:
                        summary.failed += 1
                        summary.notStored += 1
                    }
                    onFile(event)
                    onProgress(summary)
                }
            }
        }
        return summary
    }

    /// Whether the path is the store being written or one of its companions (`-wal`, `-shm`,
    /// `-journal`): a store kept inside a data directory is not data.
    private func isStoreFile(_ path: String) -> Bool {
        let store = URL(fileURLWithPath: self.store.queue.path).standardizedFileURL.path
        let file = URL(fileURLWithPath: path).standardizedFileURL.path
        return [store, store + "-wal", store + "-shm", store + "-journal"].contains(file)
    }

    /// The data files at `root`: the file itself, or every file below a directory in sorted order,
    /// leaving out hidden entries and run metadata (`manifest.json`, `truth.json`, READMEs, licences).
    static func files(under root: String) throws -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory) else {
            // A dangling symlink is a file that cannot be opened; a missing path is a mistake.
            if (try? FileManager.default.destinationOfSymbolicLink(atPath: root)) != nil { return [root] }
            throw IngestError.cannotOpen(path: root, reason: "no such file or directory")
        }
        guard isDirectory.boolValue else { return [root] }
        guard let walker = FileManager.default.enumerator(atPath: root) else {
            throw IngestError.cannotOpen(path: root, reason: "cannot list the directory")
        }
        var files: [String] = []
        while let relative = walker.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            if name.hasPrefix(".") {
                walker.skipDescendants()
                continue
            }
            let path = (root as NSString).appendingPathComponent(relative)
            var entryIsDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: path, isDirectory: &entryIsDirectory)
            if entryIsDirectory.boolValue || nonDataNames.contains(name) || name.hasPrefix("README")
                || name.hasSuffix(".md")
            {
                continue
            }
            files.append(path)
        }
        return files.sorted()
    }

    private func ingestFile(
        _ path: String, root: String, manifests: inout ManifestFinder, writer: StoreWriter,
        summary: inout Summary, onProgress: (Summary) -> Void
    ) -> FileEvent {
        let manifest: Manifest
        do {
            manifest = try manifests.manifest(for: path, root: root)
        } catch {
            return .failed(path: path, reason: "\(error)")
        }
        var snapshotID: Int64?
        do {
            let relativePath = manifest.relativePath(of: path)
            let name = try options.snapshot ?? manifest.snapshot(forRelativePath: relativePath) ?? Self.defaultSnapshot
            let id = try writer.snapshotID(named: name, description: manifest.description)
            snapshotID = id
            let file = FileContext(
                manifest: manifest, relativePath: relativePath, mapping: options.mapping ?? manifest.mapping)
            return try ingest(
                path, file: file, snapshotID: id, writer: writer, summary: &summary, onProgress: onProgress)
        } catch {
            let reason: String
            switch error {
            case IngestError.cannotOpen(_, let why), IngestError.cannotRead(_, let why):
                reason = "cannot read the file: \(why)"
            case let header as CSVHeaderError: reason = header.reason
            default: reason = "\(error)"
            }
            if let error = error as? DatabaseError {
                // Busy, locked, full or an I/O error pass; anything else (a corrupt or read-only store) is
                // named as the store's problem, not the file's.
                let transient: [ResultCode] = [.SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_FULL, .SQLITE_IOERR]
                let why = error.message ?? "\(error.resultCode)"
                return .notStored(
                    path: path,
                    reason: transient.contains(error.resultCode.primaryResultCode)
                        ? "the store could not take it: \(why)"
                        : "the store failed (\(why)); check it before running again")
            }
            if case IngestError.changedWhileRead = error {
                return .notStored(
                    path: path,
                    reason: "it changed while it was read (size or modification time); nothing of it was stored")
            }
            if let snapshotID { try? writer.rejectFile(snapshotID: snapshotID, path: path, reason: reason) }
            return .failed(path: path, reason: reason)
        }
    }

    private func ingest(
        _ path: String, file: FileContext, snapshotID: Int64, writer: StoreWriter,
        summary: inout Summary, onProgress: (Summary) -> Void
    ) throws -> FileEvent {
        let reader = LineReader(path: path)
        let before = try Self.stamp(path)
        let size = before.size
        let chosen = file.mapping != nil ? .mapping : options.format ?? file.manifest.format
        let detection = try chosen.map(Format.Detection.format) ?? Self.detect(path)
        let format: Format?
        var file = file
        switch detection {
        case .unusable(let reason):
            try writer.rejectFile(snapshotID: snapshotID, path: path, reason: reason)
            return .failed(path: path, reason: reason)
        case .empty: format = nil
        case .format(let detected): format = detected
        case .builtInMapping(let name):
            file.mapping = try Mapping(named: name)
            format = .mapping
        }
        if let reason = format?.unusableReason(file) {
            try writer.rejectFile(snapshotID: snapshotID, path: path, reason: reason)
            return .failed(path: path, reason: reason)
        }
        if try writer.hasFile(snapshotID: snapshotID, sizeBytes: size) {
            var hash = SHA256()
            try reader.forEach(onChunk: { hash.update($0) }) { _ in }
            if let rejected = try writer.storedRejects(snapshotID: snapshotID, sha256: hash.finalize()) {
                return .skipped(path: path, rejected: rejected)
            }
        }

        let recordsBefore = summary.records
        var content = ""
        let outcome = try writer.writeFile(
            snapshotID: snapshotID, path: path, format: format?.rawValue ?? "empty", sizeBytes: size,
            simulatedProfile: file.manifest.simulatedProfile, simulationTruth: file.manifest.simulationTruth,
            aggregate: file.manifest.aggregate
        ) { sink in
            let recordReader = try format?.reader(file)
            let channel = ParsedBatches()
            let parser = Parser(reader: reader, parser: recordReader, channel: channel)
            DispatchQueue.global(qos: .userInitiated).async { parser.run() }
            do {
                reading: while true {
                    switch channel.receive() {
                    case .batch(var batch):
                        try batch.write(to: sink)
                        channel.recycle(consume batch)
                        summary.records = recordsBefore + sink.records
                        onProgress(summary)
                    case .end(let sha256):
                        summary.records = recordsBefore
                        content = sha256
                        // The written records are freed on another thread: this one holds the transaction and
                        // bounds the ingest, and a file of under a few batches never gives them back to its parser.
                        DispatchQueue.global(qos: .utility).async { [channel] in _ = channel.takeSpent() }
                        break reading
                    case .failed(let error):
                        throw error
                    }
                }
            } catch {
                if !(error is ParserFailure) { channel.cancel() }
                throw (error as? ParserFailure)?.error ?? error
            }
            // The parser is done: what it read must be one version of the file, else the transaction rolls back.
            guard try Self.stamp(path) == before else { throw IngestError.changedWhileRead(path: path) }
            return content
        }
        summary.bytes += size
        switch outcome {
        case .duplicate:
            return .skipped(
                path: path, rejected: try writer.storedRejects(snapshotID: snapshotID, sha256: content) ?? 0)
        case .ingested(let records, let rejected):
            return .ingested(path: path, format: format, records: records, rejected: rejected)
        }
    }

    /// The parser thread of one file: reads it, hashes it and parses it into batches for the writer.
    private final class Parser: @unchecked Sendable {
        private let reader: LineReader
        private var parser: RecordReader?
        private let channel: ParsedBatches

        init(reader: LineReader, parser: RecordReader?, channel: ParsedBatches) {
            self.reader = reader
            self.parser = parser
            self.channel = channel
        }

        func run() {
            let sink = BatchingSink(channel: channel)
            var hash = SHA256()
            do {
                try reader.forEach(onChunk: { hash.update($0) }) { event in
                    switch event {
                    case .line(let line): try parser?.read(line, into: sink)
                    case .tooLong(let number, let length):
                        try sink.reject(
                            line: number,
                            reason: "line of \(length) bytes is longer than the \(reader.maxLineLength >> 20) MiB limit"
                        )
                    }
                }
                try parser?.finish(into: sink)
                try sink.flush()
                _ = channel.send(.end(sha256: hash.finalize()))
            } catch is BatchingSink.Stopped {
                _ = channel.send(.end(sha256: ""))  // the writer gave up; it only waits for this
            } catch {
                _ = channel.send(.failed(ParserFailure(error: error)))
            }
        }
    }

    /// An error of the parser thread, rethrown by the writer.
    private struct ParserFailure: Error {
        let error: any Error
    }

    /// Size and modification time: a file rewritten or appended to while it is read changes one of
    /// them, and what was read then belongs to neither version.
    struct Stamp: Equatable {
        let size: Int64
        let modifiedSeconds: Int
        let modifiedNanoseconds: Int
        /// A file replaced by another of the same size and time (`cp -p`) is another inode.
        let device: UInt64
        let inode: UInt64
    }

    static func stamp(_ path: String) throws -> Stamp {
        var info = stat()
        guard stat(path, &info) == 0 else {
            // A directory walk decodes names as UTF-8; a name that is not comes back with U+FFFD and cannot be opened.
            if errno == ENOENT, path.contains("\u{FFFD}") {
                throw IngestError.cannotOpen(path: path, reason: "its name is not valid UTF-8 (rename the file)")
            }
            throw IngestError.cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw IngestError.cannotOpen(path: path, reason: "not a regular file")
        }
        #if canImport(Darwin)
        let modified = info.st_mtimespec
        #else
        let modified = info.st_mtim
        #endif
        return Stamp(
            size: Int64(info.st_size), modifiedSeconds: modified.tv_sec, modifiedNanoseconds: modified.tv_nsec,
            device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    }

    /// Reads the file's start, 64 KiB at a time, until its first line with content is whole (or 4 MiB,
    /// the longest line a reader takes), and detects the format from it (and from the rest of the first
    /// 64 KiB, where a JSON object spans lines).
    static func detect(_ path: String) throws -> Format.Detection {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw IngestError.cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var head: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        var endOfFile = false
        var sawContent = false
        while !endOfFile, head.count < LineReader.defaultMaxLineLength {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { throw IngestError.cannotRead(path: path, reason: String(cString: strerror(errno))) }
            endOfFile = count == 0
            head += chunk[..<count]
            // Done once a line break follows some content; each chunk is looked at once.
            for byte in chunk[..<count] {
                if byte == UInt8(ascii: "\n") {
                    if sawContent { return head.withUnsafeBufferPointer { Format.detect(head: $0, endOfFile: false) } }
                } else if !Format.isSpace(byte) {
                    sawContent = true
                }
            }
        }
        return head.withUnsafeBufferPointer { Format.detect(head: $0, endOfFile: endOfFile) }
    }
}

/// Finds the manifest that governs a file: the nearest `manifest.json` in its directory or an
/// ancestor, up to the ingest root. Each directory is looked at once.
struct ManifestFinder {
    private var byDirectory: [String: Manifest] = [:]

    mutating func manifest(for path: String, root: String) throws -> Manifest {
        var isDirectory: ObjCBool = false
        let rootIsDirectory =
            FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory) && isDirectory.boolValue
        let top =
            rootIsDirectory
            ? (root as NSString).standardizingPath
            : ((root as NSString).deletingLastPathComponent as NSString).standardizingPath
        return try manifest(
            inOrAbove: ((path as NSString).deletingLastPathComponent as NSString).standardizingPath, top: top)
    }

    private mutating func manifest(inOrAbove directory: String, top: String) throws -> Manifest {
        if let known = byDirectory[directory] { return known }
        let candidate = (directory as NSString).appendingPathComponent("manifest.json")
        let found: Manifest
        if FileManager.default.fileExists(atPath: candidate) {
            found = try Manifest(contentsOf: candidate)
        } else if directory == top || directory == "/" || directory.isEmpty || directory == "." {
            found = Manifest()
        } else {
            found = try manifest(inOrAbove: (directory as NSString).deletingLastPathComponent, top: top)
        }
        byDirectory[directory] = found
        return found
    }
}
