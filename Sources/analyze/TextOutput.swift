import Foundation

/// Text written to a file or stdout in blocks of 64 KiB: printing millions of metric rows does not build
/// them into one string first.
final class TextOutput {
    private let handle: FileHandle
    private var buffer: [UInt8] = []

    init(_ handle: FileHandle) {
        self.handle = handle
    }

    /// A new (or emptied) file.
    convenience init(creating url: URL) throws {
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
        self.init(try FileHandle(forWritingTo: url))
    }

    func write(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 16 { try flush() }
    }

    func line(_ text: String) throws {
        try write(text)
        try write("\n")
    }

    /// Writes what is buffered; call it when done.
    func flush() throws {
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}
