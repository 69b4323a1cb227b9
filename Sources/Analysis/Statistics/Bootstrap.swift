import Foundation

/// Percentile-bootstrap 95% confidence intervals with a fixed, reported seed, so that reports are
/// reproducible byte for byte.
public struct Bootstrap: Sendable {
    public static let defaultSeed: UInt64 = 20180711  // the paper's conference date
    public static let defaultResamples = 2000

    public let seed: UInt64
    public let resamples: Int
    public let level: Double

    public init(seed: UInt64 = Bootstrap.defaultSeed, resamples: Int = Bootstrap.defaultResamples, level: Double = 0.95) {
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

    /// The median of one resample with replacement. Drawing indices into the sorted sample and
    /// counting them per index finds the resample's middle order statistics in O(n), no sort.
    static func resampledMedian(_ sample: Sample, _ random: inout StatisticsRandom) -> Double {
        let n = sample.count
        var counts = [Int32](repeating: 0, count: n)
        for _ in 0..<n { counts[random.index(below: n)] += 1 }
        let h = Double(n - 1) * 0.5
        let lowRank = Int(h.rounded(.down)), highRank = Int(h.rounded(.up))
        var seen = 0, low = 0.0, index = 0
        while true {
            let next = seen + Int(counts[index])
            if lowRank < next, lowRank >= seen { low = sample.sorted[index] }
            if highRank < next {
                return low + (h - Double(lowRank)) * (sample.sorted[index] - low)
            }
            seen = next
            index += 1
        }
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

    /// Uniform in 0..<n: the high word of a 64 x 64-bit product (no division; bias below n / 2^64).
    mutating func index(below n: Int) -> Int {
        Int(next().multipliedFullWidth(by: UInt64(n)).high)
    }
}
