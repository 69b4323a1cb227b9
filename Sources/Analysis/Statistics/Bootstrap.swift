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
        var random = StatisticsRandom(seed: seed)
        let medians = (0..<resamples).map { _ in Self.resampledMedian(sample, &random) }
        return interval(Sample(medians))
    }

    /// CI of median(b) / median(a), resampling both samples independently.
    public func ratioOfMediansInterval(_ a: Sample, _ b: Sample) -> (low: Double, high: Double)? {
        guard !a.isEmpty, !b.isEmpty else { return nil }
        var random = StatisticsRandom(seed: seed)
        var ratios: [Double] = []
        ratios.reserveCapacity(resamples)
        for _ in 0..<resamples {
            let denominator = Self.resampledMedian(a, &random)
            let numerator = Self.resampledMedian(b, &random)
            if denominator != 0 { ratios.append(numerator / denominator) }
        }
        return ratios.isEmpty ? nil : interval(Sample(ratios))
    }

    private func interval(_ estimates: Sample) -> (low: Double, high: Double) {
        (estimates.quantile((1 - level) / 2)!, estimates.quantile((1 + level) / 2)!)
    }

    /// The median of one resample with replacement. Drawing indices into the sorted sample and
    /// counting them per index finds the resample's middle order statistics in O(n), no sort.
    static func resampledMedian(_ sample: Sample, _ random: inout StatisticsRandom) -> Double {
        let n = sample.count
        var counts = [Int32](repeating: 0, count: n)
        for _ in 0..<n { counts[Int(random.next() % UInt64(n))] += 1 }
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
}
