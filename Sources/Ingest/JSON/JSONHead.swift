/// What the start of a JSON file shows without parsing all of it: whether it opens an object or an
/// array, and the keys of its first object (of the array's first element), as far as the bytes go.
/// Format detection reads it from the file's first 64 KiB; a lambda-perf day is one line of a few
/// hundred kB, and the FaaS Parallelism Benchmark's objects span many lines.
struct JSONHead {
    enum Opening { case object, array }

    let opening: Opening
    /// The first object's own keys (not those of nested objects), in file order.
    private(set) var keys: [String] = []
    /// Whether the first object closes on the line it opens on (one record per line).
    private(set) var closesOnFirstLine = false

    /// nil when the first byte with content opens neither an object nor an array.
    init?(_ bytes: ArraySlice<UInt8>) {
        guard let start = bytes.firstIndex(where: { !Format.isSpace($0) && $0 != UInt8(ascii: "\n") }) else {
            return nil
        }
        switch bytes[start] {
        case UInt8(ascii: "{"): opening = .object
        case UInt8(ascii: "["): opening = .array
        default: return nil
        }
        scan(bytes[start...])
    }

    private mutating func scan(_ bytes: ArraySlice<UInt8>) {
        // Depth of the first object's members: 1 inside `{`, 2 inside `[{`.
        let memberDepth = opening == .object ? 1 : 2
        var depth = 0
        var strings = JSONStringTracker()
        var stringStart = bytes.startIndex
        var lastString: String?
        var lines = 0
        for index in bytes.indices {
            let byte = bytes[index]
            switch strings.position(of: byte) {
            case .outside: break
            case .opening:
                stringStart = index + 1
                continue
            case .closing:
                if depth == memberDepth { lastString = String(decoding: bytes[stringStart..<index], as: UTF8.self) }
                continue
            case .inside, .escape: continue
            }
            switch byte {
            case UInt8(ascii: ":"):
                if let key = lastString { keys.append(key) }
                lastString = nil
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth == memberDepth - 1 {
                    closesOnFirstLine = lines == 0
                    return
                }
            case UInt8(ascii: "\n"):
                lines += 1
            default:
                break
            }
            // A string followed by anything but a colon was a value.
            if byte != UInt8(ascii: "\""), !Format.isSpace(byte), byte != UInt8(ascii: "\n") { lastString = nil }
        }
    }
}
