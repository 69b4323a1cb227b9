import Foundation
import Testing

@testable import Statistics

/// Expected values computed with numpy 2.4.6 and scipy 1.17.1 on this machine:
///
///     a = [12.1, 15.3, 9.8, 22.4, 15.3, 11.0, 13.7, 18.2, 10.5, 14.9]
///     b = [16.2, 19.8, 15.3, 25.1, 21.7, 17.4, 20.3, 23.9, 18.8, 16.9, 22.2, 19.1]
///     [np.quantile(a, p) for p in (0, .1, .25, .5, .9, .99, 1)]
///     np.mean(a), np.std(a, ddof=1)
///     stats.mannwhitneyu(a, b)                   # ties (15.3) -> asymptotic, tie + continuity corrected
///     stats.ks_2samp(a, b, method='exact')
///     c = [1.2, 3.4, 2.2, 5.1, 4.4]; d = [6.0, 2.9, 7.7, 8.1, 5.5, 9.3]
///     stats.mannwhitneyu(c, d)                   # n < 8, no ties -> exact
///     stats.ks_2samp(c, d, method='exact')
///     stats.kstwobign.sf(x) for x in (0.2, 0.5, 1.0, 2.0)
@Suite struct StatisticsTests {
    let a = Sample([12.1, 15.3, 9.8, 22.4, 15.3, 11.0, 13.7, 18.2, 10.5, 14.9])
    let b = Sample([16.2, 19.8, 15.3, 25.1, 21.7, 17.4, 20.3, 23.9, 18.8, 16.9, 22.2, 19.1])
    let c = Sample([1.2, 3.4, 2.2, 5.1, 4.4])
    let d = Sample([6.0, 2.9, 7.7, 8.1, 5.5, 9.3])

    private func close(_ x: Double?, _ y: Double, _ tolerance: Double = 1e-12) -> Bool {
        guard let x else { return false }
        return abs(x - y) <= tolerance * max(1, abs(y))
    }

    @Test func type7Quantiles() {
        let expected: [(Double, Double)] = [
            (0, 9.8), (0.1, 10.43), (0.25, 11.275), (0.5, 14.3), (0.9, 18.619999999999997), (0.99, 22.022), (1, 22.4),
        ]
        for (p, value) in expected { #expect(close(a.quantile(p), value), "p = \(p)") }
        #expect(Sample([]).median == nil)
        #expect(Sample([7]).quantile(0.9) == 7)
    }

    /// scipy 1.17.1: `binomtest(x, n).proportion_ci(confidence_level=0.95, method='wilson')`.
    @Test func wilsonIntervalsOfProportions() {
        let expected: [(Int, Int, Double, Double)] = [
            (3, 100, 0.010254524024038925, 0.08451936429052762), (0, 100, 0, 0.03699349820698568),
            (100, 100, 0.9630065017930143, 1), (41, 1000, 0.03036497108209831, 0.0551479932076413),
            (1, 3, 0.06149194472039626, 0.7923403991979523),
        ]
        for (successes, trials, low, high) in expected {
            let interval = Proportion(successes: successes, trials: trials).wilsonInterval
            #expect(close(interval.low, low) && close(interval.high, high), "\(successes) of \(trials)")
        }
    }

    @Test func mergingSortedSamplesGivesTheSortedConcatenation() {
        var random = StatisticsRandom(seed: 7)
        for parts in [0, 1, 2, 3, 17] {
            // Few distinct values, so that ties run across parts; some parts empty.
            let samples = (0..<parts).map { part in
                Sample(
                    (0..<Int(random.index(below: 40)) * (part % 4 == 3 ? 0 : 1)).map { _ in
                        Double(random.index(below: 25)) / 4
                    })
            }
            let merged = Sample(merging: samples)
            #expect(merged.sorted == Sample(samples.flatMap(\.sorted)).sorted, "\(parts) parts")
            #expect(merged.count == samples.reduce(0) { $0 + $1.count })
        }
        #expect(Sample(merging: [a]).sorted == a.sorted)
        #expect(Sample(merging: [a, Sample([]), b]).mean == Sample(a.sorted + b.sorted).mean)
    }

    /// The radix sort against a stable comparison sort of (value, position), compared bit for bit so that
    /// -0.0 and 0.0 must keep their order: random bit patterns (every sign, exponent, subnormals and
    /// infinities), few distinct values, latency-like values, values of one binade (the high digits'
    /// passes skipped, the others not), all values equal.
    @Test func radixSortGivesTheStableSortOrderToTheBit() {
        var random = StatisticsRandom(seed: 11)
        let special: [Double] = [0, -0.0, .infinity, -.infinity, .leastNonzeroMagnitude, -.leastNormalMagnitude, 1, -1]
        func stablySorted(_ values: [Double]) -> [UInt64] {
            values.indices.sorted { (values[$0], $0) < (values[$1], $1) }.map { values[$0].bitPattern }
        }
        let makers: [(String, () -> Double)] = [
            (
                "bit patterns",
                {
                    var value = Double.nan
                    while value.isNaN { value = Double(bitPattern: random.next()) }
                    return value
                }
            ),
            ("few values", { special[random.index(below: special.count)] }),
            ("latencies", { 40 + random.unit() * 900 }),
            ("one binade", { 64 + random.unit() * 64 }),
            ("one value", { 3.25 }),
        ]
        for (name, make) in makers {
            for count in [0, 1, 4095, 4096, 50_003] {
                var values = (0..<count).map { _ in make() }
                let expected = stablySorted(values)
                values.sortAscending()
                #expect(values.map(\.bitPattern) == expected, "\(name), \(count) values")
            }
        }
        // With a NaN the order is `sort()`'s, whatever that makes of it (a NaN first and one in the middle,
        // where the radix order would differ).
        var withNaN =
            [.nan] + (0..<5000).map { _ in random.unit() - 0.5 } + [-.nan] + (0..<5000).map { _ in random.unit() }
        var bySort = withNaN
        withNaN.sortAscending()
        bySort.sort()
        #expect(withNaN.map(\.bitPattern) == bySort.map(\.bitPattern))
    }

    @Test func meanStandardDeviationModeECDF() {
        #expect(close(a.mean, 14.320000000000002))
        #expect(close(a.standardDeviation, 3.857978745405422))
        #expect(a.mode == 15.3)
        #expect(Sample([3, 1, 3, 1]).mode == 1)  // the smallest of equally frequent values
        let steps = Sample([2, 1, 2, 3]).ecdf
        #expect(steps.map(\.value) == [1, 2, 3] && steps.map(\.fraction) == [0.25, 0.75, 1])
    }

    @Test func mannWhitneyWithTiesIsAsymptotic() throws {
        let test = try #require(MannWhitney(a, b))
        #expect(test.u == 15)
        #expect(close(test.pValue, 0.003308036058864694, 1e-9))
    }

    @Test func mannWhitneySmallWithoutTiesIsExact() throws {
        let test = try #require(MannWhitney(c, d))
        #expect(test.u == 3)
        #expect(close(test.pValue, 0.030303030303030304, 1e-12))
        #expect(try #require(MannWhitney(c, c)).pValue == 1)
    }

    @Test func kolmogorovSmirnovExact() throws {
        let ab = try #require(KolmogorovSmirnov(a, b))
        #expect(close(ab.d, 0.7166666666666667) && ab.exact)
        #expect(close(ab.pValue, 0.003918681937257788, 1e-9))
        let cd = try #require(KolmogorovSmirnov(c, d))
        #expect(close(cd.d, 0.8333333333333334))
        #expect(close(cd.pValue, 0.025974025974025972, 1e-9))
        #expect(try #require(KolmogorovSmirnov(a, a)).pValue == 1)
    }

    @Test func kolmogorovDistributionTail() {
        let expected: [(Double, Double)] = [
            (0.2, 0.999999999999495), (0.5, 0.9639452436648751), (1.0, 0.26999967167735456),
            (2.0, 0.0006709252557796953),
        ]
        for (x, p) in expected { #expect(close(KolmogorovSmirnov.kolmogorovSurvival(x), p, 1e-9), "x = \(x)") }
    }

    @Test func largeSamplesUseTheAsymptoticTail() throws {
        let x = Sample((0..<1500).map { Double($0 % 97) })
        let y = Sample((0..<1000).map { Double($0 % 89) + 3 })
        let test = try #require(KolmogorovSmirnov(x, y))
        #expect(!test.exact)
        #expect(close(test.pValue, KolmogorovSmirnov.kolmogorovSurvival((1500.0 * 1000 / 2500).squareRoot() * test.d)))
    }

    @Test func bootstrapIsSeededAndBracketsTheMedian() throws {
        let bootstrap = Bootstrap(seed: 7, resamples: 500)
        let first = try #require(bootstrap.medianInterval(b))
        let again = try #require(bootstrap.medianInterval(b))
        #expect(first == again)
        #expect(first.low <= b.median! && b.median! <= first.high)
        #expect(first.low >= b.min! && first.high <= b.max!)
        let constant = try #require(bootstrap.medianInterval(Sample([4, 4, 4])))
        #expect(constant == (4, 4))
        let ratio = try #require(bootstrap.ratioOfMediansInterval(a, b))
        #expect(ratio.low <= b.median! / a.median! && b.median! / a.median! <= ratio.high)
        #expect(ratio.low > 1)  // b is clearly larger
    }

    /// The bootstrap median's exact distribution for a 3-value sample, by enumerating all 27
    /// resamples: median x1 in 7 (three or two draws of x1), x2 in 13, x3 in 7. The binomial-splitting
    /// sampler must reproduce it (200,000 draws; 4 standard errors is about 0.004).
    @Test func resampledMedianHasTheExactBootstrapDistribution() {
        let sample = Sample([1, 2, 3])
        var random = StatisticsRandom(seed: 99)
        var counts: [Double: Int] = [:]
        let draws = 200_000
        for _ in 0..<draws { counts[Bootstrap.resampledMedian(sample, &random), default: 0] += 1 }
        #expect(abs(Double(counts[1]!) / Double(draws) - 7.0 / 27) < 0.004)
        #expect(abs(Double(counts[2]!) / Double(draws) - 13.0 / 27) < 0.004)
        #expect(abs(Double(counts[3]!) / Double(draws) - 7.0 / 27) < 0.004)
        // Even n: the mean of the two middle order statistics. For [1, 2]: resamples {1,1} -> 1,
        // {1,2} and {2,1} -> 1.5, {2,2} -> 2, each ordered pair with probability 1/4.
        var even: [Double: Int] = [:]
        for _ in 0..<draws { even[Bootstrap.resampledMedian(Sample([1, 2]), &random), default: 0] += 1 }
        #expect(abs(Double(even[1.5]!) / Double(draws) - 0.5) < 0.004)
        #expect(abs(Double(even[1]!) / Double(draws) - 0.25) < 0.004)
    }

    /// Binomial draws match the distribution's mean and variance (n = 1000, p = 0.3: mean 300,
    /// variance 210) and its edges.
    @Test func binomialDraws() {
        var random = StatisticsRandom(seed: 5)
        let values = (0..<100_000).map { _ in Double(Bootstrap.binomial(1000, 0.3, &random)) }
        let sample = Sample(values)
        #expect(abs(sample.mean! - 300) < 0.3)
        #expect(abs(sample.standardDeviation! * sample.standardDeviation! - 210) < 6)
        #expect(Bootstrap.binomial(0, 0.5, &random) == 0 && Bootstrap.binomial(7, 1, &random) == 7)
        #expect(Bootstrap.binomial(7, 0, &random) == 0)
    }
}
