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
        /// The part's text (empty where a reader parsed a whole line itself, without the splitter).
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
    private var inString = false
    private var escaped = false  // the previous byte was a backslash inside a string
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

    /// Feeds one line; calls `emit` for every part that ends on it. The bytes of a part are copied
    /// from the line in runs, not one by one; the end of the line reads as a newline.
    mutating func feed(_ line: Line, emit: (Part) throws -> Void) throws {
        guard !broken else { return }
        let bytes = line.bytes
        var run = 0  // where the collected part's bytes on this line begin
        var index = 0
        while index <= bytes.count {
            let byte = index < bytes.count ? bytes[index] : 0x0A
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                    if readingKey {
                        readingKey = false
                        currentKey = String(decoding: key, as: UTF8.self)
                    }
                } else if readingKey {
                    key.append(byte)
                } else {
                    // The rest of a string's text up to its next quote or backslash, at once.
                    while index + 1 < bytes.count, bytes[index + 1] != UInt8(ascii: "\""),
                        bytes[index + 1] != UInt8(ascii: "\\")
                    {
                        index += 1
                    }
                }
                index += 1
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
                if isTopObject, expectingKey, !collecting {
                    readingKey = true
                    key.removeAll(keepingCapacity: true)
                } else if !collecting, startsPart {
                    begin(line: line.number, at: index, run: &run)
                }
            case 0x20, 0x09, 0x0A, 0x0D:
                if collecting, open.count == partDepth { try complete(bytes[run..<index], emit: emit) }
            case UInt8(ascii: ","):
                if collecting, open.count == partDepth { try complete(bytes[run..<index], emit: emit) }
                if isTopObject { expectingKey = true }
            case UInt8(ascii: ":"):
                if isTopObject, expectingKey { expectingKey = false }
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                if !collecting, startsPart {
                    if shape == .membersOfTopObject, isTopObject, byte == UInt8(ascii: "[") {
                        open.append(byte)  // an array member: its elements are the parts
                        index += 1
                        continue
                    }
                    begin(line: line.number, at: index, run: &run)
                } else if open.isEmpty, shape == .membersOfTopObject {
                    guard byte == UInt8(ascii: "{") else {
                        try fail(line: line.number, "expected a JSON object at the top level")
                    }
                    expectingKey = true
                }
                open.append(byte)
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if collecting, open.count == partDepth {  // a scalar ends where its container closes
                    try complete(bytes[run..<index], emit: emit)
                }
                guard let last = open.popLast(),
                    last == (byte == UInt8(ascii: "}") ? UInt8(ascii: "{") : UInt8(ascii: "["))
                else {
                    try fail(line: line.number, "'\(Character(UnicodeScalar(byte)))' does not match an open bracket")
                }
                if collecting, open.count == partDepth { try complete(bytes[run...index], emit: emit) }
            default:
                if !collecting, startsPart {
                    begin(line: line.number, at: index, run: &run)
                } else if !collecting, open.isEmpty {
                    try fail(line: line.number, "unexpected '\(Character(UnicodeScalar(byte)))' outside any JSON value")
                }
            }
            index += 1
        }
        if collecting {
            part.append(contentsOf: bytes[run...])
            part.append(0x0A)
            guard part.count <= maxPartLength else {
                try fail(line: partLine, "a JSON record longer than \(maxPartLength >> 20) MiB")
            }
        }
    }

    /// Called after the last line: a value still open means the file was cut short.
    mutating func finish(lastLine: Int, emit: (Part) throws -> Void) throws {
        guard !broken else { return }
        if collecting, !inString, open.count == partDepth {
            return try complete(UnsafeBufferPointer(start: nil, count: 0)[...], emit: emit)  // a scalar at the end
        }
        if collecting || !open.isEmpty || inString {
            throw BrokenStructure(
                line: collecting ? partLine : lastLine,
                reason: "the file ends inside a JSON value (truncated?)")
        }
    }

    /// Nothing open or being collected: the next byte that is not whitespace starts a value.
    var isBetweenValues: Bool { !collecting && open.isEmpty && !inString && !broken }

    private var isTopObject: Bool { shape == .membersOfTopObject && open.count == 1 && open[0] == UInt8(ascii: "{") }

    /// Whether a value starting here is a part.
    private var startsPart: Bool {
        switch shape {
        case .topLevelValues: open.isEmpty
        case .membersOfTopObject:
            (isTopObject && !expectingKey)
                || (open.count == 2 && open[0] == UInt8(ascii: "{") && open[1] == UInt8(ascii: "["))
        }
    }

    private mutating func begin(line: Int, at index: Int, run: inout Int) {
        collecting = true
        part.removeAll(keepingCapacity: true)
        run = index
        partDepth = open.count
        partLine = line
        partIsElement = open.count == 2
    }

    /// Ends the part with the last of its bytes on this line.
    private mutating func complete(_ last: Slice<UnsafeBufferPointer<UInt8>>, emit: (Part) throws -> Void) throws {
        collecting = false
        part.append(contentsOf: last)
        guard part.count <= maxPartLength else {
            try fail(line: partLine, "a JSON record longer than \(maxPartLength >> 20) MiB")
        }
        try emit(
            Part(
                key: shape == .topLevelValues ? nil : currentKey, isElement: partIsElement, bytes: part, line: partLine)
        )
    }

    private mutating func fail(line: Int, _ reason: String) throws -> Never {
        broken = true
        throw BrokenStructure(line: line, reason: reason)
    }
}
