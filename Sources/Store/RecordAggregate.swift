/// What one record of a source stands for when it is not one invocation: a statistic of the values in
/// a period, e.g. the per-minute maximum of Lambda's Duration that CloudWatch publishes. Declared by a
/// manifest's `aggregate` (docs/formats.md) and kept per source file, so that a report says which
/// quantity its medians are of.
public struct RecordAggregate: Hashable, Sendable {
    public let statistic: Statistic
    public let periodSeconds: Double

    /// Nil unless the statistic is one a record can stand for (max, min, mean, median or a percentile)
    /// and the period is positive.
    public init?(statistic: Statistic, periodSeconds: Double) {
        switch statistic {
        case .max, .min, .mean, .median, .percentile: break
        default: return nil
        }
        guard periodSeconds > 0, periodSeconds.isFinite else { return nil }
        self.statistic = statistic
        self.periodSeconds = periodSeconds
    }

    /// `per-minute maximum`, `hourly mean`, `per-15 s median`.
    public var description: String { "\(period) \(nouns.one)" }

    /// `per-minute maxima`, `hourly means`.
    public var plural: String { "\(period) \(nouns.many)" }

    private var period: String {
        switch periodSeconds {
        case 60: "per-minute"
        case 3600: "hourly"
        case 86400: "daily"
        default: "per-\(Bounded.text(periodSeconds)) s"
        }
    }

    private var nouns: (one: String, many: String) {
        switch statistic {
        case .max: ("maximum", "maxima")
        case .min: ("minimum", "minima")
        default: (statistic.name, statistic.name + "s")
        }
    }
}
