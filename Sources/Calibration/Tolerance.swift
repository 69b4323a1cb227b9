/// How close the value recovered from a simulated profile must come to the paper's number.
public enum Tolerance: Sendable, Equatable, CustomStringConvertible {
    /// Within this fraction of the paper's value.
    case relative(Double)
    /// Within this distance of the paper's value, in its unit.
    case absolute(Double)
    /// Anywhere in this range (the paper gives a range, or its own repetitions disagree).
    case within(ClosedRange<Double>)

    public func admits(_ value: Double, paper: Double) -> Bool {
        switch self {
        case .relative(let fraction): abs(value - paper) <= fraction * abs(paper)
        case .absolute(let distance): abs(value - paper) <= distance
        case .within(let range): range.contains(value)
        }
    }

    public var description: String {
        switch self {
        case .relative(let fraction): "±\(Self.number(fraction * 100)) %"
        case .absolute(let distance): "±\(Self.number(distance))"
        case .within(let range): "\(Self.number(range.lowerBound)) to \(Self.number(range.upperBound))"
        }
    }

    /// `10` for a whole number, `0.05` otherwise: the numbers of profile files and tolerances.
    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
