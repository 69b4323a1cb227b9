import Foundation

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
        "{" + quoted(name) + ":" + quoted(value) + "}"
    }

    /// A string as JSON text, escaped as Foundation's writer escapes it (slashes left as they are).
    static func quoted(_ text: String) -> String {
        var bytes: [UInt8] = [UInt8(ascii: "\"")]
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes += [UInt8(ascii: "\\"), byte]
            case 0x08: bytes += Array(#"\b"#.utf8)
            case 0x0C: bytes += Array(#"\f"#.utf8)
            case 0x0A: bytes += Array(#"\n"#.utf8)
            case 0x0D: bytes += Array(#"\r"#.utf8)
            case 0x09: bytes += Array(#"\t"#.utf8)
            case ..<0x20: bytes += Array(String(format: "\\u%04x", byte).utf8)
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// JSON true/false arrive from `JSONSerialization` as NSNumber whose type code is "c" (char), on
    /// Linux and macOS.
    static func isBool(_ number: NSNumber) -> Bool {
        String(cString: number.objCType) == "c"
    }
}
