#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One line of a file, without its line terminator (`\n` or `\r\n`) and, on line 1, without a
/// UTF-8 byte order mark. The bytes are valid only during the callback.
public struct Line {
    public let number: Int
    public let bytes: UnsafeBufferPointer<UInt8>
    /// The file ended without a newline after this line (it may be truncated).
    public let unterminated: Bool
}

public enum LineEvent {
    case line(Line)
    /// A line longer than the reader's limit; its bytes were skipped without being held in memory.
    case tooLong(number: Int, length: Int)
}

/// Reads a file in fixed chunks and hands out its lines, so memory stays flat whatever the file's
/// size (one chunk plus the longest line up to `maxLineLength`).
public struct LineReader {
    public static let defaultMaxLineLength = 4 << 20

    public let path: String
    public var chunkSize = 1 << 20
    public var maxLineLength = LineReader.defaultMaxLineLength

    public init(path: String) {
        self.path = path
    }

    /// Calls `onChunk` with every block of bytes read (in order, for hashing) and `body` with every
    /// line or over-long line.
    public func forEach(
        onChunk: (UnsafeRawBufferPointer) -> Void = { _ in },
        _ body: (LineEvent) throws -> Void
    ) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw IngestError.cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }

        // A small file gets a buffer of its size, not a large file's 2 MB zeroed each time (a folder of
        // lambda-perf's 35 KB days spent 6% of its ingest clearing them).
        var info = stat()
        let size = fstat(fd, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG ? Int(info.st_size) : Int.max
        let chunkSize = size < self.chunkSize ? min(self.chunkSize, max(4096, size + 1)) : self.chunkSize
        var buffer = [UInt8](repeating: 0, count: max(chunkSize, 4096) * 2)
        var start = 0
        var end = 0  // unconsumed bytes are buffer[start..<end]
        var lineNumber = 0
        var skipping: Int?  // length so far of an over-long line being skipped

        func emit(_ base: UnsafeMutablePointer<UInt8>, _ from: Int, _ to: Int, unterminated: Bool) throws {
            lineNumber += 1
            var lower = from
            var upper = to
            if upper > lower, base[upper - 1] == UInt8(ascii: "\r") { upper -= 1 }
            if lineNumber == 1, upper - lower >= 3, base[lower] == 0xEF, base[lower + 1] == 0xBB,
                base[lower + 2] == 0xBF
            {
                lower += 3
            }
            try body(
                .line(
                    Line(
                        number: lineNumber, bytes: UnsafeBufferPointer(start: base + lower, count: upper - lower),
                        unterminated: unterminated)))
        }

        while true {
            if start > 0, start == end {
                start = 0
                end = 0
            }
            if buffer.count - end < chunkSize {
                if start > 0 {  // move the partial line to the front
                    buffer.withUnsafeMutableBufferPointer { p in
                        _ = memmove(p.baseAddress!, p.baseAddress! + start, end - start)
                    }
                    end -= start
                    start = 0
                }
                if buffer.count - end < chunkSize { buffer.append(contentsOf: repeatElement(0, count: buffer.count)) }
            }
            let count = buffer.withUnsafeMutableBytes { p in read(fd, p.baseAddress! + end, chunkSize) }
            if count < 0 {
                if errno == EINTR { continue }
                throw IngestError.cannotRead(path: path, reason: String(cString: strerror(errno)))
            }
            if count == 0 { break }
            buffer.withUnsafeBytes { p in onChunk(UnsafeRawBufferPointer(rebasing: p[end..<end + count])) }
            let scanFrom = end
            end += count

            try buffer.withUnsafeMutableBufferPointer { p in
                let base = p.baseAddress!
                var cursor = scanFrom
                while cursor < end, let hit = memchr(base + cursor, Int32(UInt8(ascii: "\n")), end - cursor) {
                    let newline = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                    if skipping != nil || newline - start > maxLineLength {
                        lineNumber += 1
                        try body(.tooLong(number: lineNumber, length: (skipping ?? 0) + newline - start))
                        skipping = nil
                    } else {
                        try emit(base, start, newline, unterminated: false)
                    }
                    start = newline + 1
                    cursor = start
                }
            }
            let pending = end - start
            if skipping != nil || pending > maxLineLength {
                skipping = (skipping ?? 0) + pending
                start = 0
                end = 0
            }
        }
        if let skipped = skipping {
            lineNumber += 1
            try body(.tooLong(number: lineNumber, length: skipped + end - start))
        } else if end > start {
            try buffer.withUnsafeMutableBufferPointer { p in
                try emit(p.baseAddress!, start, end, unterminated: true)
            }
        }
    }
}
