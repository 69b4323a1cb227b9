import Foundation

/// A mapping's regular expression, run under a budget per evaluation. A pattern such as `^(a+)+$`
/// backtracks exponentially on some inputs (0.6 s a record was seen); the engine reports its progress
/// every so many steps, so an evaluation that runs past the budget stops and becomes the record's
/// reject instead of stalling the ingest or (as the engine's own give-up did) silently matching
/// nothing. The budget counts progress reports, not time: the same input gets the same verdict on a
/// busy machine.
struct BoundedRegex: @unchecked Sendable {  // NSRegularExpression is immutable and thread-safe
    let pattern: String
    private let expression: NSRegularExpression
    /// Progress reports one evaluation may take: about 100 ms of backtracking on a 2-core machine of
    /// 2026 (docs/mappings.md), far above what any pattern of a real mapping needs.
    static let budget = 300

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
        var reports = 0
        var outcome = Outcome.noMatch
        expression.enumerateMatches(in: text, options: [.reportProgress], range: NSRange(text.startIndex..., in: text))
        { result, _, stop in
            reports += 1
            if let result {
                let group = result.numberOfRanges > 1 ? result.range(at: 1) : result.range
                outcome = .match(Range(group, in: text).map { String(text[$0]) } ?? "")
                stop.pointee = true
            } else if reports >= Self.budget {
                outcome = .overBudget
                stop.pointee = true
            }
        }
        return outcome
    }
}
