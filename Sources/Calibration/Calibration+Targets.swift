import Simulate
import Store

/// What the calibration makes of one of the paper's numbers.
public enum Target: Sendable {
    /// The profile is calibrated on it: the recovered value must come within the tolerance, for the
    /// reason given.
    case calibrated(Tolerance, why: String)
    /// Shown beside the others, not a target, for the reason given.
    case reference(String)
}

extension Calibration {
    /// The tolerance of each of the paper's numbers, and why it is that wide (docs/simulator.md).
    static func target(for paper: Metric) -> Target {
        switch (paper.metric, paper.statistic) {
        case (.coldStartLatency, .mean):
            .calibrated(.relative(0.2), why: "the paper's means with 1 and 20 instances starting on one VM")
        case (.coldStartLatency, _):
            .calibrated(.relative(0.1), why: "100 cold starts per runtime and memory size")
        case (.newVMMinusExistingVM, _):
            .calibrated(
                .absolute(30),
                why: "few cold starts open a VM (about 80 of 1,500), split over 15 runtime and memory groups")
        case (.rerunSpeedup, _):
            .calibrated(.relative(0.2), why: "the paper's ratio of means against a ratio of medians")
        case (.warmStartLatency, _):
            .calibrated(.relative(0.1), why: "100 to 1,500 warm starts (the n column)")
        case (.hourlyColdStartMedian, _):
            .calibrated(.relative(0.2), why: "the paper's value is read from its figure")
        case (.vmConfigurations, _), (.vmVCPUs, _):
            .calibrated(.absolute(0), why: "the profile's VM types, all seen among thousands of VMs")
        case (.vmMemoryGB, _):
            .reference("the faas_measure log carries no VM memory")
        case (.crossTenantFraction, _):
            .calibrated(.absolute(0.05), why: "500 instances per account")
        case (.coresidencyVMs, _):
            .calibrated(.relative(0.2), why: "500 instances per account")
        case (.maxConcurrentInstances, _), (.vmMemoryMB, _):
            .calibrated(.absolute(0), why: "a limit of the model, reached in every run")
        case (.instancesPerRequest, _):
            .calibrated(.absolute(0.1), why: "one batch per concurrency level")
        case (.instanceLifetimeHours, .median):
            .reference(
                "the paper's per-setting medians (230 to 363 minutes, read from its figure) all lie below its "
                    + "6.2 h over all settings, which must include settings it does not break down; the profile "
                    + "follows the per-setting medians")
        case (.instanceLifetimeHours, _):
            .calibrated(
                .relative(0.05), why: "a limit of the model (the cap on a lifetime), which the longest of 600 reaches")
        case (.vmUptimeHours, _):
            .calibrated(.within(6...12), why: "the paper saw one VM at 9.2 h; a limit of the model (max_uptime_s)")
        case (.instanceLifetimeMinutes, .median):
            .calibrated(.relative(0.15), why: "100 instances per setting")
        case (.instanceLifetimeMinutes, _):
            .calibrated(.relative(0.2), why: "a p90 of 100 instances varies by about 10 %")
        case (.maxIdleMinutes, .min):
            .reference("the model has one idle limit per profile; the paper's three days gave 22, 40 and 120 minutes")
        case (.maxIdleMinutes, _) where paper.provider == "azure":
            .calibrated(.within(22...120), why: "the paper's three days gave 22, 40 and 120 minutes")
        case (.maxIdleMinutes, _) where paper.parameters.grouping == .busyVM:
            .calibrated(
                .within(60...180), why: "the paper saw 1 to 3 hours; a limit of the model, probed up to 240 minutes")
        case (.maxIdleMinutes, _):
            .calibrated(
                .absolute(2),
                why: "a limit of the model (max_idle_s); the search resolves a minute, probes go beyond it")
        case (.idleSurvivalFraction, _):
            .calibrated(.absolute(0.06), why: "100 probes per gap: a standard error of about 0.04")
        case (.staleFraction, _), (.staleNewInstanceFraction, _):
            .calibrated(.absolute(0.01), why: "5,100 requests sent right after an update")
        case (.safeDelay, _):
            .calibrated(
                .absolute(1),
                why: "a limit of the model (window_s); delays are probed every second to 6 s, then 8 and 10 s")
        case (.cpuUtilization, _):
            .calibrated(.relative(0.1), why: "30 instances alone per memory size")
        case (.networkThroughput, .max):
            .calibrated(.relative(0.25), why: "the largest of 30 instances alone")
        case (.networkThroughput, _):
            .reference(
                "the paper's 0.2 Mbps is an outlier among instances alone; the model varies throughput by a "
                    + "normal jitter, without outliers")
        case (.maxSlowdown, _):
            .reference(
                "the paper's 19x is the largest slowdown over I/O, network and cold starts of coresident instances; "
                    + "the model divides a VM's throughput evenly, so its slowdown is the number of instances")
        default:
            .reference("no tolerance stated for this metric")
        }
    }

    /// The profile's parameters that set the number, named as in the profile file.
    static func parameter(for paper: Metric, profile: Profile) -> String? {
        let latency = profile.latency
        func runtime(_ name: String?) -> String? {
            guard let name = name ?? profile.runtimes.keys.sorted().first, let runtime = profile.runtimes[name] else {
                return nil
            }
            return "runtimes.\(name): cold_median_ms_128 \(number(runtime.coldMedianMs128)), memory_exponent "
                + number(runtime.memoryExponent)
        }
        switch paper.metric {
        case .coldStartLatency where paper.parameters.colevel != nil:
            return "latency.colevel_penalty_ms \(number(latency.colevelPenaltyMs))"
        case .coldStartLatency: return runtime(paper.runtime)
        case .newVMMinusExistingVM: return "latency.new_vm_extra_ms \(number(latency.newVmExtraMs))"
        case .rerunSpeedup: return "the 2018 profile's cold_median_ms_128 against the 2017 one's"
        case .warmStartLatency: return "latency.warm_median_ms \(number(latency.warmMedianMs))"
        case .hourlyColdStartMedian:
            let hourly = profile.hourly
            return "hourly: \(hourly.runtime), \(hourly.memoryMb) MB"
                + (hourly.coldMedianMs.map { ", cold_median_ms \(number($0))" } ?? "")
        case .vmConfigurations, .vmVCPUs, .vmMemoryGB: return "vm.types (\(profile.vm.types.count))"
        case .crossTenantFraction, .coresidencyVMs:
            let placement = profile.placement
            return "placement.policy \(placement.policy.rawValue)"
                + (placement.crossAccountProbability.map { ", cross_account_probability \(number($0))" } ?? "")
        case .maxConcurrentInstances:
            return profile.scaling.maxInstances.map { "scaling.max_instances \($0)" } ?? "scaling: no limit"
        case .instancesPerRequest:
            guard let from = profile.scaling.queueFromConcurrency, let fraction = profile.scaling.startFraction else {
                return "scaling: every request starts an instance"
            }
            return "scaling.queue_from_concurrency \(from), start_fraction \(number(fraction))"
        case .vmMemoryMB: return "vm.usable_memory_mb \(profile.vm.usableMemoryMb)"
        case .instanceLifetimeHours, .instanceLifetimeMinutes:
            let lifetime = profile.lifetime
            if let interval = paper.parameters.intervalSeconds,
                let setting = lifetime.byIntervalS?[String(Int(interval))]
            {
                return "lifetime.by_interval_s.\(Int(interval)): median_minutes \(number(setting.medianMinutes)), "
                    + "sigma \(number(setting.sigma))"
            }
            // The memory size's own median, else the profile's default (as `Lifetime.distribution` reads them).
            let key = [paper.memoryMB.map(String.init), "default"].compactMap { $0 }
                .first { lifetime.medianMinutes[$0] != nil }
            return (key.map { "lifetime.median_minutes.\($0) \(number(lifetime.medianMinutes[$0]!)), " } ?? "")
                + "max_minutes \(number(lifetime.maxMinutes))"
        case .vmUptimeHours:
            let pool = profile.vm.poolUptimeS.range
            return (profile.vm.maxUptimeS.map { "vm.max_uptime_s \(number($0)), " } ?? "")
                + "pool_uptime_s \(number(pool.lowerBound)) to \(number(pool.upperBound))"
        case .maxIdleMinutes where paper.parameters.grouping == .busyVM:
            return "idle.busy_vm_max_idle_s \(number(profile.idle.busyVmMaxIdleS))"
        case .maxIdleMinutes: return "idle.max_idle_s \(number(profile.idle.maxIdleS))"
        case .idleSurvivalFraction:
            let idle = profile.idle
            return "idle: end_probability \(number(idle.endProbability)) every \(number(idle.periodS)) s "
                + "after \(number(idle.graceS)) s"
        case .staleFraction, .staleNewInstanceFraction, .safeDelay:
            let consistency = profile.consistency
            return "consistency: stale_probability_at_zero \(number(consistency.staleProbabilityAtZero)), "
                + "new_instance_share \(number(consistency.newInstanceShare)), window_s \(number(consistency.windowS))"
        case .cpuUtilization:
            return profile.performance.fullCpuMemoryMb.map { "performance.full_cpu_memory_mb \(number($0))" }
        case .networkThroughput, .maxSlowdown:
            let performance = profile.performance
            return "performance.vm_network_mbps \(number(performance.vmNetworkMbps)), throughput_jitter "
                + number(performance.throughputJitter)
        default: return nil
        }
    }

    private static func number(_ value: Double) -> String { Tolerance.number(value) }
}
