import Report
import Store

/// Rows that the join rules would pair but that cannot be compared, because the quantity depends on
/// how the runs were designed more than on the platform, or a side's own numbers disown it
/// (docs/compare.md, "Refused pairs").
enum Comparability {
    /// Why a start-latency pair is refused when B's own rows put its provider's clocks in doubt.
    static func clockProblem(_ b: Metric, suspects: [String: ClockSuspects.Medians]) -> String? {
        guard b.metric == .coldStartLatency || b.metric == .warmStartLatency, let provider = b.provider,
            let medians = suspects[provider]
        else { return nil }
        return "B's \(provider) warm starts are slower than its cold starts (medians \(Text.number(medians.warm)) and "
            + "\(Text.number(medians.cold)) ms): start latency spans the client's and the instance's clocks, and an "
            + "offset between them shifts every value"
    }

    /// Why `a` and `b` cannot be compared, or nil when they can.
    static func problem(_ a: Metric, _ b: Metric) -> String? {
        let origins = "A's value comes from \(origin(a)), B's from \(origin(b))"
        let sameRuns = a.parameters.experiment == b.parameters.experiment
        switch a.metric {
        case .vmUptimeHours where a.parameters.experiment == nil || b.parameters.experiment == nil:
            // Over a whole snapshot, VMs were watched for the snapshot's span, whatever it measured.
            return "the longest VM uptime seen grows with how long VMs are watched, and a value over a whole "
                + "snapshot depends on its span; \(origins)"
        case .vmUptimeHours where !sameRuns:
            return "the longest VM uptime seen grows with how long VMs are watched; \(origins)"
        case .vmMemoryMB where !sameRuns, .placementUtilization where !sameRuns:
            return "the most memory seen on one VM depends on whether the runs pack instances onto VMs; \(origins)"
        default:
            return nil
        }
    }

    private static func origin(_ row: Metric) -> String {
        row.parameters.experiment.map { "runs of the '\($0)' experiment" } ?? "all invocations of its snapshot"
    }
}
