import Foundation
import Store

/// One JSON text parsed into a flat list of nodes in document order (a "tape"): a container's node
/// records where its subtree ends, so a reader walks to the members it needs and skips the rest, and
/// only the values it asks for become Swift numbers or strings. Foundation's `JSONSerialization` made
/// a dictionary, an array or a string of every value (a third of a mapped ingest's time) and read
/// long numbers through `Decimal`, off by one unit in the last place (`0.30000000000000004`);
/// here numbers are read correctly rounded (`ByteNumber`'s fast paths, else `strtod`). Strict RFC
/// 8259: no trailing comma, comment, NaN, leading zero or lone surrogate. One document is parsed again
/// for every record, so its storage is reused.
final class JSONDocument {
    enum Kind: UInt8 { case object, array, string, number, `true`, `false`, null }

    struct Node {
        var kind: Kind
        /// A string with an escape sequence (decoded when read), or a number with a fraction or exponent.
        var flag: Bool
        /// The value's bytes; a string's without its quotes.
        var start: Int32
        var end: Int32
        /// For a container, the index of the first node after its subtree: its members (key and value
        /// nodes in turn) or elements lie in between.
        var after: Int32
    }

    /// Containers nested deeper than this are refused (Foundation's limit), so that no input can make
    /// the stack of open containers grow without bound.
    static let maximumDepth = 512

    /// Node storage kept from one record to the next (1 MiB of nodes at most).
    private static let keptCapacity = 1 << 16

    // Read for every value a reader asks for; only `parse` writes them, never while a read is under way
    // (one document per reader thread), so the runtime's access check on each read (a twentieth of a
    // mapped ingest's parsing) buys nothing.
    @exclusivity(unchecked) private(set) var bytes: [UInt8] = []
    @exclusivity(unchecked) private(set) var nodes: [Node] = []
    private var open: [Int32] = []

    /// The top-level value (after a successful `parse`).
    var root: JSONNode { JSONNode(document: self, index: 0) }

    /// Why a text is not one JSON value.
    struct Invalid: Error {
        let reason: String
        /// The text ends before the value does (a truncated record).
        let endsEarly: Bool

        var problem: RecordProblem { RecordProblem("not valid JSON (\(reason))") }
    }

    /// Parses `text`, replacing the previous document.
    func parse(_ text: some Collection<UInt8>) throws(Invalid) {
        guard text.count < Int(Int32.max) else { throw Invalid(reason: "longer than 2 GiB", endsEarly: false) }
        if nodes.capacity > Self.keptCapacity { nodes = [] }  // a huge record does not hold its nodes for the rest
        bytes.removeAll(keepingCapacity: true)
        bytes.append(contentsOf: text)
        nodes.removeAll(keepingCapacity: true)
        open.removeAll(keepingCapacity: true)
        // The parser takes the node storage for the pass (one owner, so appends reuse its capacity).
        var parser = Parser(nodes: nodes, open: open)
        (nodes, open) = ([], [])
        let problem = bytes.withUnsafeBufferPointer { parser.run(on: $0) }
        (nodes, open) = (parser.nodes, parser.open)
        if let problem {
            nodes.removeAll(keepingCapacity: true)  // nothing of a broken text can be read
            throw Invalid(reason: problem, endsEarly: parser.index >= bytes.count)
        }
    }

    /// A string node's text, escapes decoded.
    func string(_ node: Node) -> String {
        guard node.flag else { return String(decoding: bytes[Int(node.start)..<Int(node.end)], as: UTF8.self) }
        var scalars = String.UnicodeScalarView()
        var utf8: [UInt8] = []
        var index = Int(node.start)
        let end = Int(node.end)
        func flush() {
            scalars.append(contentsOf: String(decoding: utf8, as: UTF8.self).unicodeScalars)
            utf8.removeAll(keepingCapacity: true)
        }
        while index < end {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "\\") else {
                utf8.append(byte)
                index += 1
                continue
            }
            let escape = bytes[index + 1]
            index += 2
            switch escape {
            case UInt8(ascii: "b"): utf8.append(0x08)
            case UInt8(ascii: "f"): utf8.append(0x0C)
            case UInt8(ascii: "n"): utf8.append(0x0A)
            case UInt8(ascii: "r"): utf8.append(0x0D)
            case UInt8(ascii: "t"): utf8.append(0x09)
            case UInt8(ascii: "u"):
                var code = hex(at: index)
                index += 4
                if (0xD800..<0xDC00).contains(code) {  // the parser checked that the low half follows
                    code = 0x10000 + ((code - 0xD800) << 10) + (hex(at: index + 2) - 0xDC00)
                    index += 6
                }
                flush()
                scalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
            default: utf8.append(escape)  // `"`, `\` and `/` stand for themselves
            }
        }
        flush()
        return String(scalars)
    }

    /// Whether a string node's text is `name`, without making a string when it has no escape.
    func stringEquals(_ node: Node, _ name: String) -> Bool {
        guard !node.flag else { return string(node) == name }
        let start = Int(node.start)
        let length = Int(node.end) - start
        var name = name
        return name.withUTF8 { utf8 in
            guard utf8.count == length else { return false }
            guard length > 0 else { return true }
            return bytes.withUnsafeBufferPointer { memcmp(utf8.baseAddress!, $0.baseAddress! + start, length) == 0 }
        }
    }

    /// A number node's value, correctly rounded.
    func double(_ node: Node) -> Double {
        bytes.withUnsafeBufferPointer { Self.double($0, Int(node.start)..<Int(node.end)) }
    }

    /// The number written in `range` of `text`: by `ByteNumber`'s exact fast paths where they apply, else by
    /// `strtod` (the C locale: Swift programs never change it); all round correctly.
    static func double(_ text: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Double {
        if let exact = ByteNumber.exactDouble(UnsafeBufferPointer(rebasing: text[range])) { return exact }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: range.count + 1) { copy in
            for offset in 0..<range.count { copy[offset] = CChar(bitPattern: text[range.lowerBound + offset]) }
            copy[range.count] = 0
            return strtod(copy.baseAddress!, nil)
        }
    }

    private func hex(at index: Int) -> UInt32 {
        bytes[index..<index + 4].reduce(0) { $0 << 4 | UInt32(Parser.hexValue($1)!) }
    }
}

/// The parser behind `JSONDocument.parse`: one pass, an explicit stack of open containers.
private struct Parser {
    var nodes: [JSONDocument.Node]
    var open: [Int32]
    private var text = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
    private(set) var index = 0

    init(nodes: [JSONDocument.Node], open: [Int32]) {
        self.nodes = nodes
        self.open = open
    }

    /// Nil when `text` is one JSON value, else what is wrong with it.
    mutating func run(on text: UnsafeBufferPointer<UInt8>) -> String? {
        self.text = text
        var expectingValue = true
        while true {
            skipWhitespace()
            if expectingValue {
                guard index < text.count else { return "the text ends where a value should be" }
                let byte = text[index]
                guard byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") else {
                    if let problem = scalar() { return problem }
                    expectingValue = false
                    continue
                }
                guard open.count < JSONDocument.maximumDepth else {
                    return "nested deeper than \(JSONDocument.maximumDepth) levels"
                }
                let object = byte == UInt8(ascii: "{")
                open.append(Int32(nodes.count))
                append(object ? .object : .array, flag: false, start: index, end: index)
                index += 1
                skipWhitespace()
                if index < text.count, text[index] == (object ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                    index += 1
                    close()
                    expectingValue = false
                } else if object, let problem = key() {
                    return problem
                }
                continue
            }
            guard let top = open.last else {
                return index == text.count ? nil : "more text after the value"
            }
            let object = nodes[Int(top)].kind == .object
            guard index < text.count else { return "the text ends inside an \(object ? "object" : "array")" }
            switch text[index] {
            case UInt8(ascii: ","):
                index += 1
                skipWhitespace()
                if index < text.count, text[index] == UInt8(ascii: "}") || text[index] == UInt8(ascii: "]") {
                    return "a comma before a closing bracket"
                }
                if object, let problem = key() { return problem }
                expectingValue = true
            case UInt8(ascii: "}") where object, UInt8(ascii: "]") where !object:
                index += 1
                close()
            default:
                return "expected ',' or '\(object ? "}" : "]")'"
            }
        }
    }

    private mutating func skipWhitespace() {
        while index < text.count {
            switch text[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    /// An object's key, then its colon.
    private mutating func key() -> String? {
        guard index < text.count else { return "the text ends where a member name should be" }
        guard text[index] == UInt8(ascii: "\"") else { return "expected a member name in quotes" }
        if let problem = string() { return problem }
        skipWhitespace()
        guard index < text.count, text[index] == UInt8(ascii: ":") else {
            return "expected ':' after a member name"
        }
        index += 1
        return nil
    }

    /// The string, literal or number starting at `index`.
    private mutating func scalar() -> String? {
        switch text[index] {
        case UInt8(ascii: "\""): string()
        case UInt8(ascii: "t"): literal("true", .true)
        case UInt8(ascii: "f"): literal("false", .false)
        case UInt8(ascii: "n"): literal("null", .null)
        default: number()
        }
    }

    private mutating func close() {
        let top = Int(open.removeLast())
        nodes[top].end = Int32(index)
        nodes[top].after = Int32(nodes.count)
    }

    private mutating func append(_ kind: JSONDocument.Kind, flag: Bool, start: Int, end: Int) {
        nodes.append(.init(kind: kind, flag: flag, start: Int32(start), end: Int32(end), after: Int32(nodes.count + 1)))
    }

    private mutating func literal(_ word: StaticString, _ kind: JSONDocument.Kind) -> String? {
        let length = word.utf8CodeUnitCount
        let available = min(length, text.count - index)
        guard memcmp(text.baseAddress! + index, word.utf8Start, available) == 0 else {
            return "unexpected '\(Self.shown(text[index]))'"
        }
        guard available == length else {
            index = text.count  // the text ends inside the word
            return "the text ends inside '\(word)'"
        }
        append(kind, flag: false, start: index, end: index + length)
        index += length
        return nil
    }

    private mutating func string() -> String? {
        let start = index + 1
        var escaped = false
        index = start
        while index < text.count {
            let byte = text[index]
            if byte == UInt8(ascii: "\"") {
                append(.string, flag: escaped, start: start, end: index)
                index += 1
                return nil
            }
            if byte < 0x20 { return "a control character inside a string" }
            guard byte == UInt8(ascii: "\\") else {
                index += 1
                continue
            }
            escaped = true
            guard index + 1 < text.count else {
                index = text.count
                break
            }
            switch text[index + 1] {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                index += 2
            case UInt8(ascii: "u"):
                guard let code = hex(at: index + 2) else {
                    if index + 6 > text.count { index = text.count }  // cut short by the end of the text
                    return "a \\u escape without four hex digits"
                }
                index += 6
                if (0xDC00..<0xE000).contains(code) { return "a lone low surrogate (\\u escape)" }
                if (0xD800..<0xDC00).contains(code) {
                    guard index + 1 < text.count, text[index] == UInt8(ascii: "\\"),
                        text[index + 1] == UInt8(ascii: "u"),
                        let low = hex(at: index + 2), (0xDC00..<0xE000).contains(low)
                    else { return "a high surrogate (\\u escape) without its low half" }
                    index += 6
                }
            default:
                return "an unknown escape '\\\(Self.shown(text[index + 1]))'"
            }
        }
        return "the text ends inside a string"
    }

    private func hex(at position: Int) -> UInt32? {
        guard position + 4 <= text.count else { return nil }
        var code: UInt32 = 0
        for offset in 0..<4 {
            guard let digit = Self.hexValue(text[position + offset]) else { return nil }
            code = code << 4 | UInt32(digit)
        }
        return code
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    private mutating func number() -> String? {
        let start = index
        if text[index] == UInt8(ascii: "-") { index += 1 }
        guard index < text.count, Self.isDigit(text[index]) else {
            return index < text.count ? "unexpected '\(Self.shown(text[index]))'" : "a lone '-'"
        }
        if text[index] == UInt8(ascii: "0") {
            index += 1
            if index < text.count, Self.isDigit(text[index]) { return "a number with a leading zero" }
        } else {
            skipDigits()
        }
        var fractional = false
        if index < text.count, text[index] == UInt8(ascii: ".") {
            index += 1
            guard index < text.count, Self.isDigit(text[index]) else { return "no digit after '.'" }
            skipDigits()
            fractional = true
        }
        var exponent = false
        if index < text.count, text[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            if index < text.count, text[index] == UInt8(ascii: "+") || text[index] == UInt8(ascii: "-") { index += 1 }
            guard index < text.count, Self.isDigit(text[index]) else { return "no digit in an exponent" }
            skipDigits()
            exponent = true
        }
        append(.number, flag: fractional || exponent, start: start, end: index)
        // A number too large for a double has no value to store (Foundation refused it too).
        if exponent || index - start > 300, !JSONDocument.double(text, start..<index).isFinite {
            return "the number is too large for a double"
        }
        return nil
    }

    private mutating func skipDigits() {
        while index < text.count, Self.isDigit(text[index]) { index += 1 }
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }

    private static func shown(_ byte: UInt8) -> String {
        (0x21..<0x7F).contains(byte) ? String(UnicodeScalar(byte)) : "byte \(byte)"
    }
}
