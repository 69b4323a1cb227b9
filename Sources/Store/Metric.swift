/// A `metric` row (SPEC section 7): computed by an analysis, or read from a file of published numbers.
/// Computed distribution metrics also carry the sample behind them (on their median row), for charts
/// and comparisons.
public struct Metric: Sendable, Equatable {
    public var metric: MetricID
    public var provider: String?
    public var runtime: String?
    public var memoryMB: Int?
    /// What a reader sees of the row's setting; programs decide on `parameters`.
    public var setting: String?
    public var parameters: MetricParameters
    public var statistic: Statistic
    public var value: Double
    public var unit: String
    public var n: Int?
    public var ciLow: Double?
    public var ciHigh: Double?
    public var source: String?
    /// The sample behind a median row, sorted ascending (as `metric_sample` keeps it).
    public var samples: [Double]?

    public init(
        _ metric: MetricID, provider: String?, runtime: String? = nil, memoryMB: Int? = nil, setting: String? = nil,
        parameters: MetricParameters = MetricParameters(), statistic: Statistic, value: Double, unit: String,
        n: Int? = nil,
        ci: (low: Double, high: Double)? = nil, source: String? = nil, samples: [Double]? = nil
    ) {
        self.parameters = parameters
        self.metric = metric
        self.provider = provider
        self.runtime = runtime
        self.memoryMB = memoryMB
        self.setting = setting
        self.statistic = statistic
        self.value = value
        self.unit = unit
        self.n = n
        self.ciLow = ci?.low
        self.ciHigh = ci?.high
        self.source = source
        self.samples = samples
    }
}
