import Foundation

/// The paths a mapping reads from each JSON record (its fields' and its `v('...')` literals'), found in
/// one walk of the record: the paths share their steps as a tree, and each object on the way is walked
/// once with its keys compared as bytes, instead of a search from the top for every path (and every
/// `v()` call) of every record. Finds what `JSONNode.value(at:)` finds: the last member of a repeated
/// name, an array element where a step is an index, nothing for null.
final class JSONPaths {
    private struct Step {
        let name: String
        /// The name's bytes in `names`.
        let bytes: Range<Int>
        /// The element a step names in an array (`points.0`).
        let position: Int?
        /// The steps that follow, in `children`.
        var children: Range<Int> = 0..<0
        /// The number of the path that ends here, -1 for none.
        var path = -1
    }

    /// The tree of steps; the first is the record itself.
    private let steps: [Step]
    private let children: [Int]
    private let names: [UInt8]
    /// Paths by their steps' bytes: Swift's `==` takes two spellings of `é` as one name, the walk (as
    /// `value(at:)` for a key without escapes) does not.
    private let numbers: [[[UInt8]]: Int]
    /// Per walk: the node each path leads to, -1 for none (absent, or null); and the value node each
    /// step reached in its object or array. Pointers, so that a walk writes them without access checks.
    private let found: UnsafeMutablePointer<Int32>
    private let reached: UnsafeMutablePointer<Int32>
    /// Per walk: each path's number once parsed, NaN before (a number a field and a `v()` call both read is
    /// parsed once; JSON has no NaN).
    private let parsed: UnsafeMutablePointer<Double>
    /// The order in which the last record's members met the steps, kept from walk to walk, since records
    /// of a file mostly write their members in one order: by step, the position in `children` of the
    /// first step its object's members met; by position in `children`, the one met after it (-1: none).
    /// A walk tries the predicted step first (for a key without escapes), then searches.
    private let firstMet: UnsafeMutablePointer<Int32>
    private let metNext: UnsafeMutablePointer<Int32>
    /// Per walk: the key nodes of the record's members no path starts with. (Used by the one thread that
    /// reads the file, on every record: no runtime access checks.)
    @exclusivity(unchecked) private(set) var others: [Int32] = []

    init(_ paths: [[String]]) {
        var tree: [(name: String, path: Int, children: [Int])] = [("", -1, [])]
        var numbers: [[[UInt8]]: Int] = [:]
        for path in paths where numbers[Self.key(path)] == nil {
            var step = 0
            for name in path {
                if let child = tree[step].children.first(where: { tree[$0].name.utf8.elementsEqual(name.utf8) }) {
                    step = child
                } else {
                    tree.append((name, -1, []))
                    tree[step].children.append(tree.count - 1)
                    step = tree.count - 1
                }
            }
            numbers[Self.key(path)] = numbers.count
            tree[step].path = numbers.count - 1
        }
        var steps: [Step] = []
        var names: [UInt8] = []
        var children: [Int] = []
        for (name, path, next) in tree {
            var step = Step(
                name: name, bytes: names.count..<names.count + name.utf8.count,
                position: Int(name).flatMap { $0 >= 0 ? $0 : nil })
            step.children = children.count..<children.count + next.count
            step.path = path
            names += name.utf8
            children += next
            steps.append(step)
        }
        (self.steps, self.names, self.children, self.numbers) = (steps, names, children, numbers)
        found = .allocate(capacity: max(numbers.count, 1))
        reached = .allocate(capacity: steps.count)
        reached.initialize(repeating: -1, count: steps.count)
        parsed = .allocate(capacity: max(numbers.count, 1))
        parsed.initialize(repeating: .nan, count: max(numbers.count, 1))
        firstMet = .allocate(capacity: steps.count)
        firstMet.initialize(repeating: -1, count: steps.count)
        metNext = .allocate(capacity: max(children.count, 1))
        metNext.initialize(repeating: -1, count: max(children.count, 1))
    }

    deinit {
        found.deallocate()
        reached.deallocate()
        parsed.deallocate()
        firstMet.deallocate()
        metNext.deallocate()
    }

    /// The number of a path given to `init`.
    func number(of path: [String]) -> Int? { numbers[Self.key(path)] }

    private static func key(_ path: [String]) -> [[UInt8]] { path.map { Array($0.utf8) } }

    /// The node path `number` leads to in the record last walked; nil for none or null.
    func node(_ number: Int) -> Int? { found[number] < 0 ? nil : Int(found[number]) }

    /// The value path `number` leads to in the record last walked, of `document`; nil for none or null.
    /// (Read from the node itself: a `JSONNode` made for each would count references to the document.)
    func value(_ number: Int, in document: JSONDocument) -> SourceValue? {
        guard let index = node(number) else { return nil }
        let node = document.nodes[index]
        if node.kind == .number {
            if parsed[number].isNaN { parsed[number] = document.double(node) }
            return .scalar(.number(parsed[number]))
        }
        if let scalar = JSONNode.scalar(node, in: document) { return .scalar(scalar) }
        return SourceValue(JSONNode(document: document, index: index))
    }

    /// Walks `record`, setting what `node(_:)`, `value(_:in:)` and `others` give.
    func walk(_ record: JSONNode) {
        found.update(repeating: -1, count: numbers.count)
        parsed.update(repeating: .nan, count: numbers.count)
        var others = self.others
        self.others = []
        others.removeAll(keepingCapacity: true)
        let document = record.document
        document.nodes.withUnsafeBufferPointer { nodes in
            document.bytes.withUnsafeBufferPointer { bytes in
                steps.withUnsafeBufferPointer { steps in
                    children.withUnsafeBufferPointer { children in
                        names.withUnsafeBufferPointer { names in
                            var walk = Walk(
                                nodes: nodes, bytes: bytes, steps: steps, children: children, names: names,
                                document: document, found: found, reached: reached, firstMet: firstMet,
                                metNext: metNext, others: others)
                            others = []
                            walk.visit(0, at: record.index)
                            others = walk.others
                        }
                    }
                }
            }
        }
        self.others = others
    }

    /// One walk's state, all local (no access checks on the class's storage on the way).
    private struct Walk {
        let nodes: UnsafeBufferPointer<JSONDocument.Node>
        let bytes: UnsafeBufferPointer<UInt8>
        let steps: UnsafeBufferPointer<Step>
        let children: UnsafeBufferPointer<Int>
        let names: UnsafeBufferPointer<UInt8>
        let document: JSONDocument
        let found: UnsafeMutablePointer<Int32>
        let reached: UnsafeMutablePointer<Int32>
        let firstMet: UnsafeMutablePointer<Int32>
        let metNext: UnsafeMutablePointer<Int32>
        var others: [Int32]

        mutating func visit(_ step: Int, at index: Int) {
            let node = nodes[index]
            if steps[step].path >= 0, node.kind != .null { found[steps[step].path] = Int32(index) }
            let next = steps[step].children
            switch node.kind {
            case .object:
                var key = index + 1
                var predicted = Int(firstMet[step])
                var previous = -1
                while key < Int(node.after) {
                    // A key with escapes is compared as Swift strings, which may find it equal to two steps:
                    // then the first in order, as always, not the predicted one.
                    let child =
                        !nodes[key].flag && next.contains(predicted) && equal(nodes[key], children[predicted])
                        ? predicted : next.first(where: { equal(nodes[key], children[$0]) })
                    if let child {
                        reached[children[child]] = Int32(key + 1)  // a later member of the name replaces it
                        if previous < 0 { firstMet[step] = Int32(child) } else { metNext[previous] = Int32(child) }
                        previous = child
                        predicted = Int(metNext[child])
                    } else if step == 0 {
                        others.append(Int32(key))
                    }
                    key = Int(nodes[key + 1].after)
                }
            case .array:
                for child in next {
                    guard let position = steps[children[child]].position else { continue }
                    var element = index + 1
                    var left = position
                    while left > 0, element < Int(node.after) {
                        element = Int(nodes[element].after)
                        left -= 1
                    }
                    if element < Int(node.after) { reached[children[child]] = Int32(element) }
                }
            default: return
            }
            for child in next where reached[children[child]] >= 0 {
                let value = Int(reached[children[child]])
                reached[children[child]] = -1
                visit(children[child], at: value)
            }
        }

        /// Whether a key is a step's name: bytes compared where the key has no escape, as `stringEquals` does.
        /// (The step by index: a copy of it would retain its name.)
        private func equal(_ key: JSONDocument.Node, _ step: Int) -> Bool {
            guard !key.flag else { return document.string(key) == steps[step].name }
            let name = steps[step].bytes
            let length = Int(key.end - key.start)
            guard length == name.count else { return false }
            return length == 0
                || memcmp(names.baseAddress! + name.lowerBound, bytes.baseAddress! + Int(key.start), length) == 0
        }
    }
}
