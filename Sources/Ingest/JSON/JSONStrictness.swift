/// What Foundation's JSON parser lets through and JSON (RFC 8259) does not: on Linux it accepts a
/// trailing comma (`{"a": 1,}`, `[1,]`), which would make a broken record look whole.
enum JSONStrictness {
    static func hasTrailingComma<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> Bool {
        var strings = JSONStringTracker()
        var afterComma = false
        for byte in bytes {
            switch strings.position(of: byte) {
            case .outside: break
            case .opening:
                afterComma = false
                continue
            case .inside, .escape, .closing: continue
            }
            switch byte {
            case 0x20, 0x09, 0x0A, 0x0D: continue
            case UInt8(ascii: "}"), UInt8(ascii: "]"): if afterComma { return true }
            default: break
            }
            afterComma = byte == UInt8(ascii: ",")
        }
        return false
    }
}
