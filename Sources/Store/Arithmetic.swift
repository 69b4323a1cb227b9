import Foundation

/// The arithmetic part of the mapping expressions' language, computed without a trip through SQLite:
/// `+ - * /`, parentheses, unary signs, number literals and `v('path')`, where every operator has a
/// `v()` on at least one side. With every `v()` a number (REAL to SQLite), each operation is then one
/// IEEE double operation, which is what SQLite's REAL arithmetic does; literals take the value SQLite
/// gives them. A value that is not a number, a division by zero or a result that is not finite is left
/// to SQLite (`evaluate` gives nil), which stays the language's definition (tested against it).
struct Arithmetic {
    indirect enum Node {
        case value(path: Int)
        /// A number literal; `integer` for SQLite's INTEGER (negated as an integer: `-0` is 0).
        case literal(Double, integer: Bool)
        /// A unary minus: SQLite negates a literal itself and computes `0 - x` for anything else.
        case negate(Node)
        /// A unary plus: the operand itself, but no longer a literal to a minus above it (`-+0.0` is 0).
        case plus(Node)
        case binary(Operator, Node, Node)

        var readsValue: Bool {
            switch self {
            case .value: true
            case .literal: false
            case .negate(let node), .plus(let node): node.readsValue
            case .binary(_, let left, let right): left.readsValue || right.readsValue
            }
        }
    }

    enum Operator { case add, subtract, multiply, divide }

    let root: Node

    /// Nil when `text` is not in the subset. `literal` gives a number literal's value as SQLite reads it
    /// (and whether it is an INTEGER), `number` a path's number.
    init?(
        _ text: String, literal: @escaping (String) -> (Double, integer: Bool)?, number: @escaping (String) -> Int?
    ) {
        // A comment (`--` to the end of the line, `/*`) would hide text from SQLite, not from this parser.
        guard !text.contains("--"), !text.contains("/*") else { return nil }
        var parser = Parser(bytes: Array(text.utf8), literal: literal, number: number)
        guard let root = parser.expression(), parser.atEnd, root.readsValue else { return nil }
        self.root = root
    }

    /// The expression's value, given each path's number; nil where SQLite must decide.
    func evaluate(_ value: (Int) -> Double?) -> Double? {
        guard let result = Self.evaluate(root, value), result.isFinite else { return nil }
        return result
    }

    private static func evaluate(_ node: Node, _ value: (Int) -> Double?) -> Double? {
        switch node {
        case .value(let path): return value(path)
        case .literal(let number, _): return number
        case .negate(.literal(let number, let integer)): return integer ? 0 - number : -number
        case .negate(let node): return evaluate(node, value).map { 0 - $0 }
        case .plus(let node): return evaluate(node, value)
        case .binary(let operation, let left, let right):
            guard let left = evaluate(left, value), let right = evaluate(right, value) else { return nil }
            switch operation {
            case .add: return left + right
            case .subtract: return left - right
            case .multiply: return left * right
            case .divide: return right == 0 ? nil : left / right  // NULL in SQLite: its call
            }
        }
    }

    /// Recursive descent over the bytes; anything outside the subset (a comment, another function, a
    /// hex literal, an upper-case `V`) makes the expression SQLite's alone.
    private struct Parser {
        let bytes: [UInt8]
        let literal: (String) -> (Double, integer: Bool)?
        let number: (String) -> Int?
        var index = 0

        var atEnd: Bool {
            mutating get {
                skipSpace()
                return index == bytes.count
            }
        }

        mutating func expression() -> Node? {
            chain([UInt8(ascii: "+"): .add, UInt8(ascii: "-"): .subtract]) { $0.term() }
        }

        private mutating func term() -> Node? {
            chain([UInt8(ascii: "*"): .multiply, UInt8(ascii: "/"): .divide]) { $0.unary() }
        }

        /// Operands joined left to right by operators of one precedence; each operation must read a value.
        private mutating func chain(_ operators: [UInt8: Operator], operand: (inout Parser) -> Node?) -> Node? {
            guard var node = operand(&self) else { return nil }
            while let operation = next(operators) {
                guard let right = operand(&self), node.readsValue || right.readsValue else { return nil }
                node = .binary(operation, node, right)
            }
            return node
        }

        private mutating func unary() -> Node? {
            skipSpace()
            guard index < bytes.count else { return nil }
            switch bytes[index] {
            case UInt8(ascii: "-"):
                index += 1
                return unary().map(Node.negate)
            case UInt8(ascii: "+"):
                index += 1
                return unary().map(Node.plus)
            case UInt8(ascii: "("):
                index += 1
                guard let node = expression(), take(")") else { return nil }
                return node
            case UInt8(ascii: "v"):
                index += 1
                guard take("("), let path = quoted(), take(")"), let number = number(path) else { return nil }
                return .value(path: number)
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."):
                let start = index
                index += 1
                while index < bytes.count, Self.isNumberByte(bytes[index], after: bytes[index - 1]) { index += 1 }
                let text = String(decoding: bytes[start..<index], as: UTF8.self)
                guard !text.hasPrefix("0x"), !text.hasPrefix("0X"), let (value, integer) = literal(text) else {
                    return nil
                }
                return .literal(value, integer: integer)
            default:
                return nil
            }
        }

        /// Digits, a point, an exponent and its sign (`1e-3`); the literal is then checked by SQLite.
        private static func isNumberByte(_ byte: UInt8, after previous: UInt8) -> Bool {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"),
                UInt8(ascii: "x"), UInt8(ascii: "X"), UInt8(ascii: "_"):
                true
            case UInt8(ascii: "+"), UInt8(ascii: "-"): previous | 0x20 == UInt8(ascii: "e")
            default: byte >= 0x80 || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z"))
            }
        }

        /// A string literal's text (`''` stands for `'`).
        private mutating func quoted() -> String? {
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "'") else { return nil }
            var text: [UInt8] = []
            index += 1
            while index < bytes.count {
                if bytes[index] == UInt8(ascii: "'") {
                    guard index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "'") else {
                        index += 1
                        return String(decoding: text, as: UTF8.self)
                    }
                    index += 1
                }
                text.append(bytes[index])
                index += 1
            }
            return nil
        }

        private mutating func next(_ operators: [UInt8: Operator]) -> Operator? {
            skipSpace()
            guard index < bytes.count, let operation = operators[bytes[index]] else { return nil }
            index += 1
            return operation
        }

        private mutating func take(_ character: Unicode.Scalar) -> Bool {
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: character) else { return false }
            index += 1
            return true
        }

        private mutating func skipSpace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D, 0x0C].contains(bytes[index]) { index += 1 }
        }
    }
}
