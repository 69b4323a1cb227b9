/// The measurements of the paper, one analysis stage each, in the paper's order (docs/analyses.md).
public enum StageID: String, CaseIterable, Sendable, Hashable {
    case vmInventory = "vm-inventory"
    case coresidency
    case scalability
    case placement
    case coldStart = "coldstart"
    case lifetime
    case idleRecycling = "idle"
    case consistency
    case cpu
    case ioAndNetwork = "io-network"

    /// The section of the paper it reproduces.
    public var title: String {
        switch self {
        case .vmInventory: "Architecture and VM inventory"
        case .coresidency: "Isolation: tenant coresidency"
        case .scalability: "Scalability"
        case .placement: "Placement: VM memory utilization"
        case .coldStart: "Cold and warm start latency"
        case .lifetime: "Instance lifetime"
        case .idleRecycling: "Idle recycling"
        case .consistency: "Update consistency"
        case .cpu: "Performance isolation: CPU"
        case .ioAndNetwork: "Performance isolation: I/O and network"
        }
    }

    /// Bumped whenever the stage changes what it computes, so that analyses stored by an older version
    /// are computed again.
    /// Version 2 of every stage: metric rows carry their parameters as fields. Cold starts 3: rows
    /// carry architecture and packaging, and the hourly medians in time order. Idle recycling 3: the
    /// longest idle time on a VM kept busy is grouped `busy-vm`. Scalability 3: VMs per batch. Lifetime 3:
    /// the longest VM uptime within lifetime runs too. Cold starts 4: a provider's pooled row counts a
    /// group repeating another's values once; the hourly medians carry their CIs.
    public var version: Int {
        switch self {
        case .coldStart: 4
        case .idleRecycling, .scalability, .lifetime: 3
        default: 2
        }
    }
}
