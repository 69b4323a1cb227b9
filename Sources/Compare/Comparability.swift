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
        // Over a whole snapshot, the window VMs were watched in is the snapshot's span, whatever it measured.
        let wholeSnapshot = a.parameters.experiment == nil || b.parameters.experiment == nil
        guard a.parameters.experiment != b.parameters.experiment || (a.metric == .vmUptimeHours && wholeSnapshot)
        else { return nil }
        switch a.metric {
        case .vmUptimeHours:
            return "the longest VM uptime seen grows with how long VMs are watched; \(origins)"
        case .vmMemoryMB, .placementUtilization:
            return "the most memory seen on one VM depends on whether the runs pack instances onto VMs; \(origins)"
        default:
            return nil
        }
    }

    private static func origin(_ row: Metric) -> String {
        row.parameters.experiment.map { "runs of the '\($0)' experiment" } ?? "all invocations of its snapshot"
    }
}
