/// What a reader calls a metric or a statistic, for figure labels (docs/analyses.md defines each id);
/// tables keep the ids, which are what `metrics.csv` and queries use.
extension MetricID {
    /// `cold-start latency` for `coldstart.latency_ms`; an id no analysis computes names itself.
    public var name: String {
        Self.names[self] ?? rawValue
    }

    private static let names: [MetricID: String] = [
        .vmCount: "VMs seen", .vmConfigurations: "VM configurations", .vmConfigurationShare: "VM configuration share",
        .vmVCPUs: "vCPUs per VM", .vmMemoryGB: "VM memory", .crossTenantFraction: "cross-tenant coresident fraction",
        .coresidencyVMs: "VMs in the coresidency test", .instancesPerRequest: "instances per request",
        .maxConcurrentInstances: "max concurrent instances", .vmsPerBatch: "VMs serving a batch",
        .vmMemoryMB: "memory packed on one VM",
        .placementUtilization: "VM memory utilization", .coldStartLatency: "cold-start latency",
        .coldStartInitDuration: "cold-start Init Duration", .coldStartEndToEnd: "cold-start end-to-end latency",
        .coldStartReportedDuration: "cold-start handler duration", .warmStartLatency: "warm-start latency",
        .warmStartEndToEnd: "warm-start end-to-end latency", .warmStartReportedDuration: "warm-start handler duration",
        .newVMMinusExistingVM: "cold start on a new VM minus on a VM in use",
        .hourlyColdStartMedian: "hourly cold-start median", .rerunSpeedup: "rerun speedup",
        .instanceLifetimeMinutes: "instance lifetime", .instanceLifetimeHours: "instance lifetime",
        .vmUptimeHours: "host VM uptime", .maxIdleMinutes: "longest idle time survived",
        .idleSurvivalFraction: "instances surviving an idle gap", .coldProbability: "P(cold) after an idle gap",
        .staleFraction: "stale requests after an update", .staleNewInstanceFraction: "stale requests on new instances",
        .safeDelay: "safe delay after an update", .cpuUtilization: "CPU share", .ioThroughput: "I/O throughput",
        .networkThroughput: "network throughput", .ioSlowdown: "I/O slowdown", .networkSlowdown: "network slowdown",
        .maxSlowdown: "largest slowdown", .memoryUsed: "memory used", .reportedDuration: "reported duration",
    ]
}

extension Statistic {
    /// `median`, `p90`, `lowest median over memory sizes`: the statistic in words.
    public var name: String {
        switch self {
        case .medianMin: "lowest median over memory sizes"
        case .medianMax: "highest median over memory sizes"
        case .medianDifference: "difference of medians"
        case .ratioOfMedians: "ratio of medians"
        case .ratioOfMeans: "ratio of means"
        default: description
        }
    }
}
