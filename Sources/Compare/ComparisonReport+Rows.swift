import Foundation
import Report
import Store

/// `analyze compare --format csv|json`: one row per joined pair; JSON adds the refused pairs and the
/// rows on one side only, every value a JSON number or null.
extension ComparisonReport {
    static let columns = [
        "metric", "provider", "runtime", "architecture", "packaging", "memory_mb", "setting_a", "setting_b",
        "statistic", "a", "b", "unit", "b_over_a", "ci_low", "ci_high", "mann_whitney_p", "mann_whitney_q", "ks_p",
        "verdict", "join_rule",
    ]

    /// One row per pair, as text, in `columns` order.
    var rows: [[String?]] {
        comparison.pairs.map { pair in
            [
                pair.a.metric.rawValue, pair.a.provider, pair.a.runtime, pair.a.architecture, pair.a.packaging,
                pair.a.memoryMB.map(String.init), pair.a.setting, pair.b.setting, pair.a.statistic.description,
                "\(pair.a.value)", "\(pair.b.value)", pair.a.unit, pair.ratio.map { "\($0)" },
                pair.ratioCI.map { "\($0.low)" }, pair.ratioCI.map { "\($0.high)" }, pair.mannWhitneyP.map { "\($0)" },
                pair.mannWhitneyQ.map { "\($0)" }, pair.kolmogorovSmirnovP.map { "\($0)" }, pair.verdict.rawValue,
                pair.ruleText,
            ]
        }
    }

    public func csv() -> String {
        ([Self.columns.joined(separator: ",")] + rows.map { $0.map { Text.csv($0 ?? "") }.joined(separator: ",") })
            .joined(separator: "\n") + "\n"
    }

    /// JSON has no infinity or NaN: such a value (a ratio over a zero-ish A) is null.
    private static func finite(_ value: Double?) -> Double? { value.flatMap { $0.isFinite ? $0 : nil } }

    /// One metric row: its fields, every key written (null when absent).
    struct RowJSON: Encodable {
        let metric: String, provider: String?, runtime: String?, architecture: String?, packaging: String?
        let memoryMB: Int?, setting: String?, statistic: String, value: Double?, unit: String, n: Int?
        let parameters: MetricParameters

        init(_ row: Metric) {
            (metric, provider, runtime, architecture, packaging) = (
                row.metric.rawValue, row.provider, row.runtime, row.architecture, row.packaging
            )
            (memoryMB, setting, statistic) = (row.memoryMB, row.setting, row.statistic.description)
            (value, unit, n, parameters) = (finite(row.value), row.unit, row.n, row.parameters)
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(metric, forKey: .metric)
            try container.encode(provider, forKey: .provider)
            try container.encode(runtime, forKey: .runtime)
            try container.encode(architecture, forKey: .architecture)
            try container.encode(packaging, forKey: .packaging)
            try container.encode(memoryMB, forKey: .memoryMB)
            try container.encode(setting, forKey: .setting)
            try container.encode(statistic, forKey: .statistic)
            try container.encode(value, forKey: .value)
            try container.encode(unit, forKey: .unit)
            try container.encode(n, forKey: .n)
            try container.encode(parameters, forKey: .parameters)
        }

        enum CodingKeys: String, CodingKey {
            case metric, provider, runtime, architecture, packaging
            case memoryMB = "memory_mb"
            case setting, statistic, value, unit, n, parameters
        }
    }

    /// One pair: A's and B's rows, B/A with its CI, the tests' p-values, the verdict and the join rule.
    struct PairJSON: Encodable {
        let a: RowJSON, b: RowJSON, bOverA: Double?, ciLow: Double?, ciHigh: Double?
        let mannWhitneyP: Double?, mannWhitneyQ: Double?, ksP: Double?, verdict: String, joinRule: String

        init(_ pair: Comparison.Pair) {
            (a, b, bOverA) = (RowJSON(pair.a), RowJSON(pair.b), finite(pair.ratio))
            (ciLow, ciHigh) = (finite(pair.ratioCI?.low), finite(pair.ratioCI?.high))
            (mannWhitneyP, ksP) = (finite(pair.mannWhitneyP), finite(pair.kolmogorovSmirnovP))
            mannWhitneyQ = finite(pair.mannWhitneyQ)
            (verdict, joinRule) = (pair.verdict.rawValue, pair.ruleText)
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(a, forKey: .a)
            try container.encode(b, forKey: .b)
            try container.encode(bOverA, forKey: .bOverA)
            try container.encode(ciLow, forKey: .ciLow)
            try container.encode(ciHigh, forKey: .ciHigh)
            try container.encode(mannWhitneyP, forKey: .mannWhitneyP)
            try container.encode(mannWhitneyQ, forKey: .mannWhitneyQ)
            try container.encode(ksP, forKey: .ksP)
            try container.encode(verdict, forKey: .verdict)
            try container.encode(joinRule, forKey: .joinRule)
        }

        enum CodingKeys: String, CodingKey {
            case a, b
            case bOverA = "b_over_a"
            case ciLow = "ci_low"
            case ciHigh = "ci_high"
            case mannWhitneyP = "mann_whitney_p"
            case mannWhitneyQ = "mann_whitney_q"
            case ksP = "ks_p"
            case verdict
            case joinRule = "join_rule"
        }
    }

    struct RefusalJSON: Encodable {
        let a: RowJSON, b: RowJSON, reason: String
    }

    struct DocumentJSON: Encodable {
        let a: [String], b: [String], pairs: [PairJSON], refused: [RefusalJSON], onlyA: [RowJSON], onlyB: [RowJSON]
        enum CodingKeys: String, CodingKey {
            case a, b, pairs, refused
            case onlyA = "only_a"
            case onlyB = "only_b"
        }
    }

    /// `summary.json` beside `compare.md`: what was compared and how many rows ended where (the reports
    /// index reads it).
    func summaryJSON() throws -> String {
        struct Summary: Encodable {
            let a: [String], b: [String], pairs: Int, refused: Int, onlyA: Int, onlyB: Int
            enum CodingKeys: String, CodingKey {
                case a, b, pairs, refused
                case onlyA = "only_a"
                case onlyB = "only_b"
            }
        }
        let c = comparison
        let summary = Summary(
            a: c.aSnapshots, b: c.bSnapshots, pairs: c.pairs.count, refused: c.refused.count, onlyA: c.onlyA.count,
            onlyB: c.onlyB.count)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(summary), as: UTF8.self) + "\n"
    }

    public func json() throws -> String {
        let c = comparison
        let document = DocumentJSON(
            a: c.aSnapshots, b: c.bSnapshots, pairs: c.pairs.map(PairJSON.init),
            refused: c.refused.map { RefusalJSON(a: RowJSON($0.a), b: RowJSON($0.b), reason: $0.reason) },
            onlyA: c.onlyA.map(RowJSON.init), onlyB: c.onlyB.map(RowJSON.init))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(document), as: UTF8.self) + "\n"
    }
}
