import Foundation
import GRDB

/// When a snapshot's measurements were taken, for trends (docs/trend.md, "Points in time"): the span
/// of its request times; else of the measurement days its reader recorded (lambda-perf's daily files
/// publish no time of day); else of the dates in its files' names (mikhail.io's commits), read as
/// `YYYY-MM-DD` the first time one occurs in a path.
public struct SnapshotTime: Sendable, Equatable {
    public enum Basis: String, Sendable, Encodable {
        case requestTimes = "request times"
        case measurementDays = "measurement days"
        case fileNameDates = "dates in file names"
    }

    /// Epoch seconds, UTC.
    public let first: Double
    public let last: Double
    public let basis: Basis

    public init(first: Double, last: Double, basis: Basis) {
        (self.first, self.last, self.basis) = (first, last, basis)
    }

    /// The calendar unit that splits one snapshot into points (`analyze trend --by`).
    public enum Window: String, Sendable, CaseIterable {
        case year, month, day

        /// strftime's format of the window's label: `2023`, `2023-04`, `2023-04-01`.
        var format: String {
            switch self {
            case .year: "%Y"
            case .month: "%Y-%m"
            case .day: "%Y-%m-%d"
            }
        }
    }

    /// One invocation's time in epoch seconds, as SQL over `i` (invocation) and `e` (its experiment): the
    /// request sent, else the start of its measurement day.
    public static let invocationTime =
        "coalesce(i.request_sent_ms / 1000.0, unixepoch(json_extract(e.parameters, '$.day')))"

    /// The span's middle, where a trend draws the snapshot.
    public var middle: Double { (first + last) / 2 }

    /// Epoch seconds as a year with its fraction (2022.5 is early July 2022), the unit of trend slopes.
    public static func years(_ seconds: Double) -> Double { 1970 + seconds / secondsPerYear }
    public static let secondsPerYear = 365.2425 * 86_400

    /// `YYYY-MM-DD` in UTC.
    public static func day(_ seconds: Double) -> String {
        var components = Calendar.utc.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: seconds))
        components.timeZone = nil
        return String(format: "%04d-%02d-%02d", components.year!, components.month!, components.day!)
    }

    /// The span as a reader sees it: `2022-01-01 .. 2022-12-31`, or one day.
    public var description: String {
        let (from, to) = (Self.day(first), Self.day(last))
        return from == to ? from : "\(from) .. \(to)"
    }

    /// Epoch seconds of the first `YYYY-MM-DD` (years 1900-2099, a real date) in `text`, nil without one.
    static func firstDate(in text: String) -> Double? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 10 else { return nil }
        func digits(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) else { return nil }
                value = value * 10 + Int(bytes[index] - UInt8(ascii: "0"))
            }
            return value
        }
        for start in 0...(bytes.count - 10)
        where bytes[start + 4] == UInt8(ascii: "-") && bytes[start + 7] == UInt8(ascii: "-") {
            guard let year = digits(start..<start + 4), (1900...2099).contains(year),
                let month = digits(start + 5..<start + 7), let day = digits(start + 8..<start + 10),
                let date = Calendar.utc.date(from: DateComponents(year: year, month: month, day: day)),
                Calendar.utc.component(.day, from: date) == day
            else { continue }
            return date.timeIntervalSince1970
        }
        return nil
    }
}

/// One calendar window of a snapshot that holds invocations: its label and the span of their times.
public struct TimeWindow: Sendable, Equatable {
    public let label: String
    public let time: SnapshotTime
}

extension Calendar {
    static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()
}

extension Store {
    /// When the snapshot's measurements were taken; nil when nothing in it tells (the paper's numbers).
    public func time(of snapshot: String) throws -> SnapshotTime? {
        try queue.read { db in
            let requests = try Row.fetchOne(
                db,
                sql: """
                    SELECT min(f.first_sent_ms) / 1000.0, max(f.last_sent_ms) / 1000.0
                    FROM source_file f JOIN snapshot s ON s.id = f.snapshot_id WHERE s.name = ?
                    """, arguments: [snapshot])
            if let first: Double = requests?[0], let last: Double = requests?[1] {
                return SnapshotTime(first: first, last: last, basis: .requestTimes)
            }
            // The experiments the snapshot's invocations belong to, through the (snapshot, experiment) index.
            let days = try Row.fetchOne(
                db,
                sql: """
                    SELECT min(unixepoch(json_extract(e.parameters, '$.day'))),
                           max(unixepoch(json_extract(e.parameters, '$.day')))
                    FROM experiment e
                    WHERE e.id IN (SELECT DISTINCT i.experiment_id FROM invocation i
                                   WHERE i.snapshot_id = (SELECT id FROM snapshot WHERE name = ?))
                    """, arguments: [snapshot])
            if let first: Double = days?[0], let last: Double = days?[1] {
                return SnapshotTime(first: first, last: last, basis: .measurementDays)
            }
            let dates = try String.fetchAll(
                db,
                sql: "SELECT f.path FROM source_file f JOIN snapshot s ON s.id = f.snapshot_id WHERE s.name = ?",
                arguments: [snapshot]
            ).compactMap(SnapshotTime.firstDate)
            guard let first = dates.min(), let last = dates.max() else { return nil }
            return SnapshotTime(first: first, last: last, basis: .fileNameDates)
        }
    }

    /// The calendar windows (years, months or days) in which the snapshot has invocations with a time,
    /// oldest first; empty when none has one.
    public func timeWindows(of snapshot: String, by window: SnapshotTime.Window) throws -> [TimeWindow] {
        try queue.read { db in
            let basis =
                try Bool.fetchOne(
                    db,
                    sql: """
                        SELECT EXISTS (SELECT 1 FROM invocation WHERE request_sent_ms IS NOT NULL
                                       AND snapshot_id = (SELECT id FROM snapshot WHERE name = ?))
                        """, arguments: [snapshot]) ?? false
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT strftime(?2, t, 'unixepoch') AS w, min(t), max(t)
                    FROM (SELECT \(SnapshotTime.invocationTime) AS t FROM invocation i
                          LEFT JOIN experiment e ON e.id = i.experiment_id
                          WHERE i.snapshot_id = (SELECT id FROM snapshot WHERE name = ?1))
                    WHERE t IS NOT NULL GROUP BY w ORDER BY w
                    """, arguments: [snapshot, window.format]
            ).map {
                TimeWindow(
                    label: $0[0],
                    time: SnapshotTime(first: $0[1], last: $0[2], basis: basis ? .requestTimes : .measurementDays))
            }
        }
    }
}
