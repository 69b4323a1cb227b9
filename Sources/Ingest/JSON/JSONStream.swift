/// Splits JSON text, fed line by line, into its records without parsing them, so that a file of any
/// size is read with memory for one record at a time. Each part keeps the line it starts on, for
/// rejects. Two shapes occur in the public datasets:
///
/// - `.topLevelValues`: a sequence of values at the top level, separated by commas or whitespace
///   (faas-parallelism-benchmark writes `{...},{...},` with a leading blank line and a trailing comma).
/// - `.membersOfTopObject`: one top-level object whose members are the records: a member holding an
///   array is split into its elements (`{"points": [[1], [2]]}` gives `[1]` and `[2]` with key
///   `points`); any other member comes whole (`{"metadata": {...}}`).
struct JSONStream {
    enum Shape { case topLevelValues, membersOfTopObject }

    struct Part {
        /// The top-level member the part belongs to (nil for top-level values).
        let key: String?
        /// True when the part is an element of the member's array, false for a whole member.
        let isElement: Bool
        let bytes: [UInt8]
        let line: Int
    }

    /// The text is not JSON of the expected shape at `line`; the rest of the file cannot be split.
    struct BrokenStructure: Error {
        let line: Int
        let reason: String
    }

    let shape: Shape
    var maxPartLength = LineReader.defaultMaxLineLength

    private var open: [UInt8] = []  // the containers open at this point, `{` or `[`
    private var strings = JSONStringTracker()
    private var expectingKey = false  // inside the top object, before a member's ':'
    private var key: [UInt8] = []
    private var readingKey = false
    private var currentKey: String?
    private var part: [UInt8] = []
    private var collecting = false
    private var partDepth = 0  // `open.count` where the collected value started
    private var partLine = 0
    private var partIsElement = false
    private var broken = false

    init(shape: Shape) {
        self.shape = shape
    }

    /// Feeds one line; calls `emit` for every part that ends on it.
    mutating func feed(_ line: Line, emit: (Part) throws -> Void) throws {
        guard !broken else { return }
        for byte in line.bytes { try consume(byte, line: line.number, emit: emit) }
        try consume(UInt8(ascii: "\n"), line: line.number, emit: emit)
    }

    /// Called after the last line: a value still open means the file was cut short.
    mutating func finish(lastLine: Int, emit: (Part) throws -> Void) throws {
        guard !broken else { return }
        if collecting, !strings.inString, open.count == partDepth {
            return try complete(emit: emit)  // a scalar at the end of the text
        }
        if collecting || !open.isEmpty || strings.inString {
            throw BrokenStructure(
                line: collecting ? partLine : lastLine,
                reason: "the file ends inside a JSON value (truncated?)")
        }
    }

    private mutating func consume(_ byte: UInt8, line: Int, emit: (Part) throws -> Void) throws {
        if collecting {
            part.append(byte)
            guard part.count <= maxPartLength else {
                try fail(line: partLine, "a JSON record longer than \(maxPartLength >> 20) MiB")
            }
        }
        switch strings.position(of: byte) {
        case .outside: break
        case .opening:
            if isTopObject, expectingKey, !collecting {
                readingKey = true
                key.removeAll(keepingCapacity: true)
            } else if !collecting, startsPart {
                begin(byte, line: line)
            }
            return
        case .inside:
            if readingKey { key.append(byte) }
            return
        case .escape: return
        case .closing:
            if readingKey {
                readingKey = false
                currentKey = String(decoding: key, as: UTF8.self)
            }
            return
        }
        switch byte {
        case 0x20, 0x09, 0x0A, 0x0D:
            if collecting, open.count == partDepth {
                part.removeLast()
                try complete(emit: emit)
            }
        case UInt8(ascii: ","):
            if collecting, open.count == partDepth {
                part.removeLast()
                try complete(emit: emit)
            }
            if isTopObject { expectingKey = true }
        case UInt8(ascii: ":"):
            guard isTopObject, expectingKey else { break }
            expectingKey = false
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            if !collecting, startsPart {
                if shape == .membersOfTopObject, isTopObject, byte == UInt8(ascii: "[") {
                    open.append(byte)  // an array member: its elements are the parts
                    return
                }
                begin(byte, line: line)
            } else if open.isEmpty, shape == .membersOfTopObject {
                guard byte == UInt8(ascii: "{") else { try fail(line: line, "expected a JSON object at the top level") }
                expectingKey = true
            }
            open.append(byte)
        case UInt8(ascii: "}"), UInt8(ascii: "]"):
            if collecting, open.count == partDepth {  // a scalar ends where its container closes
                part.removeLast()
                try complete(emit: emit)
            }
            guard let last = open.popLast(), last == (byte == UInt8(ascii: "}") ? UInt8(ascii: "{") : UInt8(ascii: "["))
            else {
                try fail(line: line, "'\(Character(UnicodeScalar(byte)))' does not match an open bracket")
            }
            if collecting, open.count == partDepth { try complete(emit: emit) }
        default:
            if !collecting, startsPart {
                begin(byte, line: line)
            } else if !collecting, open.isEmpty {
                try fail(line: line, "unexpected '\(Character(UnicodeScalar(byte)))' outside any JSON value")
            }
        }
    }

    private var isTopObject: Bool { shape == .membersOfTopObject && open.count == 1 && open[0] == UInt8(ascii: "{") }

    /// Whether a value starting here is a part.
    private var startsPart: Bool {
        switch shape {
        case .topLevelValues: open.isEmpty
        case .membersOfTopObject:
            (isTopObject && !expectingKey) || (open.count == 2 && open == [UInt8(ascii: "{"), UInt8(ascii: "[")])
        }
    }

    private mutating func begin(_ byte: UInt8, line: Int) {
        collecting = true
        part = [byte]
        partDepth = open.count
        partLine = line
        partIsElement = open.count == 2
    }

    private mutating func complete(emit: (Part) throws -> Void) throws {
        collecting = false
        let finished = Part(
            key: shape == .topLevelValues ? nil : currentKey, isElement: partIsElement, bytes: part, line: partLine)
        part = []
        try emit(finished)
    }

    private mutating func fail(line: Int, _ reason: String) throws -> Never {
        broken = true
        throw BrokenStructure(line: line, reason: reason)
    }
}
