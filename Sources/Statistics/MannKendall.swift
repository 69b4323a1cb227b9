import Foundation

/// The Mann-Kendall test for a monotonic trend in a series in time order, with ties: S counts the
/// pairs that rise minus the pairs that fall; its variance under no trend is
/// (n (n - 1) (2n + 5) - sum over ties t (t - 1) (2t + 5)) / 18; z is S moved one towards zero (the
/// continuity correction) over its standard deviation; the p-value is two-sided, from the normal
/// distribution (Hipel & McLeod 1994, section 23.3; pymannkendall's `original_test`).
public struct MannKendall: Sendable, Equatable {
    public let s: Int
    public let variance: Double
    public let z: Double
    public let pValue: Double

    /// Nil below three values (no trend can be told from two).
    public init?(_ series: [Double]) {
        guard series.count >= 3 else { return nil }
        var s = 0
        for i in series.indices {
            for j in series.indices where j > i {
                s += series[j] > series[i] ? 1 : series[j] < series[i] ? -1 : 0
            }
        }
        let n = Double(series.count)
        variance = (n * (n - 1) * (2 * n + 5) - TheilSen.tieTerm(series)) / 18
        self.s = s
        let corrected = Double(s == 0 ? 0 : s > 0 ? s - 1 : s + 1)
        z = variance > 0 ? corrected / variance.squareRoot() : 0
        pValue = min(1, 2 * Normal.survival(abs(z)))
    }
}
