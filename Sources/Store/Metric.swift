/// A `metric` row (SPEC section 7): computed by an analysis, or read from a file of published numbers.
/// Computed distribution metrics also carry the sample behind them (on their median row), for charts
/// and comparisons.
public struct Metric: Sendable, Equatable {
    public var metric: MetricID
    public var provider: String?
    public var runtime: String?
    /// Instruction set and deployment package (`x86_64`/`arm64`, `zip`/`image`), when the source says.
    public var architecture: String?
    public var packaging: String?
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
    /// The values behind a row in the order a figure draws them (the hourly medians by hour).
    public var series: [Point]?

    public struct Point: Sendable, Equatable {
        public var x: Double
        public var y: Double
        /// A 95% interval of y (the hourly median's bootstrap CI), when the series has one for every point.
        public var low: Double?
        public var high: Double?
        public init(_ x: Double, _ y: Double, low: Double? = nil, high: Double? = nil) {
            self.x = x
            self.y = y
            self.low = low
            self.high = high
        }
    }

    /// The runtime's family and version (`python`, `3.12`).
    public var runtimeName: RuntimeName? { runtime.flatMap(RuntimeName.init) }

    /// Runtime, packaging and architecture as a reader sees them: `python312 image arm64`; the
    /// defaults (`zip`, `x86_64`: the only ones before 2020) are left out.
    public var runtimeLabel: String? {
        guard let runtime else { return nil }
        var label = runtime
        if let packaging, packaging != Self.defaultPackaging { label += " \(packaging)" }
        if let architecture, architecture != Self.defaultArchitecture { label += " \(architecture)" }
        return label
    }

    /// What a row was measured over, as a table names it: `python2.7, 128 MB, all cold starts, median`.
    public var rowLabel: String {
        [runtimeLabel, memoryMB.map { "\($0) MB" }, setting, statistic.description].compactMap { $0 }
            .joined(separator: ", ")
    }

    public static let defaultPackaging = "zip"
    public static let defaultArchitecture = "x86_64"

    public var variant: RuntimeVariant { RuntimeVariant(packaging: packaging, architecture: architecture) }

    public init(
        _ metric: MetricID, provider: String?, runtime: String? = nil, architecture: String? = nil,
        packaging: String? = nil, memoryMB: Int? = nil, setting: String? = nil,
        parameters: MetricParameters = MetricParameters(), statistic: Statistic, value: Double, unit: String,
        n: Int? = nil,
        ci: (low: Double, high: Double)? = nil, source: String? = nil, samples: [Double]? = nil
    ) {
        self.parameters = parameters
        self.metric = metric
        self.provider = provider
        self.runtime = runtime
        self.architecture = architecture
        self.packaging = packaging
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

/// A runtime's packaging and architecture, ordered with the defaults (or none stated) first: `zip` before
/// `image`, `x86_64` before `arm64`.
public struct RuntimeVariant: Hashable, Comparable, Sendable {
    public let packaging: String?
    public let architecture: String?

    public init(packaging: String?, architecture: String?) {
        self.packaging = packaging
        self.architecture = architecture
    }

    private var rank: (Int, String, Int, String) {
        let defaultPackaging = (packaging ?? Metric.defaultPackaging) == Metric.defaultPackaging
        let defaultArchitecture = (architecture ?? Metric.defaultArchitecture) == Metric.defaultArchitecture
        return (
            defaultPackaging ? 0 : 1, defaultPackaging ? "" : packaging!, defaultArchitecture ? 0 : 1,
            defaultArchitecture ? "" : architecture!
        )
    }

    public static func < (a: RuntimeVariant, b: RuntimeVariant) -> Bool { a.rank < b.rank }
}
