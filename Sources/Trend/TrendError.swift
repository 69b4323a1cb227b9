/// Why a trend cannot be computed, as one line.
public enum TrendError: Error, CustomStringConvertible, Equatable {
    case unknownSnapshot(String)
    case noMatchingSnapshot(pattern: String)
    case noTime(snapshot: String)
    case tooFewPoints(Int)
    case outOfOrder(earlier: String, later: String)
    case sameTime(String, String)
    case noCommonGroup(points: Int)
    case noPerInvocationTime(snapshot: String)

    public var description: String {
        switch self {
        case .unknownSnapshot(let name): "no snapshot '\(name)' in the store (analyze snapshots lists them)"
        case .noMatchingSnapshot(let pattern): "no snapshot's name matches '\(pattern)'"
        case .noTime(let snapshot):
            "snapshot '\(snapshot)' does not say when it was measured (no request times, measurement days or dated "
                + "file names): it cannot be a point of a trend"
        case .tooFewPoints(let count):
            "a trend needs at least \(Trend.fewestPoints) points in time, got \(count)"
        case .outOfOrder(let earlier, let later):
            "snapshots out of time order: '\(later)' is given before '\(earlier)', which was measured earlier; give "
                + "them oldest first, or use --snapshots"
        case .sameTime(let a, let b):
            "'\(a)' and '\(b)' were measured over overlapping times: two points of a trend must not overlap"
        case .noCommonGroup(let points):
            "no metric group is in at least \(Trend.fewestPoints) of the \(points) points: nothing to trend"
        case .noPerInvocationTime(let snapshot):
            "snapshot '\(snapshot)' has no time per invocation (request times or measurement days), so --by cannot "
                + "split it"
        }
    }
}
