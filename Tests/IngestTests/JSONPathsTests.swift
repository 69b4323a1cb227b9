import Foundation
import Simulate
import Testing

@testable import Ingest

/// `JSONPaths` (a mapping's record paths found in one walk) against `JSONNode.value(at:)`, the search it
/// replaces, on random records with repeated names, escaped keys, arrays, nulls and paths that lead nowhere.
@Suite struct JSONPathsTests {
    /// Member names: a repeated one, an index-like one, one that is written escaped half of the time.
    private static let names = ["a", "b", "0", "1", "é", "e\u{301}", ""]

    private func value(_ depth: Int, _ random: inout SeededRandom) -> String {
        switch Int.random(in: 0..<(depth < 3 ? 7 : 4), using: &random) {
        case 0: return "null"
        case 1: return "\(Int.random(in: -5...5, using: &random))"
        case 2: return "\"\(Self.names.randomElement(using: &random)!)\""
        case 3: return "true"
        case 4, 5:
            let members = (0..<Int.random(in: 0...4, using: &random)).map { _ in
                let name = Self.names.randomElement(using: &random)!
                let key = name == "é" && Bool.random(using: &random) ? #"\u00e9"# : name
                return "\"\(key)\": \(value(depth + 1, &random))"
            }
            return "{" + members.joined(separator: ", ") + "}"
        default:
            let elements = (0..<Int.random(in: 0...3, using: &random)).map { _ in value(depth + 1, &random) }
            return "[" + elements.joined(separator: ", ") + "]"
        }
    }

    @Test func findsWhatASearchFinds() throws {
        var random = SeededRandom(seed: 11)
        let document = JSONDocument()
        for _ in 0..<300 {
            let paths = (0..<Int.random(in: 1...6, using: &random)).map { _ in
                (0..<Int.random(in: 0...3, using: &random)).map { _ in Self.names.randomElement(using: &random)! }
            }
            let walker = JSONPaths(paths)
            let firstSteps = paths.compactMap(\.first)
            for _ in 0..<20 {
                let text =
                    "{"
                    + (0..<Int.random(in: 0...5, using: &random)).map { _ in
                        "\"\(Self.names.randomElement(using: &random)!)\": \(value(1, &random))"
                    }.joined(separator: ", ") + "}"
                try document.parse(Array(text.utf8))
                let record = document.root
                walker.walk(record)
                for path in paths {
                    #expect(
                        walker.node(walker.number(of: path)!) == record.value(at: path)?.index, "\(path) in \(text)")
                }
                let others = walker.others.map { document.string(document.nodes[Int($0)]) }
                // As the members kept in `extra` were found before: names compared as `stringEquals` does.
                var expected: [String] = []
                record.forEachMember(skipping: firstSteps) { name, _ in expected.append(name) }
                #expect(others == expected, "\(text)")
            }
        }
    }
}
