import Foundation

/// Text of the simulated logs built as bytes: the logs run to millions of lines, and Foundation's
/// `String(format:)` was three quarters of the simulator's time.
enum TextBytes {
    private static let hexDigits = Array("0123456789abcdef".utf8)

    static func appendInteger(_ value: Int, to buffer: inout [UInt8]) {
        if value < 0 {
            buffer.append(0x2D)
            appendInteger(-value, to: &buffer)
            return
        }
        if value >= 10 { appendInteger(value / 10, to: &buffer) }
        buffer.append(UInt8(48 + value % 10))
    }

    /// `value` with `digits` decimals, the bytes `String(format: "%.{digits}f")` prints (glibc rounds the
    /// exact binary value, ties to even): the value's significand times 10^digits, shifted right
    /// with the same rounding, in integers. Values printf would show in exponent-free form beyond
    /// 2^52, and more than 3 decimals, go through printf.
    static func appendFixed(_ value: Double, digits: Int, to buffer: inout [UInt8]) {
        let magnitude = value.magnitude
        guard value.isFinite, digits <= 3, magnitude < 0x1p52, magnitude == 0 || magnitude.isNormal else {
            buffer.append(contentsOf: String(format: "%.\(digits)f", value).utf8)
            return
        }
        let scale: UInt64 = [1, 10, 100, 1000][digits]
        var scaled: UInt64 = 0
        if magnitude != 0 {
            // magnitude = significand * 2^-shift exactly, with shift >= 1 below 2^52.
            let significand = magnitude.significandBitPattern | 1 << 52
            let shift = 52 - Int(magnitude.exponent)
            let product = significand * scale  // < 2^63
            if shift < 64 {
                scaled = product >> shift
                let remainder = product & ((1 << shift) - 1)
                let half: UInt64 = 1 << (shift - 1)
                if remainder > half || (remainder == half && scaled & 1 == 1) { scaled += 1 }
            } else if shift == 64, product > 1 << 63 {
                scaled = 1
            }
        }
        if value.sign == .minus { buffer.append(0x2D) }
        appendInteger(Int(scaled / scale), to: &buffer)
        guard digits > 0 else { return }
        buffer.append(0x2E)
        var fraction = scaled % scale
        var divisor = scale / 10
        for _ in 0..<digits {
            buffer.append(UInt8(48 + fraction / divisor))
            fraction %= divisor
            divisor /= 10
        }
    }

    static func fixed(_ value: Double, digits: Int) -> String {
        var bytes: [UInt8] = []
        appendFixed(value, digits: digits, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The 16 hex digits of `value`, most significant first (`%016llx`).
    static func appendHex(_ value: UInt64, to buffer: inout [UInt8]) {
        for nibble in stride(from: 60, through: 0, by: -4) {
            buffer.append(hexDigits[Int(value >> UInt64(nibble) & 0xF)])
        }
    }
}
