import GRDB

/// The experiment parameters and groupings that tell a metric row's setting apart, as fields
/// (docs/analyses.md, "Metric rows"). A row's `setting` text is what a reader sees; programs decide on
/// these. Stored in the metric table's columns of the same names.
public struct MetricParameters: Hashable, Sendable, Encodable {
    public enum Temperature: String, Sendable, Encodable {
        case cold, warm
    }

    /// Rows that pool or split a stage's invocations other than by the fields below.
    public enum Grouping: String, Sendable, Encodable, CaseIterable {
        /// Every runtime and memory size of the provider together.
        case pooled
        /// Cold starts in the first batch that reached their VM, or on a VM already in use.
        case newVM = "new-vm"
        case existingVM = "existing-vm"
        /// Idle instances whose VM another instance kept busy during the gap.
        case busyVM = "busy-vm"

        /// What the rows were grouped over, in words, for figure titles.
        public var words: String {
            switch self {
            case .pooled: "every runtime and memory size"
            case .newVM: "on a new VM"
            case .existingVM: "on a VM in use"
            case .busyVM: "on a VM kept busy"
            }
        }

        /// `pooled, new-vm, existing-vm, busy-vm`, for messages.
        public static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }
    }

    /// The experiment whose runs the row comes from; nil when the stage used every invocation.
    public var experiment: String?
    public var temperature: Temperature?
    public var grouping: Grouping?
    public var scenario: String?
    public var concurrency: Int?
    /// Instances started together on one VM (cold starts, CPU, I/O and network).
    public var colevel: Int?
    /// Requests per batch (update consistency's k).
    public var batchSize: Int?
    public var delaySeconds: Double?
    public var idleMinutes: Double?
    public var intervalSeconds: Double?

    public init(
        experiment: String? = nil, temperature: Temperature? = nil, grouping: Grouping? = nil, scenario: String? = nil,
        concurrency: Int? = nil, colevel: Int? = nil, batchSize: Int? = nil, delaySeconds: Double? = nil,
        idleMinutes: Double? = nil, intervalSeconds: Double? = nil
    ) {
        self.experiment = experiment
        self.temperature = temperature
        self.grouping = grouping
        self.scenario = scenario
        self.concurrency = concurrency
        self.colevel = colevel
        self.batchSize = batchSize
        self.delaySeconds = delaySeconds
        self.idleMinutes = idleMinutes
        self.intervalSeconds = intervalSeconds
    }

    /// Whether `other` has every parameter this one names, with the same value.
    public func isSubset(of other: MetricParameters) -> Bool {
        func same<T: Equatable>(_ mine: T?, _ theirs: T?) -> Bool { mine == nil || mine == theirs }
        return same(experiment, other.experiment) && same(temperature, other.temperature)
            && same(grouping, other.grouping) && same(scenario, other.scenario)
            && same(concurrency, other.concurrency) && same(colevel, other.colevel)
            && same(batchSize, other.batchSize) && same(delaySeconds, other.delaySeconds)
            && same(idleMinutes, other.idleMinutes) && same(intervalSeconds, other.intervalSeconds)
    }

    /// The parameters in which this row differs from some of `peers`, in words ("on a new VM", "colevel 4").
    /// A parameter this row lacks and a peer has is named only where its absence has one meaning (every
    /// run of the snapshot; no scenario): elsewhere nil means "not applicable" to one stage and "unknown"
    /// or "pooled" to another, and the caller falls back to the row's setting.
    public func words(among peers: [MetricParameters]) -> [String] {
        func word<T: Equatable>(
            _ field: KeyPath<MetricParameters, T?>, unset: String? = nil, _ set: (T) -> String
        )
            -> String?
        {
            guard peers.contains(where: { $0[keyPath: field] != self[keyPath: field] }) else { return nil }
            return self[keyPath: field].map(set) ?? unset
        }
        func number(_ value: Double) -> String { value.rounded() == value ? String(Int(value)) : String(value) }
        let words: [String?] = [
            word(\.experiment, unset: "every run") { "\($0) runs" },
            word(\.temperature) { "\($0.rawValue) starts" },
            word(\.grouping) { $0.words },
            word(\.scenario, unset: "no scenario") { "scenario \($0)" },
            word(\.concurrency) { "concurrency \($0)" },
            word(\.colevel) { "colevel \($0)" },
            word(\.batchSize) { "batches of \($0)" },
            word(\.delaySeconds) { "delay \(number($0)) s" },
            word(\.idleMinutes) { "idle \(number($0)) min" },
            word(\.intervalSeconds) { "every \(number($0)) s" },
        ]
        return words.compactMap { $0 }
    }

    /// As JSON: the column names, absent parameters left out.
    enum CodingKeys: String, CodingKey {
        case experiment, temperature, grouping, scenario, concurrency, colevel
        case batchSize = "batch_size"
        case delaySeconds = "delay_s"
        case idleMinutes = "idle_minutes"
        case intervalSeconds = "interval_s"
    }

    init(_ row: Row) {
        self.init(
            experiment: row["experiment"], temperature: (row["temperature"] as String?).flatMap(Temperature.init),
            grouping: (row["grouping"] as String?).flatMap(Grouping.init), scenario: row["scenario"],
            concurrency: row["concurrency"], colevel: row["colevel"], batchSize: row["batch_size"],
            delaySeconds: row["delay_s"],
            idleMinutes: row["idle_minutes"], intervalSeconds: row["interval_s"])
    }
}
