import Foundation

/// Percentile-bootstrap 95% confidence intervals with a fixed, reported seed, so that reports are
/// reproducible byte for byte.
public struct Bootstrap: Sendable {
    public static let defaultSeed: UInt64 = 20_180_711  // the paper's conference date
    public static let defaultResamples = 2000

    public let seed: UInt64
    public let resamples: Int
    public let level: Double

    public init(seed: UInt64 = Bootstrap.defaultSeed, resamples: Int = Bootstrap.defaultResamples, level: Double = 0.95)
    {
        self.seed = seed
        self.resamples = resamples
        self.level = level
    }

    /// CI of the median: medians of `resamples` resamples with replacement, their type-7 quantiles at
    /// (1 - level) / 2 and (1 + level) / 2.
    public func medianInterval(_ sample: Sample) -> (low: Double, high: Double)? {
        guard !sample.isEmpty else { return nil }
        return interval(Sample(resampled { random in Self.resampledMedian(sample, &random) }))
    }

    /// CI of median(b) / median(a), resampling both samples independently.
    public func ratioOfMediansInterval(_ a: Sample, _ b: Sample) -> (low: Double, high: Double)? {
        guard !a.isEmpty, !b.isEmpty else { return nil }
        let ratios = resampled { random -> Double in
            let denominator = Self.resampledMedian(a, &random)
            let numerator = Self.resampledMedian(b, &random)
            return denominator == 0 ? .nan : numerator / denominator
        }
        let defined = Sample(ratios)  // drops the NaNs of zero denominators
        return defined.isEmpty ? nil : interval(defined)
    }

    /// One estimate per resample. Resample k draws from its own stream (seeded by the seed and k), so
    /// the resamples can run on every core and still give the same numbers.
    private func resampled(_ estimate: @Sendable (inout StatisticsRandom) -> Double) -> [Double] {
        var estimates = [Double](repeating: 0, count: resamples)
        let seed = self.seed
        estimates.withUnsafeMutableBufferPointer { buffer in
            let output = UnsafeMutableSendableBuffer(buffer)
            DispatchQueue.concurrentPerform(iterations: resamples) { k in
                var random = StatisticsRandom(seed: seed ^ (UInt64(k) &* 0x9E37_79B9_7F4A_7C15))
                output.buffer[k] = estimate(&random)
            }
        }
        return estimates
    }

    private func interval(_ estimates: Sample) -> (low: Double, high: Double) {
        (estimates.quantile((1 - level) / 2)!, estimates.quantile((1 + level) / 2)!)
    }

    /// The type-7 median of one resample with replacement, drawn exactly without drawing the n values.
    ///
    /// Each of the n draws picks an index of the sorted sample uniformly. The resample's median is the
    /// value at rank (n - 1) / 2 of the drawn indices (and the next rank for even n). Binomial splitting
    /// finds it: of the m draws falling in an index range, the number in its left half is
    /// Binomial(m, left share); descend into the half that holds the rank. About log2(n) binomial
    /// draws of O(sqrt(m)) work each instead of n uniform draws: the same distribution, far less work.
    static func resampledMedian(_ sample: Sample, _ random: inout StatisticsRandom) -> Double {
        let n = sample.count
        let h = Double(n - 1) * 0.5
        let lowRank = Int(h.rounded(.down))
        let highRank = Int(h.rounded(.up))
        let (low, high) = orderStatistics(lowRank, highRank, draws: n, in: 0..<n, &random)
        return sample.sorted[low] + (h - Double(lowRank)) * (sample.sorted[high] - sample.sorted[low])
    }

    /// The drawn indices at ranks r1 <= r2 among `draws` uniform draws over `range`.
    private static func orderStatistics(
        _ r1: Int, _ r2: Int, draws: Int, in range: Range<Int>, _ random: inout StatisticsRandom
    ) -> (Int, Int) {
        var (r1, r2, m, lo, hi) = (r1, r2, draws, range.lowerBound, range.upperBound)
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            let left = binomial(m, Double(mid - lo) / Double(hi - lo), &random)
            if r2 < left {
                (hi, m) = (mid, left)
            } else if r1 >= left {
                (lo, m, r1, r2) = (mid, m - left, r1 - left, r2 - left)
            } else {  // the two ranks part: r1 in the left half, r2 in the right; the halves are independent
                let first = orderStatistics(r1, r1, draws: left, in: lo..<mid, &random).0
                let second = orderStatistics(r2 - left, r2 - left, draws: m - left, in: mid..<hi, &random).0
                return (first, second)
            }
        }
        return (lo, lo)
    }

    /// An exact Binomial(n, p) draw by inversion, searching outward from the mode (expected
    /// O(sqrt(n p (1 - p))) steps). The probabilities come from log-gamma at the mode and the ratio
    /// recurrence P(k + 1) / P(k) = (n - k) / (k + 1) * p / (1 - p) away from it.
    static func binomial(_ n: Int, _ p: Double, _ random: inout StatisticsRandom) -> Int {
        if n == 0 || p <= 0 { return 0 }
        if p >= 1 { return n }
        let mode = min(n, Int((Double(n + 1) * p).rounded(.down)))
        let q = 1 - p
        let logMode =
            lgamma(Double(n + 1)) - lgamma(Double(mode + 1)) - lgamma(Double(n - mode + 1))
            + Double(mode) * log(p) + Double(n - mode) * log(q)
        let atMode = exp(logMode)
        var u = random.unit()
        u -= atMode
        if u < 0 { return mode }
        var up = mode
        var down = mode
        var pUp = atMode
        var pDown = atMode
        while up < n || down > 0 {
            if up < n {
                pUp *= Double(n - up) / Double(up + 1) * p / q
                up += 1
                u -= pUp
                if u < 0 { return up }
            }
            if down > 0 {
                pDown *= Double(down) / Double(n - down + 1) * q / p
                down -= 1
                u -= pDown
                if u < 0 { return down }
            }
        }
        return mode  // only rounding leaves u >= 0 after every outcome
    }
}

/// A buffer that concurrent iterations write at distinct indices.
private struct UnsafeMutableSendableBuffer: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Double>
    init(_ buffer: UnsafeMutableBufferPointer<Double>) { self.buffer = buffer }
}

/// SplitMix64: a small seeded generator for resampling.
struct StatisticsRandom {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1), 53 random bits.
    mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform in 0..<n: the high word of a 64 x 64-bit product (no division; bias below n / 2^64).
    mutating func index(below n: Int) -> Int {
        Int(next().multipliedFullWidth(by: UInt64(n)).high)
    }
}
