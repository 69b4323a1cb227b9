import GRDB

/// What a metric row's value is of its sample. Stored and printed as text (`median`, `p90`,
/// `ratio_of_medians`); every program decision is made on the case.
public enum Statistic: Hashable, Sendable, CustomStringConvertible {
    case median, mean, min, max, mode, count, fraction
    /// The type-7 quantile at `percent` (e.g. 90 for `p90`).
    case percentile(Double)
    /// The smallest or largest median over a parameter's settings (the paper's "167-171 ms across
    /// memory sizes").
    case medianMin, medianMax
    case medianDifference, ratioOfMedians, ratioOfMeans
    /// A statistic a metrics file names that no analysis computes.
    case other(String)

    /// The statistics with a fixed name, each with its text.
    private static let named: [(Statistic, String)] = [
        (.median, "median"), (.mean, "mean"), (.min, "min"), (.max, "max"), (.mode, "mode"), (.count, "count"),
        (.fraction, "fraction"), (.medianMin, "median_min"), (.medianMax, "median_max"),
        (.medianDifference, "median_difference"), (.ratioOfMedians, "ratio_of_medians"),
        (.ratioOfMeans, "ratio_of_means"),
    ]

    public init(_ text: String) {
        if let (statistic, _) = Self.named.first(where: { $0.1 == text }) {
            self = statistic
            return
        }
        // `p90` and the like; text that would not print back the same (`p090`) stays as it is.
        let digits = String(text.dropFirst())
        if text.hasPrefix("p"), let percent = Double(digits), (0...100).contains(percent),
            Self.number(percent) == digits
        {
            self = .percentile(percent)
        } else {
            self = .other(text)
        }
    }

    public var description: String {
        switch self {
        case .percentile(let percent): "p" + Self.number(percent)
        case .other(let text): text
        default: Self.named.first { $0.0 == self }!.1
        }
    }

    public static let p90 = Statistic.percentile(90)
    public static let p99 = Statistic.percentile(99)

    /// `90` for 90.0, `99.9` for 99.9.
    private static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}

extension Statistic: DatabaseValueConvertible {
    public var databaseValue: DatabaseValue { description.databaseValue }

    public static func fromDatabaseValue(_ value: DatabaseValue) -> Statistic? {
        String.fromDatabaseValue(value).map(Statistic.init)
    }
}
