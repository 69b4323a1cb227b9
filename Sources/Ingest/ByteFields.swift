#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The fields of one line, split on a single-byte separator without copying: each field is a range
/// into the line's bytes. Reused from line to line so the hot path allocates nothing for the split.
struct ByteFields {
    private(set) var bytes = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
    private var bounds: [Range<Int>] = []

    var count: Int { bounds.count }

    mutating func split(_ line: UnsafeBufferPointer<UInt8>, separator: UInt8) {
        bytes = line
        bounds.removeAll(keepingCapacity: true)
        var start = 0
        // memchr finds each separator many bytes a step (a loop over the bytes was a fifteenth of
        // parsing a `#` line).
        if let base = line.baseAddress {
            while let found = memchr(base + start, Int32(separator), line.count - start) {
                let end = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                bounds.append(start..<end)
                start = end + 1
            }
        }
        bounds.append(start..<line.count)
    }

    subscript(_ index: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: bytes[bounds[index]])
    }

    func string(_ index: Int) -> String {
        String(decoding: self[index], as: UTF8.self)
    }

    /// The field as text, or nil when it is empty or the probe wrote `None` (a failed probe step).
    func optionalString(_ index: Int) -> String? {
        isAbsent(index) ? nil : String(decoding: self[index], as: UTF8.self)
    }

    /// `optionalString`, through the interner (for values that repeat on many lines).
    func optionalString(_ index: Int, interning interner: inout StringInterner) -> String? {
        isAbsent(index) ? nil : interner.string(self[index])
    }

    private func isAbsent(_ index: Int) -> Bool {
        self[index].isEmpty || ByteNumber.equals(self[index], "None")
    }
}

/// Number parsing straight from bytes, exact: decimals of up to 19 digits take fast paths that are
/// correctly rounded (a mantissa below 2^53 scaled by an exact power of ten, else `EiselLemire`);
/// anything else goes through the standard library's parser.
enum ByteNumber {
    static func equals(_ bytes: UnsafeBufferPointer<UInt8>, _ text: StaticString) -> Bool {
        guard bytes.count == text.utf8CodeUnitCount else { return false }
        let other = UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount)
        return bytes.elementsEqual(other)
    }

    /// Whether the number is negative, and where its digits start (after an optional sign).
    private static func sign(_ bytes: UnsafeBufferPointer<UInt8>) -> (negative: Bool, digits: Int) {
        guard let first = bytes.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") else {
            return (false, 0)
        }
        return (first == UInt8(ascii: "-"), 1)
    }

    static func int(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        let (negative, start) = sign(bytes)
        var i = start
        guard i < bytes.count, bytes.count - i <= 18 else { return nil }
        var value = 0
        while i < bytes.count {
            let digit = Int(bytes[i]) &- 48
            guard digit >= 0, digit <= 9 else { return nil }
            value = value * 10 + digit
            i += 1
        }
        return negative ? -value : value
    }

    /// 10^0 to 10^19, each exact as a double (up to 10^22 would be).
    private static let exactPowersOfTen: [Double] = (0...19).map { pow10($0) }
    private static func pow10(_ n: Int) -> Double { n == 0 ? 1 : 10 * pow10(n - 1) }

    static func double(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        bytes.isEmpty ? nil : exactDouble(bytes) ?? slowDouble(bytes)
    }

    /// The fast paths alone, for up to 19 decimal digits with at most one point (and a sign). Where the
    /// digits make an integer below 2^53, both that integer and the power of ten (at most 10^19) are exact
    /// doubles, so their quotient is rounded once, as a correctly rounding parser rounds the decimal
    /// (Clinger's fast path); else `EiselLemire`. Nil for anything else (more digits, an exponent, no
    /// digits, other bytes) and where `EiselLemire` cannot tell.
    static func exactDouble(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        guard let base = bytes.baseAddress else { return nil }
        let (negative, start) = sign(bytes)
        var byte = base + start
        let end = base + bytes.count
        // Wrapping: past 19 digits the mantissa is garbage, but more than 19 digits are refused below.
        var mantissa: UInt64 = 0
        func readDigits() -> Int {
            let start = byte
            while byte < end, case let digit = byte.pointee &- 48, digit < 10 {
                mantissa = mantissa &* 10 &+ UInt64(digit)
                byte += 1
            }
            return byte - start
        }
        var digits = readDigits()
        var fractionDigits = 0
        if byte < end, byte.pointee == UInt8(ascii: ".") {
            byte += 1
            fractionDigits = readDigits()
            digits += fractionDigits
        }
        guard byte == end, digits > 0, digits <= 19 else { return nil }
        guard mantissa < 1 << 53 else {
            return EiselLemire.double(mantissa: mantissa, exponent: -fractionDigits, negative: negative)
        }
        let value = Double(mantissa) / exactPowersOfTen[fractionDigits]
        return negative ? -value : value
    }

    private static func slowDouble(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        guard let value = Double(String(decoding: bytes, as: UTF8.self)), value.isFinite else { return nil }
        return value
    }
}
