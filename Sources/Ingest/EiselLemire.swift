/// Decimal to double for the numbers `ByteNumber`'s first fast path refuses: a mantissa of 2^53 or more
/// (16 to 19 digits), as in epoch seconds to a tenth of a microsecond (`1514764800.2599473`), which
/// `strtod` reads through big-number arithmetic. The Eisel-Lemire algorithm (D. Lemire, "Number Parsing
/// at a Gigabyte per Second", 2021), ported from Go's `strconv/eisel_lemire.go` (BSD-3-Clause, the Go
/// Authors): the 64-bit decimal mantissa times the 128 leading bits of the power of ten gives the double's
/// bits, and wherever the truncated power could change the rounding it gives up (nil), so that the caller
/// asks `strtod`. What it returns is the correctly rounded double.
enum EiselLemire {
    /// The powers of ten it knows: a decimal of up to 19 digits without an exponent needs 10^-19 to 10^0.
    static let exponents = -19...19

    /// The 128 leading bits of each power of ten, rounded down, as (high, low) words.
    private static let powers: [(high: UInt64, low: UInt64)] = exponents.map(leadingBits)

    /// The 128 leading bits of 10^`exponent`, rounded down (the top bit is set).
    static func leadingBits(ofPowerOfTen exponent: Int) -> (high: UInt64, low: UInt64) {
        var power: UInt64 = 1  // 10^19 < 2^64
        for _ in 0..<abs(exponent) { power *= 10 }
        let bits = UInt64.bitWidth - power.leadingZeroBitCount
        if exponent >= 0 { return (power << (UInt64.bitWidth - bits), 0) }
        // 2^(127 + bits) / 10^-exponent, which lies between 2^127 and 2^128: long division, bit by bit,
        // into two words. The remainder stays below the power; doubled, it may pass 2^64 (`carry`).
        var (high, low, remainder): (UInt64, UInt64, UInt64) = (0, 0, 0)
        for bit in 0...(127 + bits) {
            let carry = remainder >> 63
            remainder = remainder << 1 | (bit == 0 ? 1 : 0)
            high = high << 1 | low >> 63
            low <<= 1
            if carry == 1 || remainder >= power {
                remainder &-= power
                low |= 1
            }
        }
        return (high, low)
    }

    /// `mantissa` × 10^`exponent`, correctly rounded; nil where this method cannot tell the rounding, or the
    /// result is not a normal double, or the exponent is outside `exponents`.
    static func double(mantissa: UInt64, exponent: Int, negative: Bool) -> Double? {
        if mantissa == 0 { return negative ? -0.0 : 0.0 }
        guard exponents.contains(exponent) else { return nil }
        let shift = mantissa.leadingZeroBitCount
        let normalized = mantissa << shift
        // floor(exponent × log2(10)) as 217706 / 2^16, exact over this range; plus the bias of 1023.
        var binaryExponent = (217706 * exponent) >> 16 + 64 + 1023 - shift
        let power = powers[exponent - exponents.lowerBound]
        var (high, low) = normalized.multipliedFullWidth(by: power.high)
        // The low word of the power matters only where the product's low bits are all ones.
        if high & 0x1FF == 0x1FF && low &+ normalized < normalized {
            let (carryHigh, carryLow) = normalized.multipliedFullWidth(by: power.low)
            var mergedHigh = high
            let mergedLow = low &+ carryHigh
            if mergedLow < low { mergedHigh &+= 1 }
            if mergedHigh & 0x1FF == 0x1FF && mergedLow &+ 1 == 0 && carryLow &+ normalized < normalized {
                return nil
            }
            (high, low) = (mergedHigh, mergedLow)
        }
        let top = high >> 63
        var bits = high >> (top + 9)
        binaryExponent -= Int(1 ^ top)
        // Exactly halfway between two doubles, as far as these bits tell.
        if low == 0 && high & 0x1FF == 0 && bits & 3 == 1 { return nil }
        bits += bits & 1
        bits >>= 1
        if bits >> 53 > 0 {
            bits >>= 1
            binaryExponent += 1
        }
        guard binaryExponent >= 1 && binaryExponent < 0x7FF else { return nil }
        let sign: UInt64 = negative ? 1 << 63 : 0
        return Double(bitPattern: sign | UInt64(binaryExponent) << 52 | bits & 0x000F_FFFF_FFFF_FFFF)
    }
}
