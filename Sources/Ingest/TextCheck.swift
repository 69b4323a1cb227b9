import Store

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Checks that a record is text before any field of it is parsed: binary garbage is rejected with
/// a reason instead of being stored as mangled strings.
enum TextCheck {
    /// Why the bytes are not a line of UTF-8 text, or nil when they are.
    static func problem(in bytes: UnsafeBufferPointer<UInt8>) -> String? {
        // memchr and an OR of every byte run many bytes a step: a loop testing each byte for both was
        // a fifteenth of parsing a `#` line.
        if let start = bytes.baseAddress, memchr(start, 0, bytes.count) != nil {
            return "binary data (NUL byte), not a text record"
        }
        if bytes.reduce(0, |) >= 0x80, String(validating: bytes, as: UTF8.self) == nil {
            return "binary data (invalid UTF-8), not a text record"
        }
        return nil
    }

    /// The bytes as text for a reject's `raw` column: control bytes shown as `?`, invalid UTF-8 as U+FFFD.
    static func printable(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        let prefix = bytes.prefix(FileSink.rawLimit)
        return String(decoding: prefix.map { $0 < 0x20 && $0 != 0x09 ? 0x3F : $0 }, as: UTF8.self)
    }
}
