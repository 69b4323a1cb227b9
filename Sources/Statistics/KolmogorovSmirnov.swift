import Foundation

/// Two-sample two-sided Kolmogorov-Smirnov test. D is the largest distance between the two ECDFs.
/// The p-value is exact (the share of lattice paths that reach distance D, as scipy's `method='exact'`)
/// when n1 * n2 <= 1,000,000, else the asymptotic Kolmogorov distribution at sqrt(n1 n2 / (n1 + n2)) D.
public struct KolmogorovSmirnov: Sendable, Equatable {
    public let d: Double
    public let pValue: Double
    public let exact: Bool

    public static let exactLimit = 1_000_000

    public init?(_ a: Sample, _ b: Sample) {
        let m = a.count
        let n = b.count
        guard m > 0, n > 0 else { return nil }
        // D * m * n as an integer: the largest |i n - j m| where i, j count values <= x.
        var i = 0
        var j = 0
        var largest = 0
        while i < m || j < n {
            let x = j == n ? a.sorted[i] : i == m ? b.sorted[j] : min(a.sorted[i], b.sorted[j])
            while i < m, a.sorted[i] == x { i += 1 }
            while j < n, b.sorted[j] == x { j += 1 }
            largest = max(largest, abs(i * n - j * m))
        }
        d = Double(largest) / Double(m * n)
        exact = m * n <= Self.exactLimit
        if exact {
            pValue = Self.exactPValue(m, n, largest)
        } else {
            let en = Double(m) * Double(n) / Double(m + n)
            pValue = Self.kolmogorovSurvival(en.squareRoot() * d)
        }
    }

    /// P(D >= h / (m n)): one minus the probability that a random lattice path from (0,0) to (m,n)
    /// keeps |i n - j m| < h at every point. Probabilities, not counts, so nothing overflows.
    private static func exactPValue(_ m: Int, _ n: Int, _ h: Int) -> Double {
        guard h > 0 else { return 1 }
        var row = [Double](repeating: 0, count: n + 1)  // P(reach (i, j) staying inside) for the current i
        for i in 0...m {
            for j in 0...n {
                if abs(i * n - j * m) >= h {
                    row[j] = 0
                    continue
                }
                if i == 0 && j == 0 {
                    row[j] = 1
                    continue
                }
                let fromLeft = i > 0 ? row[j] * Double(i) / Double(i + j) : 0  // row[j] still holds i - 1
                let fromBelow = j > 0 ? row[j - 1] * Double(j) / Double(i + j) : 0
                row[j] = fromLeft + fromBelow
            }
        }
        return min(1, max(0, 1 - row[n]))
    }

    /// P(K > x) for the Kolmogorov distribution: 2 sum_{k>=1} (-1)^(k-1) exp(-2 k^2 x^2).
    static func kolmogorovSurvival(_ x: Double) -> Double {
        guard x > 0 else { return 1 }
        if x < 0.3 {  // the alternating series converges slowly here; use the theta-function form
            let pi2 = Double.pi * Double.pi
            var cdf = 0.0
            for k in stride(from: 1, through: 199, by: 2) {
                cdf += exp(-Double(k * k) * pi2 / (8 * x * x))
            }
            return 1 - (2 * Double.pi).squareRoot() / x * cdf
        }
        var sum = 0.0
        for k in 1...100 {
            let term = exp(-2 * Double(k * k) * x * x)
            sum += (k % 2 == 1 ? term : -term)
            if term < 1e-17 { break }
        }
        return min(1, max(0, 2 * sum))
    }
}
