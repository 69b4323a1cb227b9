import Foundation

/// Pettitt's (1979) test for one change in level of a series in time order: U_t = sum over i <= t
/// < j of sign(x_j - x_i) is largest in size where the series' level changes; K = max |U_t|, and the
/// approximate p-value is 2 exp(-6 K^2 / (n^3 + n^2)), capped at 1. The change is after the
/// `position`-th value (1-based: the first segment holds `position` values). With a minimum segment
/// size m, only splits leaving at least m values on each side are considered.
public struct Pettitt: Sendable, Equatable {
    public let k: Int
    /// Values before the change (the first t at which |U_t| is largest).
    public let position: Int
    public let pValue: Double

    /// Nil when no split leaves `minimumSegment` values on both sides.
    public init?(_ series: [Double], minimumSegment: Int = 1) {
        let n = series.count
        let first = max(minimumSegment, 1)
        guard n - first >= first else { return nil }
        var best: (k: Int, t: Int)?
        // U_t = U_{t-1} + sum over j of sign(x_j - x_t) (Pettitt's recurrence).
        var u = 0
        for t in 1..<n {
            for j in series.indices {
                let difference = series[j] - series[t - 1]
                u += difference > 0 ? 1 : difference < 0 ? -1 : 0
            }
            guard t >= first, n - t >= first else { continue }
            if best == nil || abs(u) > best!.k { best = (abs(u), t) }
        }
        guard let best else { return nil }
        k = best.k
        position = best.t
        let size = Double(n)
        pValue = min(1, 2 * exp(-6 * Double(k * k) / (size * size * size + size * size)))
    }
}
