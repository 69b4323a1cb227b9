/// A derived value no real invocation can have, counted per file at ingest and kept out of every
/// latency distribution (docs/analyses.md, "Data quality"). The record is stored as read: the flag is a
/// verdict on its clocks, not on the file.
public enum QualityFlag: Int, CaseIterable, Sendable {
    /// The function started before the client sent the request: start latency below 0. The instance's
    /// clock is behind the client's by more than the true latency.
    case startBeforeSent = 0
    /// The function ran longer than the client waited for it: a handler duration above the round trip.
    case durationOverRoundTrip = 1

    /// Whether the record carries this flag (both values known and out of order).
    public func isRaised(by record: InvocationRecord) -> Bool {
        switch self {
        case .startBeforeSent:
            guard let start = record.functionStartMs, let sent = record.requestSentMs else { return false }
            return start < sent
        case .durationOverRoundTrip:
            guard let duration = record.functionDurationMs, let roundTrip = record.roundTripMs else { return false }
            return duration > roundTrip
        }
    }

    /// The `source_file` column that counts the file's flagged invocations.
    var column: String {
        switch self {
        case .startBeforeSent: "start_before_sent"
        case .durationOverRoundTrip: "duration_over_round_trip"
        }
    }

    /// What the flag says, in words, for the report.
    public var meaning: String {
        switch self {
        case .startBeforeSent: "function start before the request was sent (start latency < 0)"
        case .durationOverRoundTrip: "handler duration longer than the round trip"
        }
    }

    /// SQL over the invocation alias `i`, true for a record that carries no flag: the analyses' filter
    /// for latency distributions. Kept in step with `isRaised(by:)` (a test compares the two).
    public static let unflaggedCondition =
        "NOT (coalesce(i.function_start_ms < i.request_sent_ms, 0) "
        + "OR coalesce(i.function_duration_ms > i.round_trip_ms, 0))"
}
