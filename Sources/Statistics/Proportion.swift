import Foundation

/// A binomial proportion: `successes` of `trials`.
public struct Proportion: Sendable, Equatable {
    public let successes: Int
    public let trials: Int

    public init(successes: Int, trials: Int) {
        precondition(trials > 0 && (0...trials).contains(successes), "\(successes) of \(trials) is not a proportion")
        self.successes = successes
        self.trials = trials
    }

    public var value: Double { Double(successes) / Double(trials) }

    /// The 95% Wilson score interval (without continuity correction; scipy's `binomtest(...).proportion_ci(
    /// method='wilson')`). Unlike the normal approximation it stays within [0, 1] and is not zero-wide at
    /// 0 of n, which is where the fractions of stale requests lie.
    public var wilsonInterval: (low: Double, high: Double) {
        let z = 1.959963984540054  // the standard normal's 97.5th percentile
        let n = Double(trials)
        let p = value
        let denominator = 1 + z * z / n
        let centre = (p + z * z / (2 * n)) / denominator
        let half = z * (p * (1 - p) / n + z * z / (4 * n * n)).squareRoot() / denominator
        return (max(0, centre - half), min(1, centre + half))
    }
}
