import Foundation
import Store

/// JSON text with sorted keys, so equal content gives equal bytes in the store.
enum JSONText {
    /// The object as compact JSON, or nil when it is empty.
    static func object(_ dictionary: [String: Any]) -> String? {
        guard !dictionary.isEmpty,
            let data = try? JSONSerialization.data(
                withJSONObject: dictionary, options: [.sortedKeys, .withoutEscapingSlashes])
        else { return nil }
        return String(decoding: data, as: UTF8.self)
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
