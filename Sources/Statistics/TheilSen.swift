import Foundation

/// The Theil-Sen robust slope of y on x with its 95% confidence interval, as scipy.stats.theilslopes
/// computes them (method `separate`): the slope is the median of the pairwise slopes (y_j - y_i) /
/// (x_j - x_i) over pairs with x_j > x_i; the intercept is median(y) - slope * median(x); the interval
/// takes the sorted pairwise slopes at the ranks of Sen (1968), equation 2.6, whose variance is
/// Kendall's S variance corrected for ties in x and in y.
public struct TheilSen: Sendable, Equatable {
    public let slope: Double
    public let intercept: Double
    public let low: Double
    public let high: Double

    /// The normal quantile of a two-sided 95% interval, scipy's -norm.ppf(0.025).
    static let z95 = 1.959963984540054

    /// Nil below two distinct x values.
    public init?(x: [Double], y: [Double]) {
        precondition(x.count == y.count, "TheilSen of \(x.count) x and \(y.count) y values")
        var slopes: [Double] = []
        for i in x.indices {
            for j in x.indices where x[j] > x[i] { slopes.append((y[j] - y[i]) / (x[j] - x[i])) }
        }
        guard !slopes.isEmpty else { return nil }
        let sorted = Sample(slopes)
        slope = sorted.median!
        intercept = Sample(y).median! - slope * Sample(x).median!
        let n = Double(y.count)
        let ties = Self.tieTerm(x) + Self.tieTerm(y)
        let sigma = ((n * (n - 1) * (2 * n + 5) - ties) / 18).squareRoot()
        let count = Double(sorted.count)
        // scipy rounds half to even (np.round).
        let upper = min(Int(((count + Self.z95 * sigma) / 2).rounded(.toNearestOrEven)), sorted.count - 1)
        let lower = max(Int(((count - Self.z95 * sigma) / 2).rounded(.toNearestOrEven)) - 1, 0)
        low = sorted.sorted[lower]
        high = sorted.sorted[upper]
    }

    /// Sum of t (t - 1) (2t + 5) over the groups of t equal values, for Kendall's S variance.
    static func tieTerm(_ values: [Double]) -> Double {
        var counts: [Double: Int] = [:]
        for value in values { counts[value, default: 0] += 1 }
        return counts.values.reduce(0) { sum, t in sum + Double(t * (t - 1) * (2 * t + 5)) }
    }
}
