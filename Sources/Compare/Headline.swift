import Report
import Store

/// The paper's headline findings, as the top of a comparison lists them: for each, A's rows and what
/// became of them in B.
public struct Headline: Sendable {
    public struct Finding: Sendable {
        public let title: String
        public let metric: MetricID
        public let statistics: [Statistic]
    }

    /// In the paper's order of sections.
    public static let findings = [
        Finding(title: "Maximum concurrent instances", metric: .maxConcurrentInstances, statistics: [.max]),
        Finding(title: "Memory packed on one VM", metric: .vmMemoryMB, statistics: [.max]),
        Finding(title: "Cold-start latency", metric: .coldStartLatency, statistics: [.median, .medianMin, .medianMax]),
        Finding(title: "Warm-start latency", metric: .warmStartLatency, statistics: [.median]),
        Finding(title: "Host VM uptime", metric: .vmUptimeHours, statistics: [.max]),
        Finding(title: "Longest idle time survived", metric: .maxIdleMinutes, statistics: [.max]),
    ]

    public enum Outcome: Sendable {
        case joined(Comparison.Pair)
        case refused(Comparison.Refusal)
        case notInB

        public var pair: Comparison.Pair? {
            if case .joined(let pair) = self { pair } else { nil }
        }
    }

    public struct Row: Sendable {
        public let finding: Finding
        public let a: Metric
        public let outcome: Outcome
    }

    public let rows: [Row]

    public init(_ comparison: Comparison) {
        func headline(_ row: Metric, _ finding: Finding) -> Bool {
            // Whole-provider rows and summaries, not every runtime, colevel or VM split.
            let parameters = row.parameters
            return row.metric == finding.metric && finding.statistics.contains(row.statistic)
                && parameters.colevel == nil && parameters.grouping != .newVM && parameters.grouping != .existingVM
                && (row.runtime == nil || parameters.grouping == .pooled || row.statistic != .median)
        }
        var rows: [Row] = []
        for finding in Self.findings {
            var found: [Row] = []
            for pair in comparison.pairs where headline(pair.a, finding) {
                found.append(Row(finding: finding, a: pair.a, outcome: .joined(pair)))
            }
            for refusal in comparison.refused where headline(refusal.a, finding) {
                found.append(Row(finding: finding, a: refusal.a, outcome: .refused(refusal)))
            }
            for row in comparison.onlyA where headline(row, finding) {
                found.append(Row(finding: finding, a: row, outcome: .notInB))
            }
            rows += found.sorted {
                ($0.a.provider ?? "", $0.a.runtime ?? "", $0.a.memoryMB ?? -1, $0.a.statistic.description)
                    < ($1.a.provider ?? "", $1.a.runtime ?? "", $1.a.memoryMB ?? -1, $1.a.statistic.description)
            }
        }
        self.rows = rows
    }

    /// B / A in words: "4.0x faster", "3.96x higher"; nil when there is no positive ratio.
    public static func change(_ pair: Comparison.Pair) -> String? {
        guard let ratio = pair.ratio, ratio.isFinite, ratio > 0, pair.a.value > 0 else { return nil }
        let factor = ratio >= 1 ? ratio : 1 / ratio
        if factor < 1.005 { return "no change" }
        let words = pair.a.metric.isLatency ? (ratio < 1 ? "faster" : "slower") : (ratio < 1 ? "lower" : "higher")
        return "\(Text.number(factor, significant: 3))x \(words)"
    }
}

extension KeyFindings {
    /// A report's key findings: the headline rows B measured or that were refused, each with its note
    /// (rows B lacks are left out; the comparison lists them), and for simulated data the model's value
    /// of each measured row from its run's truth.
    public init(_ headline: Headline, reference: String, truths: [SimulationTruth] = []) {
        let rows = headline.rows.compactMap { row -> Row? in
            switch row.outcome {
            case .joined(let pair):
                // Against published values every verdict is "summary only"; the table says so once.
                let note = [
                    pair.verdict == .summaryOnly ? nil : pair.verdict.rawValue,
                    pair.renamings.isEmpty ? nil : "across definitions",
                ].compactMap { $0 }.joined(separator: ", ")
                return Row(
                    finding: row.finding.title, paper: pair.a, measured: pair.b,
                    truth: truths.lazy.compactMap { $0.value(for: pair.b) }.first, change: Headline.change(pair),
                    note: note)
            case .refused(let refusal):
                return Row(
                    finding: row.finding.title, paper: refusal.a, measured: nil, change: nil,
                    note: "not comparable: \(refusal.reason)")
            case .notInB:
                return nil
            }
        }
        self.init(reference: reference, rows: rows)
    }
}
