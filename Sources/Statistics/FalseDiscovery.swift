/// Benjamini-Hochberg adjusted p-values (q-values), as scipy.stats.false_discovery_control(p,
/// method='bh'): the i-th smallest p times m / i, made monotone from the largest down, capped at 1.
/// Declaring every q below alpha a discovery keeps the expected share of false ones below alpha,
/// however many groups a run tests.
public enum FalseDiscovery {
    public static func benjaminiHochberg(_ pValues: [Double]) -> [Double] {
        let m = Double(pValues.count)
        let order = pValues.indices.sorted { pValues[$0] < pValues[$1] || (pValues[$0] == pValues[$1] && $0 < $1) }
        var adjusted = [Double](repeating: 1, count: pValues.count)
        var running = 1.0
        for (rank, index) in order.enumerated().reversed() {
            running = min(running, pValues[index] * m / Double(rank + 1))
            adjusted[index] = min(running, 1)
        }
        return adjusted
    }
}
