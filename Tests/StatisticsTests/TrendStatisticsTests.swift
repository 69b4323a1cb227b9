import Foundation
import Testing

@testable import Statistics

/// Expected values computed with numpy 2.4.6 and scipy 1.17.1 on this machine:
///
///     x = [2019.1, 2019.5, 2020.0, 2020.3, 2021.0, 2021.6, 2022.2, 2022.9]
///     y = [812, 790, 799, 760, 741, 760, 705, 690]
///     stats.theilslopes(y, x)                              # method='separate', alpha=0.95
///     stats.theilslopes([5, 5, 5, 5, 6], [0, 1, 2, 3, 4])  # ties in y
///     r = stats.kendalltau(range(8), y, method='asymptotic'); stats.norm.isf(r.pvalue / 2)  # S / sd(S)
///     # Mann-Kendall, written out: s = sum(sign(y[j] - y[i]) for i < j),
///     # var = (n (n-1) (2n+5) - sum over ties t (t-1) (2t+5)) / 18, z = (s - sign(s)) / sqrt(var),
///     # p = 2 stats.norm.sf(|z|)
///     # Pettitt, written out: U_t = sign(y[None, t:] - y[:t, None]).sum() for t in 1..n-1,
///     # K = max |U_t| over t in m..n-m (first maximum), p = min(1, 2 exp(-6 K^2 / (n^3 + n^2)))
///     stats.false_discovery_control([0.01, 0.04, 0.03, 0.2, 0.005, 0.04], method='bh')
@Suite struct TrendStatisticsTests {
    let x = [2019.1, 2019.5, 2020.0, 2020.3, 2021.0, 2021.6, 2022.2, 2022.9]
    let y: [Double] = [812, 790, 799, 760, 741, 760, 705, 690]

    private func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-9) -> Bool {
        abs(a - b) <= tolerance * max(1, abs(b))
    }

    @Test func theilSenAgainstScipy() throws {
        let fit = try #require(TheilSen(x: x, y: y))
        #expect(close(fit.slope, -30.74074074073991))
        #expect(close(fit.intercept, 62876.2777777761))
        #expect(close(fit.low, -43.333333333331694))
        #expect(close(fit.high, -20.8))
        let flat = try #require(TheilSen(x: [0, 1, 2, 3, 4], y: [5, 5, 5, 5, 6]))
        #expect((flat.slope, flat.intercept, flat.low, flat.high) == (0, 5, 0, 0.5))
        #expect(TheilSen(x: [3, 3], y: [1, 2]) == nil)
    }

    @Test func mannKendallWithTies() throws {
        let test = try #require(MannKendall(y))
        #expect(test.s == -23)
        #expect(close(test.variance, 64.33333333333333))
        #expect(close(Double(test.s) / test.variance.squareRoot(), -2.8675421404856705))  // scipy's kendalltau
        #expect(close(test.z, -2.7428663952471632))
        #expect(close(test.pValue, 0.00609054605657881))
        // Five rising values: the smallest p-value five points can reach.
        let rising = try #require(MannKendall([1, 2, 3, 4, 5]))
        #expect(rising.s == 10)
        #expect(close(rising.pValue, 0.02748633611151033))
        #expect(MannKendall([4, 4, 4])?.pValue == 1)
        #expect(MannKendall([1, 2]) == nil)
    }

    @Test func pettittChangePoint() throws {
        let shifted = [3.1, 2.9, 3.3, 3.0, 3.2, 4.1, 4.3, 3.9, 4.2, 4.4, 4.0, 4.2]
        let test = try #require(Pettitt(shifted))
        #expect(test.k == 35 && test.position == 5)
        #expect(close(test.pValue, 0.03943368531462139))
        let first = try #require(Pettitt(y))
        #expect(first.k == 15 && first.position == 3)
        #expect(close(first.pValue, 0.19193417208999694))
        // |U_3| = |U_4| = 15: with segments of at least 4, the change is after the fourth value.
        #expect(Pettitt(y, minimumSegment: 4)?.position == 4)
        #expect(Pettitt([1, 2, 3], minimumSegment: 2) == nil)
    }

    @Test func benjaminiHochbergAgainstScipy() {
        let adjusted = FalseDiscovery.benjaminiHochberg([0.01, 0.04, 0.03, 0.2, 0.005, 0.04])
        let expected = [0.03, 0.048, 0.048, 0.2, 0.03, 0.048]
        #expect(zip(adjusted, expected).allSatisfy { close($0, $1, 1e-12) })
        #expect(FalseDiscovery.benjaminiHochberg([]).isEmpty)
    }
}
