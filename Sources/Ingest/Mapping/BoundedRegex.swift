import Foundation

/// A mapping's regular expression, run under a time budget per evaluation. A pattern such as
/// `^(a+)+$` backtracks exponentially on some inputs (0.6 s a record was seen); the engine reports
/// its progress, so an evaluation that runs past the budget stops and becomes the record's reject
/// instead of stalling the ingest or (as the engine's own give-up did) silently matching nothing.
struct BoundedRegex: @unchecked Sendable {  // NSRegularExpression is immutable and thread-safe
    let pattern: String
    private let expression: NSRegularExpression
    /// Wall time one evaluation may take (docs/mappings.md).
    static let budget: TimeInterval = 0.05

    init(_ pattern: String) throws {
        self.pattern = pattern
        expression = try NSRegularExpression(pattern: pattern)
    }

    enum Outcome: Equatable {
        /// The first capture group's text, or the whole match's when the pattern has no group.
        case match(String)
        case noMatch
        case overBudget
    }

    func firstCapture(in text: String) -> Outcome {
        let started = DispatchTime.now().uptimeNanoseconds
        let limit = UInt64(Self.budget * 1e9)
        var outcome = Outcome.noMatch
        expression.enumerateMatches(in: text, options: [.reportProgress], range: NSRange(text.startIndex..., in: text)) { result, _, stop in
            if let result {
                let group = result.numberOfRanges > 1 ? result.range(at: 1) : result.range
                outcome = .match(Range(group, in: text).map { String(text[$0]) } ?? "")
                stop.pointee = true
            } else if DispatchTime.now().uptimeNanoseconds - started > limit {
                outcome = .overBudget
                stop.pointee = true
            }
        }
        return outcome
    }
}
