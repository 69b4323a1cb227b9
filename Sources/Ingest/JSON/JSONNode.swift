import Foundation
import Store

/// A value inside a `JSONDocument`, as the readers walk it; valid until the document parses its next
/// text. Values become Swift numbers and strings only when asked for.
struct JSONNode {
    let document: JSONDocument
    let index: Int

    private var node: JSONDocument.Node { document.nodes[index] }

    var kind: JSONDocument.Kind { node.kind }

    /// The first node after this value's subtree.
    private var next: Int { Int(node.after) }

    /// An object's member (the last of that name where a name repeats, as a dictionary keeps it).
    subscript(name: String) -> JSONNode? {
        guard kind == .object else { return nil }
        var found: Int?
        var key = index + 1
        while key < next {
            if document.stringEquals(document.nodes[key], name) { found = key + 1 }
            key = Int(document.nodes[key + 1].after)
        }
        return found.map { JSONNode(document: document, index: $0) }
    }

    /// An array's element.
    subscript(position: Int) -> JSONNode? {
        guard kind == .array, position >= 0 else { return nil }
        var element = index + 1
        var left = position
        while left > 0, element < next {
            element = Int(document.nodes[element].after)
            left -= 1
        }
        return element < next ? JSONNode(document: document, index: element) : nil
    }

    /// An array's elements in order (none for other values).
    var elements: [JSONNode] {
        guard kind == .array else { return [] }
        var elements: [JSONNode] = []
        var element = index + 1
        while element < next {
            elements.append(JSONNode(document: document, index: element))
            element = Int(document.nodes[element].after)
        }
        return elements
    }

    /// An object's members in the order written (none for other values).
    var members: [(name: String, value: JSONNode)] {
        var members: [(name: String, value: JSONNode)] = []
        forEachMember { members.append(($0, $1)) }
        return members
    }

    /// Calls `body` with each of an object's members in the order written, the name as its node (never made
    /// a Swift string unless the caller asks the document for it).
    func forEachMemberNode<E: Error>(_ body: (JSONDocument.Node, JSONNode) throws(E) -> Void) throws(E) {
        guard kind == .object else { return }
        var key = index + 1
        while key < next {
            try body(document.nodes[key], JSONNode(document: document, index: key + 1))
            key = Int(document.nodes[key + 1].after)
        }
    }

    /// Calls `body` with each of an object's members in the order written, but those named in `skipped`
    /// (compared as bytes, so that their names never become Swift strings).
    func forEachMember(skipping skipped: [String] = [], _ body: (String, JSONNode) throws -> Void) rethrows {
        guard kind == .object else { return }
        var key = index + 1
        while key < next {
            let name = document.nodes[key]
            if !skipped.contains(where: { document.stringEquals(name, $0) }) {
                try body(document.string(name), JSONNode(document: document, index: key + 1))
            }
            key = Int(document.nodes[key + 1].after)
        }
    }

    /// The value at a path of object keys and array indices (`["func_data", "uptime"]`, `["points", "0"]`);
    /// nil where the path leads nowhere or to null.
    func value(at path: [String]) -> JSONNode? {
        var current = self
        for step in path {
            if let member = current[step] {
                current = member
            } else if current.kind == .array, let position = Int(step), let element = current[position] {
                current = element
            } else {
                return nil
            }
        }
        return current.kind == .null ? nil : current
    }

    /// A string's text.
    var string: String? { kind == .string ? document.string(node) : nil }

    /// A number, or a string holding one (several probes write numbers as strings); never true/false.
    /// Infinity from a string is kept, so that the record is rejected by the range check, not stored
    /// without the field.
    var number: Double? {
        switch kind {
        case .number: document.double(node)
        case .string: Double(document.string(node).trimmingWhitespace()).flatMap { $0.isNaN ? nil : $0 }
        default: nil
        }
    }

    /// A string, or a number or true/false written as text (`512`, not `512.0`).
    var text: String? {
        switch kind {
        case .string: document.string(node)
        case .number: Bounded.text(document.double(node))
        case .true: "true"
        case .false: "false"
        default: nil
        }
    }

    /// A string, number or true/false; nil for null, objects and arrays.
    var scalar: Mapping.Constant? { Self.scalar(node, in: document) }

    /// `scalar` of a node of `document`, for readers that hold the node itself.
    static func scalar(_ node: JSONDocument.Node, in document: JSONDocument) -> Mapping.Constant? {
        switch node.kind {
        case .string: .text(document.string(node))
        case .number: .number(document.double(node))
        case .true: .bool(true)
        case .false: .bool(false)
        default: nil
        }
    }

    /// The value as Foundation's JSON objects, for `extra` (`JSONText`): an integer written without
    /// fraction or exponent stays an integer.
    var foundationObject: Any {
        switch kind {
        case .object: Dictionary(members.map { ($0.name, $0.value.foundationObject) }, uniquingKeysWith: { $1 })
        case .array: elements.map(\.foundationObject)
        case .string: document.string(node)
        case .number:
            if !node.flag,
                let integer = Int(String(decoding: document.bytes[Int(node.start)..<Int(node.end)], as: UTF8.self))
            {
                integer
            } else {
                document.double(node)
            }
        case .true: true
        case .false: false
        case .null: NSNull()
        }
    }
}
