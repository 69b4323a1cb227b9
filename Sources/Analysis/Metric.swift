import Statistics
import Store

/// Where a group of metrics belongs: provider, runtime (with architecture and packaging), memory and
/// setting.
public struct MetricGroup: Hashable, Sendable, Comparable {
    public var provider: String?
    public var runtime: String?
    public var architecture: String?
    public var packaging: String?
    public var memoryMB: Int?
    public var setting: String?
    public var parameters: MetricParameters

    public init(
        provider: String?, runtime: String? = nil, architecture: String? = nil, packaging: String? = nil,
        memoryMB: Int? = nil, setting: String? = nil, parameters: MetricParameters = MetricParameters()
    ) {
        self.provider = provider
        self.runtime = runtime
        self.architecture = architecture
        self.packaging = packaging
        self.memoryMB = memoryMB
        self.setting = setting
        self.parameters = parameters
    }

    /// By provider, runtime, variant (`RuntimeVariant`), memory and setting.
    public static func < (a: MetricGroup, b: MetricGroup) -> Bool {
        if (a.provider ?? "", a.runtime ?? "") != (b.provider ?? "", b.runtime ?? "") {
            return (a.provider ?? "", a.runtime ?? "") < (b.provider ?? "", b.runtime ?? "")
        }
        let (variantA, variantB) = (
            RuntimeVariant(packaging: a.packaging, architecture: a.architecture),
            RuntimeVariant(packaging: b.packaging, architecture: b.architecture)
        )
        if variantA < variantB || variantB < variantA { return variantA < variantB }
        return (a.memoryMB ?? -1, a.setting ?? "") < (b.memoryMB ?? -1, b.setting ?? "")
    }

    /// The usual statistics of a distribution: median (with bootstrap CI and the sample), p90, p99,
    /// mean, max.
    func distribution(
        _ metric: MetricID, _ sample: Sample, unit: String, bootstrap: Bootstrap,
        statistics: [Statistic] = [.median, .p90, .p99, .mean]
    ) -> [Metric] {
        guard !sample.isEmpty else { return [] }
        return statistics.compactMap { statistic in
            let value: Double?
            var ci: (low: Double, high: Double)?
            var samples: [Double]?
            switch statistic {
            case .median:
                value = sample.median
                ci = bootstrap.medianInterval(sample)
                samples = sample.sorted
            case .mean: value = sample.mean
            case .max: value = sample.max
            case .min: value = sample.min
            case .percentile(let percent): value = sample.quantile(percent / 100)
            default: preconditionFailure("\(statistic) is not a statistic of one distribution")
            }
            guard let value else { return nil }
            return Metric(
                metric, provider: provider, runtime: runtime, architecture: architecture, packaging: packaging,
                memoryMB: memoryMB, setting: setting,
                parameters: parameters,
                statistic: statistic, value: value, unit: unit, n: sample.count, ci: ci, samples: samples)
        }
    }

    func value(_ metric: MetricID, statistic: Statistic, _ value: Double, unit: String, n: Int? = nil) -> Metric {
        Metric(
            metric, provider: provider, runtime: runtime, architecture: architecture, packaging: packaging,
            memoryMB: memoryMB, setting: setting, parameters: parameters,
            statistic: statistic, value: value, unit: unit, n: n)
    }
}
