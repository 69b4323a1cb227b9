import Foundation

/// The key or index an `explode` wildcard matched.
enum ExplodeKey: Equatable {
    case index(Int)
    case name(String)

    /// As a JSON scalar (Foundation's), for a field's value.
    var json: Any {
        switch self {
        case .index(let index): index
        case .name(let name): name
        }
    }
}

/// One source record as a mapping's fields see it.
protocol MappedSource {
    func value(at path: [String]) -> Any?
    /// A value of the source object an exploded record came from.
    func rootValue(at path: [String]) -> Any?
    /// The key the n-th `explode` wildcard matched, from 1.
    func key(_ number: Int) -> ExplodeKey?
    /// The record's own members no field reads (for `extra`).
    func unmapped(besides used: Set<String>) -> [String: Any]
}

/// A JSON record: the object itself, or an element `explode` reached inside it.
struct JSONSource: MappedSource {
    let record: Any
    let root: [String: Any]
    let keys: [ExplodeKey]

    func value(at path: [String]) -> Any? { JSONValue.value(at: path, in: record) }
    func rootValue(at path: [String]) -> Any? { JSONValue.value(at: path, in: root) }
    func key(_ number: Int) -> ExplodeKey? { keys.indices.contains(number - 1) ? keys[number - 1] : nil }

    func unmapped(besides used: Set<String>) -> [String: Any] {
        (record as? [String: Any])?.filter { !used.contains($0.key) } ?? [:]
    }
}

/// A CSV row: cells by column name (empty cells left out).
struct CSVSource: MappedSource {
    let row: [String: String]

    func value(at path: [String]) -> Any? { path.count == 1 ? row[path[0]] : nil }
    func rootValue(at path: [String]) -> Any? { value(at: path) }
    func key(_ number: Int) -> ExplodeKey? { nil }
    func unmapped(besides used: Set<String>) -> [String: Any] { row.filter { !used.contains($0.key) } }
}
