import Foundation

/// Two-sided Mann-Whitney U test (Wilcoxon rank-sum), as scipy.stats.mannwhitneyu computes it with its
/// defaults: the exact distribution of U when both samples have fewer than 8 values and there are
/// no ties; otherwise the normal approximation with tie correction and continuity correction.
public struct MannWhitney: Sendable, Equatable {
    /// U of the first sample: the number of pairs (a, b) with a > b, ties counting one half.
    public let u: Double
    public let pValue: Double

    public init?(_ a: Sample, _ b: Sample) {
        let n1 = a.count
        let n2 = b.count
        guard n1 > 0, n2 > 0 else { return nil }
        // Mid-ranks of the pooled sample; both inputs are sorted, so merge.
        var pooled: [(value: Double, first: Bool)] = []
        pooled.reserveCapacity(n1 + n2)
        var i = 0
        var j = 0
        while i < n1 || j < n2 {
            if j == n2 || (i < n1 && a.sorted[i] <= b.sorted[j]) {
                pooled.append((a.sorted[i], true))
                i += 1
            } else {
                pooled.append((b.sorted[j], false))
                j += 1
            }
        }
        var rankSumA = 0.0
        var tieTerm = 0.0
        var start = 0
        while start < pooled.count {
            var end = start
            while end < pooled.count, pooled[end].value == pooled[start].value { end += 1 }
            let midRank = Double(start + end + 1) / 2  // ranks start at 1
            for k in start..<end where pooled[k].first { rankSumA += midRank }
            let t = Double(end - start)
            tieTerm += t * t * t - t
            start = end
        }
        let u1 = rankSumA - Double(n1 * (n1 + 1)) / 2
        u = u1
        let product = Double(n1 * n2)
        let larger = max(u1, product - u1)
        if n1 < 8, n2 < 8, tieTerm == 0 {
            pValue = min(1, 2 * Self.exactUpperTail(Int(larger.rounded()), n1, n2))
        } else {
            let n = Double(n1 + n2)
            let sigma = (product / 12 * ((n + 1) - tieTerm / (n * (n - 1)))).squareRoot()
            let z = (larger - product / 2 - 0.5) / sigma
            pValue = sigma > 0 ? min(1, 2 * Normal.survival(z)) : 1
        }
    }

    /// P(U >= u) under the null, counting the arrangements of n1 + n2 ranks.
    private static func exactUpperTail(_ u: Int, _ n1: Int, _ n2: Int) -> Double {
        // ways[m][k][s]: arrangements of m first-sample and k second-sample values with U = s.
        let maxU = n1 * n2
        var ways = [[[Double]]](
            repeating: [[Double]](repeating: [Double](repeating: 0, count: maxU + 1), count: n2 + 1), count: n1 + 1)
        for m in 0...n1 {
            for k in 0...n2 {
                if m == 0 || k == 0 {
                    ways[m][k][0] = 1
                    continue
                }
                for s in 0...(m * k) {
                    // The largest value is from the first sample (it beats all k) or from the second.
                    ways[m][k][s] = (s >= k ? ways[m - 1][k][s - k] : 0) + ways[m][k - 1][s]
                }
            }
        }
        let total = ways[n1][n2].reduce(0, +)
        return ways[n1][n2][min(u, maxU)...].reduce(0, +) / total
    }
}

enum Normal {
    /// P(Z > z) for a standard normal Z.
    static func survival(_ z: Double) -> Double { 0.5 * erfc(z / 2.0.squareRoot()) }
}
