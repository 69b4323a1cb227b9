extension Array where Element == Double {
    /// Sorts ascending into the order `sort()` gives (which is stable: -0.0 and 0.0, equal, keep their
    /// order), in linear time when the array is large: a least-significant-digit radix sort over the
    /// values' bits, 11 at a time. Comparison sorting grows as n log n, and the largest samples of a
    /// 10M-invocation snapshot hold millions of values. Arrays with NaN, whose place `sort()` leaves
    /// unspecified, go to `sort()`.
    public mutating func sortAscending() {
        guard count >= 4096 else { return sort() }
        let width = 11
        let digits = (64 + width - 1) / width
        let buckets = 1 << width
        @inline(__always) func bucket(_ value: Double, _ digit: Int) -> Int {
            Int(truncatingIfNeeded: Self.radixKey(value) >> UInt64(digit * width)) & (buckets - 1)
        }
        // One pass counts every digit of every value.
        var counts = [Int](repeating: 0, count: digits * buckets)
        let hasNaN = withUnsafeBufferPointer { values in
            counts.withUnsafeMutableBufferPointer { counts in
                var nan = false
                for value in values {
                    nan = nan || value.isNaN
                    for digit in 0..<digits { counts[digit * buckets + bucket(value, digit)] += 1 }
                }
                return nan
            }
        }
        guard !hasNaN else { return sort() }
        var other: [Double] = []  // made on the first pass that moves values
        for digit in 0..<digits {
            let passCounts = counts[(digit * buckets)..<((digit + 1) * buckets)]
            // Every value with the same digit: the pass would leave the order as it is.
            if passCounts.contains(count) { continue }
            if other.isEmpty { other = [Double](repeating: 0, count: count) }
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
                            let target = bucket(value, digit)
                            destination[offsets[target]] = value
                            offsets[target] += 1
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
