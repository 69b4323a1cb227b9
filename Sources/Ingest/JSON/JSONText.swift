import Foundation
import Store

/// JSON text with sorted keys, so equal content gives equal bytes in the store.
enum JSONText {
    /// The object as compact JSON, or nil when it is empty.
    static func object(_ dictionary: [String: Any]) -> String? {
        if let flat = flatObject(dictionary) { return flat }
        guard !dictionary.isEmpty,
            let data = try? JSONSerialization.data(
                withJSONObject: dictionary, options: [.sortedKeys, .withoutEscapingSlashes])
        else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// The bytes `JSONSerialization` writes for a flat object whose keys are lowercase ASCII letters and
    /// underscores (where its sorted order, case-insensitive and numeric, is the bytes' order) and whose
    /// values are text, integers, finite numbers or true/false, written directly: its writer cast every
    /// value dynamically, a fifth of reading a mapped CSV. Nil for anything else (and for no members).
    private static func flatObject(_ dictionary: [String: Any]) -> String? {
        guard !dictionary.isEmpty else { return nil }
        var members: [(key: String, value: String)] = []
        members.reserveCapacity(dictionary.count)
        for (key, value) in dictionary {
            guard key.utf8.allSatisfy({ $0 == UInt8(ascii: "_") || (0x61...0x7A).contains($0) }) else { return nil }
            // Exact types: a bridged NSNumber is left to Foundation, which knows a Bool in one.
            switch type(of: value) {
            case is String.Type: members.append((key, JSONString.quoted(value as! String)))
            case is Bool.Type: members.append((key, value as! Bool ? "true" : "false"))
            case is Int.Type: members.append((key, String(value as! Int)))
            case is Double.Type:
                let number = value as! Double
                guard number.isFinite else { return nil }
                var text = number.description
                if text.hasSuffix(".0") { text.removeLast(2) }  // 42.0 as 42, as Foundation writes it
                members.append((key, text))
            default: return nil
            }
        }
        members.sort { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        return "{" + members.map { JSONString.quoted($0.key) + ":" + $0.value }.joined(separator: ",") + "}"
    }

    /// `{"name":"value"}`, the bytes `object(_:)` gives, written directly: Foundation's writer costs
    /// a dynamic cast per value, and lambda-perf names each of its thousands of entries this way.
    static func object(_ name: String, _ value: String) -> String {
        "{" + JSONString.quoted(name) + ":" + JSONString.quoted(value) + "}"
    }

    /// JSON true/false arrive from `JSONSerialization` as NSNumber whose type code is "c" (char), on
    /// Linux and macOS.
    static func isBool(_ number: NSNumber) -> Bool {
        String(cString: number.objCType) == "c"
    }
}
