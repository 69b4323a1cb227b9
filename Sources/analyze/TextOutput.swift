import Foundation

/// Text written to a file or stdout in blocks of 64 KiB: printing millions of metric rows does not build
/// them into one string first.
final class TextOutput {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    /// A file's temporary name beside it, and its own name, which it gets when complete.
    private let names: (partial: String, final: String)?
    private var finished = false

    init(_ handle: FileHandle) {
        self.handle = handle
        names = nil
    }

    /// A file written under a temporary name beside `url` and renamed to it by `finish()`: a failure
    /// midway leaves the file that was there (or none), never half of one.
    init(creating url: URL) throws {
        let partial = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).partial")
        guard FileManager.default.createFile(atPath: partial.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: partial.path])
        }
        handle = try FileHandle(forWritingTo: partial)
        names = (partial.path, url.path)
    }

    deinit {
        if !finished, let names {
            try? handle.close()
            unlink(names.partial)
        }
    }

    func write(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 16 { try flush() }
    }

    func line(_ text: String) throws {
        try write(text)
        try write("\n")
    }

    /// Writes what is left and, for a file, closes it and gives it its name.
    func finish() throws {
        try flush()
        guard let names else { return }
        try handle.close()
        guard rename(names.partial, names.final) == 0 else {
            throw CocoaError(
                .fileWriteUnknown,
                userInfo: [
                    NSFilePathErrorKey: names.final, NSLocalizedDescriptionKey: String(cString: strerror(errno)),
                ])
        }
        finished = true
    }

    private func flush() throws {
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}
