/// What Foundation's JSON parser lets through and JSON (RFC 8259) does not: on Linux it accepts a
/// trailing comma (`{"a": 1,}`, `[1,]`), which would make a broken record look whole.
enum JSONStrictness {
    static func hasTrailingComma<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> Bool {
        var inString = false
        var escaped = false
        var afterComma = false
        for byte in bytes {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case 0x20, 0x09, 0x0A, 0x0D: continue
            case UInt8(ascii: "}"), UInt8(ascii: "]"): if afterComma { return true }
            case UInt8(ascii: "\""): inString = true
            default: break
            }
            afterComma = byte == UInt8(ascii: ",")
        }
        return false
    }
}
