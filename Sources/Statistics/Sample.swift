import Foundation

/// A sample of numbers, sorted once, with the descriptive statistics the analyses report.
///
/// Quantiles are Hyndman-Fan type 7 (the default of numpy, R and DuckDB's `quantile_cont`): for sorted
/// x[0..n-1] and probability p, h = (n - 1) p and q = x[floor h] + (h - floor h) (x[ceil h] - x[floor h]).
public struct Sample: Sendable, Equatable {
    public let sorted: [Double]

    public init<S: Sequence<Double>>(_ values: S) {
        var values = Array(values)
        values.removeAll { $0.isNaN }
        values.sort()
        sorted = values
    }

    /// A sample already sorted ascending, without NaN (a stored one): not sorted again.
    public init(sorted: [Double]) {
        assert(zip(sorted, sorted.dropFirst()).allSatisfy { $0 <= $1 }, "Sample(sorted:) of unsorted values")
        self.sorted = sorted
    }

    public var count: Int { sorted.count }
    public var isEmpty: Bool { sorted.isEmpty }
    public var min: Double? { sorted.first }
    public var max: Double? { sorted.last }

    public func quantile(_ p: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let h = Double(sorted.count - 1) * p
        let low = Int(h.rounded(.down))
        let high = Int(h.rounded(.up))
        return sorted[low] + (h - Double(low)) * (sorted[high] - sorted[low])
    }

    public var median: Double? { quantile(0.5) }

    /// Arithmetic mean (summed in sorted order, so the same sample gives the same bits).
    public var mean: Double? {
        sorted.isEmpty ? nil : sorted.reduce(0, +) / Double(sorted.count)
    }

    /// Sample standard deviation (n - 1 in the denominator); nil below two values.
    public var standardDeviation: Double? {
        guard sorted.count >= 2, let mean else { return nil }
        let squares = sorted.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        return (squares / Double(sorted.count - 1)).squareRoot()
    }

    /// The most frequent value (the smallest of equally frequent ones).
    public var mode: Double? {
        var best: (value: Double, count: Int)?
        var index = 0
        while index < sorted.count {
            var end = index
            while end < sorted.count, sorted[end] == sorted[index] { end += 1 }
            if best == nil || end - index > best!.count { best = (sorted[index], end - index) }
            index = end
        }
        return best?.value
    }

    /// The empirical CDF as steps: each distinct value with the fraction of the sample at or below it.
    public var ecdf: [(value: Double, fraction: Double)] {
        var steps: [(Double, Double)] = []
        for (index, value) in sorted.enumerated() where index + 1 == sorted.count || sorted[index + 1] != value {
            steps.append((value, Double(index + 1) / Double(sorted.count)))
        }
        return steps
    }
}
