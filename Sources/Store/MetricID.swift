import GRDB

/// A metric's stable id, e.g. `coldstart.latency_ms` (docs/analyses.md lists each with its definition).
/// An open set: files of published numbers may carry ids of their own, so this is a string with a name
/// for every id the analyses compute or the report and comparisons read, never a string matched by hand.
public struct MetricID: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }

    public var description: String { rawValue }
    public static func < (a: MetricID, b: MetricID) -> Bool { a.rawValue < b.rawValue }

    // Architecture and VM inventory.
    public static let vmCount = MetricID("vm.count")
    public static let vmConfigurations = MetricID("vm.configurations")
    public static let vmConfigurationShare = MetricID("vm.configuration_share")
    public static let vmVCPUs = MetricID("vm.vcpus")
    public static let vmMemoryGB = MetricID("vm.memory_gb")
    // Tenant coresidency.
    public static let crossTenantFraction = MetricID("coresidency.cross_tenant_fraction")
    public static let coresidencyVMs = MetricID("coresidency.vms")
    // Scalability.
    public static let instancesPerRequest = MetricID("scalability.instances_per_request")
    public static let maxConcurrentInstances = MetricID("scalability.max_concurrent_instances")
    public static let vmsPerBatch = MetricID("scalability.vms_per_batch")
    // Placement.
    public static let vmMemoryMB = MetricID("placement.vm_memory_mb")
    public static let placementUtilization = MetricID("placement.utilization")
    // Cold and warm starts, one id per latency definition (docs/analyses.md: never mixed).
    public static let coldStartLatency = MetricID("coldstart.latency_ms")
    public static let coldStartInitDuration = MetricID("coldstart.init_duration_ms")
    public static let coldStartEndToEnd = MetricID("coldstart.e2e_ms")
    public static let coldStartReportedDuration = MetricID("coldstart.reported_duration_ms")
    public static let warmStartLatency = MetricID("warmstart.latency_ms")
    public static let warmStartEndToEnd = MetricID("warmstart.e2e_ms")
    public static let warmStartReportedDuration = MetricID("warmstart.reported_duration_ms")
    public static let newVMMinusExistingVM = MetricID("coldstart.new_vm_minus_existing_vm_ms")
    public static let hourlyColdStartMedian = MetricID("coldstart.hourly_median_ms")
    public static let rerunSpeedup = MetricID("coldstart.rerun_speedup")
    // Instance lifetime.
    public static let instanceLifetimeMinutes = MetricID("lifetime.instance_minutes")
    public static let instanceLifetimeHours = MetricID("lifetime.instance_hours")
    public static let vmUptimeHours = MetricID("lifetime.vm_uptime_hours")
    // Idle recycling.
    public static let maxIdleMinutes = MetricID("idle.max_idle_minutes")
    public static let idleSurvivalFraction = MetricID("idle.survival_fraction")
    public static let coldProbability = MetricID("idle.cold_probability")
    // Update consistency.
    public static let staleFraction = MetricID("consistency.stale_fraction")
    public static let staleNewInstanceFraction = MetricID("consistency.stale_new_instance_fraction")
    public static let safeDelay = MetricID("consistency.safe_delay_s")
    // Performance isolation.
    public static let cpuUtilization = MetricID("cpu.utilization")
    public static let ioThroughput = MetricID("io.throughput_mb_s")
    public static let networkThroughput = MetricID("network.throughput_mbps")
    public static let ioSlowdown = MetricID("isolation.io_slowdown")
    public static let networkSlowdown = MetricID("isolation.network_slowdown")
    public static let maxSlowdown = MetricID("isolation.max_slowdown")
    // Published by lambda-perf besides its init durations.
    public static let memoryUsed = MetricID("memory.used_mb")
    public static let reportedDuration = MetricID("duration.reported_ms")

    /// The cold-start latency ids, best definition first, each with its warm counterpart (none for
    /// the platform's init duration, which only cold starts have).
    public static let startLatencies: [(cold: MetricID, warm: MetricID?)] = [
        (.coldStartLatency, .warmStartLatency), (.coldStartInitDuration, nil), (.coldStartEndToEnd, .warmStartEndToEnd),
        (.coldStartReportedDuration, .warmStartReportedDuration),
    ]

    /// A start latency of any definition, cold or warm, or the hourly cold-start medians: a ratio
    /// below 1 reads as "faster".
    public var isLatency: Bool {
        Self.startLatencies.contains { $0.cold == self || $0.warm == self } || self == .hourlyColdStartMedian
    }

    /// What a start-latency id measures, in words (docs/analyses.md), for the caveats of comparisons
    /// across definitions; nil for other ids.
    public var definition: String? {
        switch self {
        case .coldStartLatency, .warmStartLatency:
            "function start minus request sent, the paper's definition: the request's way to the instance and "
                + "the instance's start"
        case .coldStartInitDuration:
            "the platform's Init Duration from Lambda's REPORT line: runtime and handler initialization only, without "
                + "the request's way to the instance or the sandbox's creation"
        case .coldStartEndToEnd, .warmStartEndToEnd: "the client's time from request to response"
        case .coldStartReportedDuration, .warmStartReportedDuration:
            "the platform-reported duration of the handler's run"
        default: nil
        }
    }

    /// What a start-latency id measures, as an axis names it (lower case but for the platform's own
    /// term): `start latency`, `Init Duration`, `end-to-end latency`, `reported handler duration`; nil for
    /// other ids.
    public var quantity: String? {
        switch self {
        case .coldStartLatency, .warmStartLatency: "start latency"
        case .coldStartInitDuration: "Init Duration"
        case .coldStartEndToEnd, .warmStartEndToEnd: "end-to-end latency"
        case .coldStartReportedDuration, .warmStartReportedDuration: "reported handler duration"
        default: nil
        }
    }

    /// A count or maximum of what was seen (VMs, configurations, the longest uptime): it grows with how
    /// many invocations ran and for how long, so between two snapshots its ratio measures the experiments'
    /// sizes as much as the platform.
    public var growsWithObservation: Bool {
        [.vmCount, .vmConfigurations, .coresidencyVMs, .maxConcurrentInstances, .vmUptimeHours, .maxIdleMinutes]
            .contains(self)
    }

    /// The part before the first dot: `coldstart` for `coldstart.latency_ms`.
    public var family: String {
        String(rawValue.prefix { $0 != "." })
    }

    /// The warm-start id measured by the same definition as this cold-start id.
    public var warmCounterpart: MetricID? {
        Self.startLatencies.first { $0.cold == self }?.warm
    }
}

extension MetricID: DatabaseValueConvertible {}
