/// Where a byte of JSON text falls with respect to strings, fed byte by byte, for format detection
/// (`JSONHead`). The splitter (`JSONStream`) tracks strings inline, to skip their text in runs.
struct JSONStringTracker {
    enum Position {
        /// Not in a string.
        case outside
        /// The quote that opens a string.
        case opening
        /// A byte of the string's text.
        case inside
        /// A backslash, or the byte it escapes.
        case escape
        /// The quote that closes the string.
        case closing
    }

    private(set) var inString = false
    private var escaped = false

    mutating func position(of byte: UInt8) -> Position {
        guard inString else {
            guard byte == UInt8(ascii: "\"") else { return .outside }
            inString = true
            return .opening
        }
        if escaped {
            escaped = false
            return .escape
        }
        switch byte {
        case UInt8(ascii: "\\"):
            escaped = true
            return .escape
        case UInt8(ascii: "\""):
            inString = false
            return .closing
        default: return .inside
        }
    }
}
