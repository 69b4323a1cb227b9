import Foundation

/// The key or index an `explode` wildcard matched.
enum ExplodeKey: Equatable {
    case index(Int)
    case name(String)

    /// As a field's value.
    var constant: Mapping.Constant {
        switch self {
        case .index(let index): .number(Double(index))
        case .name(let name): .text(name)
        }
    }
}

/// A value a field reads from its source record.
enum SourceValue {
    case scalar(Mapping.Constant)
    /// An object or array: no field's value, but `v()` hands it to SQLite as JSON text.
    case structure(JSONNode)

    /// Nil for null.
    init?(_ node: JSONNode) {
        if let scalar = node.scalar {
            self = .scalar(scalar)
        } else if node.kind == .object || node.kind == .array {
            self = .structure(node)
        } else {
            return nil
        }
    }
}

/// One source record as a mapping's fields see it.
protocol MappedSource {
    /// The value at a path; `number` is the path's in `JSONPaths`, where it has one.
    func value(at path: [String], number: Int?) -> SourceValue?
    /// A value of the source object an exploded record came from.
    func rootValue(at path: [String]) -> SourceValue?
    /// The key the n-th `explode` wildcard matched, from 1.
    func key(_ number: Int) -> ExplodeKey?
    /// The record's own members no field reads (for `extra`).
    func unmapped() -> [String: Any]
}

/// A JSON record: the object itself, or an element `explode` reached inside it.
struct JSONSource: MappedSource {
    let record: JSONNode
    let root: JSONNode
    let keys: [ExplodeKey]
    /// The mapping's paths, walked in `record`.
    let paths: JSONPaths

    func value(at path: [String], number: Int?) -> SourceValue? {
        guard let number else { return record.value(at: path).flatMap(SourceValue.init) }
        return paths.value(number, in: record.document)
    }

    func rootValue(at path: [String]) -> SourceValue? { root.value(at: path).flatMap(SourceValue.init) }
    func key(_ number: Int) -> ExplodeKey? { keys.indices.contains(number - 1) ? keys[number - 1] : nil }

    func unmapped() -> [String: Any] {
        var unmapped: [String: Any] = [:]
        for key in paths.others {
            let name = record.document.nodes[Int(key)]
            unmapped[record.document.string(name)] =
                JSONNode(document: record.document, index: Int(key) + 1)
                .foundationObject
        }
        return unmapped
    }
}

/// A CSV row: cells by column name (empty cells left out).
struct CSVSource: MappedSource {
    let row: [String: String]
    /// The columns fields read.
    let used: [String]

    func value(at path: [String], number: Int?) -> SourceValue? {
        path.count == 1 ? row[path[0]].map { .scalar(.text($0)) } : nil
    }
    func rootValue(at path: [String]) -> SourceValue? { value(at: path, number: nil) }
    func key(_ number: Int) -> ExplodeKey? { nil }
    func unmapped() -> [String: Any] { row.filter { !used.contains($0.key) } }
}
