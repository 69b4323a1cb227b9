import Foundation
import Report
import Statistics
import Store

/// A trend as rows: one per group (`summary`, the command's table), one per group and point (`csv`),
/// or nested (`json`); and as a report (`write(to:)`, in TrendReport+Markdown.swift).
public struct TrendReport {
    public let trend: Trend

    public init(_ trend: Trend) {
        self.trend = trend
    }

    /// The group's fields, as the columns before each row's numbers.
    /// `also_published_as`: the settings of the group's aliases (`Trend.withoutAliases`), `; `-separated.
    static let keyColumns = [
        "metric", "provider", "runtime", "architecture", "packaging", "memory_mb", "setting", "also_published_as",
    ]

    static func keyValues(_ series: TrendSeries) -> [QueryResult.Value] {
        let row = series.row
        return [
            .text(row.metric.rawValue), text(row.provider), text(row.runtime), text(row.architecture),
            text(row.packaging), row.memoryMB.map { .integer(Int64($0)) } ?? .null, text(row.setting),
            series.aliases.isEmpty
                ? .null : .text(series.aliases.map { $0.group.setting ?? "" }.joined(separator: "; ")),
        ]
    }

    static func text(_ value: String?) -> QueryResult.Value { value.map { .text($0) } ?? .null }
    static func real(_ value: Double?) -> QueryResult.Value { value.map { .real($0) } ?? .null }

    /// What the verdict says, with the first point of each new level: `shifted at lambda-perf-2024`.
    func verdictText(_ series: TrendSeries) -> String {
        guard case .shifted(let changes) = series.verdict else { return series.verdict.kind.rawValue }
        return "shifted at " + changes.map { trend.points[series.values[$0].point].label }.joined(separator: ", ")
    }

    static let seriesColumns = [
        "unit", "points", "first", "last", "first_median", "last_median", "last_over_first", "slope_per_year",
        "slope_low", "slope_high", "mann_kendall_s", "mann_kendall_p", "mann_kendall_q", "pettitt_p", "pettitt_q",
        "verdict",
    ]

    func seriesValues(_ series: TrendSeries) -> [QueryResult.Value] {
        let (first, last) = (series.values.first!, series.values.last!)
        return [
            .text(series.row.unit), .integer(Int64(series.values.count)), .text(trend.points[first.point].label),
            .text(trend.points[last.point].label), .real(first.median), .real(last.median), Self.real(series.ratio),
            Self.real(series.slope?.slope), Self.real(series.slope?.low), Self.real(series.slope?.high),
            series.mannKendall.map { .integer(Int64($0.s)) } ?? .null, Self.real(series.mannKendall?.pValue),
            Self.real(series.mannKendallQ), Self.real(series.pettitt?.pValue), Self.real(series.pettittQ),
            .text(verdictText(series)),
        ]
    }

    /// One row per group: its span, ends, slope, tests and verdict.
    public func summary() -> QueryResult {
        QueryResult(
            columns: Self.keyColumns + Self.seriesColumns,
            rows: trend.series.map { Self.keyValues($0) + seriesValues($0) })
    }

    /// One row per group and point: the median with its CI and n, then the group's slope, tests and
    /// verdict (the same on each of its rows).
    public func points() -> QueryResult {
        QueryResult(
            columns: Self.keyColumns + ["point", "time", "year", "median", "ci_low", "ci_high", "n"]
                + Self.seriesColumns,
            rows: trend.series.flatMap { series in
                series.values.map { value in
                    let point = trend.points[value.point]
                    return Self.keyValues(series) + [
                        .text(point.label), .text(point.time.description), .real(value.years), .real(value.median),
                        Self.real(value.low), Self.real(value.high), value.n.map { .integer(Int64($0)) } ?? .null,
                    ] + seriesValues(series)
                }
            })
    }

    /// The points (snapshot, span, basis) and every group with its values, tests and verdict.
    public func json() throws -> String {
        struct Point: Encodable {
            let label, snapshot, span: String
            let basis: SnapshotTime.Basis
            let year: Double
        }
        struct Value: Encodable {
            let point: String
            let year, median: Double
            let ciLow, ciHigh: Double?
            let n: Int?
        }
        struct Series: Encodable {
            let metric: String
            let provider, runtime, architecture, packaging: String?
            let memoryMb: Int?
            let setting: String?
            let parameters: MetricParameters
            let alsoPublishedAs: [String]
            let unit: String
            let values: [Value]
            let slopePerYear, slopeLow, slopeHigh: Double?
            let mannKendallS: Int?
            let mannKendallP, mannKendallQ, pettittP, pettittQ: Double?
            let verdict: String
        }
        struct Document: Encodable {
            let points: [Point]
            let groupsLeftOut: Int
            let series: [Series]
        }
        let document = Document(
            points: trend.points.map {
                Point(
                    label: $0.label, snapshot: $0.snapshot, span: $0.time.description, basis: $0.time.basis,
                    year: $0.years)
            },
            groupsLeftOut: trend.leftOut,
            series: trend.series.map { series in
                let row = series.row
                return Series(
                    metric: row.metric.rawValue, provider: row.provider, runtime: row.runtime,
                    architecture: row.architecture,
                    packaging: row.packaging, memoryMb: row.memoryMB, setting: row.setting, parameters: row.parameters,
                    alsoPublishedAs: series.aliases.map { $0.group.setting ?? "" }, unit: row.unit,
                    values: series.values.map {
                        Value(
                            point: trend.points[$0.point].label, year: $0.years, median: $0.median, ciLow: $0.low,
                            ciHigh: $0.high, n: $0.n)
                    },
                    slopePerYear: series.slope?.slope, slopeLow: series.slope?.low, slopeHigh: series.slope?.high,
                    mannKendallS: series.mannKendall?.s, mannKendallP: series.mannKendall?.pValue,
                    mannKendallQ: series.mannKendallQ, pettittP: series.pettitt?.pValue, pettittQ: series.pettittQ,
                    verdict: verdictText(series))
            })
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(document), as: UTF8.self) + "\n"
    }
}
