/// Decimal to double for the numbers `ByteNumber`'s first fast path refuses: 17 to 19 digits, as in epoch
/// seconds to a tenth of a microsecond (`1514764800.2599473`), which `strtod` reads through big-number
/// arithmetic. The Eisel-Lemire algorithm (D. Lemire, "Number Parsing at a Gigabyte per Second", 2021;
/// written here as Go's `strconv` writes it): the 64-bit decimal mantissa times the 128 leading bits of the
/// power of ten gives the double's bits, and wherever the truncated power could change the rounding it
/// gives up (nil), so that the caller asks `strtod`. What it returns is the correctly rounded double.
enum EiselLemire {
    /// The powers of ten it knows, 10^-38 to 10^38: enough for measurements written without an exponent.
    static let exponents = -38...38

    /// The 128 leading bits of each power of ten, rounded down, as (high, low) words.
    private static let powers: [(high: UInt64, low: UInt64)] = exponents.map(leadingBits)

    /// The 128 leading bits of 10^`exponent`, rounded down (the top bit is set).
    static func leadingBits(ofPowerOfTen exponent: Int) -> (high: UInt64, low: UInt64) {
        var power: UInt128 = 1
        for _ in 0..<abs(exponent) { power *= 10 }
        let bits = UInt128.bitWidth - power.leadingZeroBitCount
        var leading: UInt128
        if exponent >= 0 {
            leading = power << (UInt128.bitWidth - bits)  // exact: 10^38 < 2^127
        } else {
            // 2^(127 + bits) / 10^-exponent, which lies between 2^127 and 2^128: long division, bit by bit.
            leading = 0
            var remainder: UInt128 = 0
            for bit in 0...(127 + bits) {
                remainder = remainder << 1 | (bit == 0 ? 1 : 0)
                leading <<= 1
                if remainder >= power {
                    remainder -= power
                    leading |= 1
                }
            }
        }
        return (UInt64(truncatingIfNeeded: leading >> 64), UInt64(truncatingIfNeeded: leading))
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
