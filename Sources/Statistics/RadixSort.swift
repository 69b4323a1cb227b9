extension Array where Element == Double {
    /// Sorts ascending into the order `sort()` gives (which is stable: -0.0 and 0.0, equal, keep their
    /// order), in linear time when the array is large: a least-significant-digit radix sort over the
    /// values' bits, 11 at a time. Comparison sorting grows as n log n, and the largest samples of a
    /// 10M-invocation snapshot hold millions of values. Arrays with NaN, whose order `sort()` leaves
    /// to chance, go to `sort()`.
    public mutating func sortAscending() {
        guard count >= 4096 else { return sort() }
        let digits = 6
        let width = 11
        let buckets = 1 << 11
        // One pass counts every digit of every value: digit d of key k is (k >> (11 d)) & 2047.
        var counts = [Int](repeating: 0, count: digits * buckets)
        let hasNaN = withUnsafeBufferPointer { values in
            counts.withUnsafeMutableBufferPointer { counts in
                var nan = false
                for value in values {
                    nan = nan || value.isNaN
                    let key = Self.radixKey(value)
                    for digit in 0..<digits {
                        counts[
                            digit * buckets + Int(truncatingIfNeeded: key >> UInt64(digit * width)) & (buckets - 1)] +=
                            1
                    }
                }
                return nan
            }
        }
        guard !hasNaN else { return sort() }
        var other = [Double](repeating: 0, count: count)
        for digit in 0..<digits {
            let shift = UInt64(digit * width)
            let passCounts = counts[(digit * buckets)..<((digit + 1) * buckets)]
            // Every value with the same digit: the pass would leave the order as it is.
            if passCounts.contains(count) { continue }
            var offsets = [Int](repeating: 0, count: buckets)
            var next = 0
            for (bucket, n) in passCounts.enumerated() {
                offsets[bucket] = next
                next += n
            }
            withUnsafeBufferPointer { source in
                other.withUnsafeMutableBufferPointer { destination in
                    offsets.withUnsafeMutableBufferPointer { offsets in
                        for value in source {
                            let bucket = Int(truncatingIfNeeded: Self.radixKey(value) >> shift) & (buckets - 1)
                            destination[offsets[bucket]] = value
                            offsets[bucket] += 1
                        }
                    }
                }
            }
            swap(&self, &other)
        }
    }

    /// The value's bits as an unsigned key in the values' order: positive values with the sign bit set,
    /// negative ones inverted (larger magnitudes lower). -0.0 takes 0.0's key, since `<` holds them equal.
    @inline(__always)
    private static func radixKey(_ value: Double) -> UInt64 {
        let bits = value == 0 ? 0 : value.bitPattern
        return bits >> 63 == 0 ? bits | (1 << 63) : ~bits
    }
}
