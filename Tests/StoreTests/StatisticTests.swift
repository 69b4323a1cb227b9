import Store
import Testing

@Suite struct StatisticTests {
    /// Every stored text reads back as itself; names and percentiles become their cases.
    @Test func textRoundTrips() {
        for text in [
            "median", "mean", "p90", "p99", "p99.9", "p0", "p100", "median_min", "ratio_of_means", "p050", "p90.0", "x",
        ] {
            #expect(Statistic(text).description == text, "\(text)")
        }
        #expect(Statistic("p90") == .p90 && Statistic("p99.9") == .percentile(99.9) && Statistic("median") == .median)
        #expect(Statistic("p050") == .other("p050") && Statistic("p101") == .other("p101"))
    }
}
