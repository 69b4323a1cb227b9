/// The time JavaScript's `Date.prototype.toString` writes (`Wed Jun 07 2017 02:05:00 GMT+0100`, the zone
/// name in parentheses already cut), read by hand in epoch milliseconds: Foundation's `DateFormatter`
/// copied its ICU formatter for every value, which was half of reading the 2017 cold-start comparison.
/// Only that exact shape with a consistent weekday is read here; anything else returns nil, and the
/// caller asks `DateFormatter`, so that an odd value is read (or refused) as before.
enum JavaScriptDate {
    private static let weekdays = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]  // from 1970-01-01
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    static func epochMilliseconds(_ text: String) -> Double? {
        let parts = text.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 6, let month = months.firstIndex(of: String(parts[1])).map({ $0 + 1 }),
            let day = number(parts[2], digits: 2), let year = number(parts[3], digits: 4),
            parts[4].utf8.count == 8, parts[4].utf8.split(separator: UInt8(ascii: ":")).count == 3,
            let hour = number(parts[4].prefix(2), digits: 2),
            let minute = number(parts[4].dropFirst(3).prefix(2), digits: 2),
            let second = number(parts[4].suffix(2), digits: 2), parts[5].hasPrefix("GMT"), parts[5].utf8.count == 8,
            let sign = parts[5].dropFirst(3).first, sign == "+" || sign == "-",
            let zoneHours = number(parts[5].dropFirst(4).prefix(2), digits: 2),
            let zoneMinutes = number(parts[5].suffix(2), digits: 2),
            (1...daysIn(month, of: year)).contains(day), hour < 24, minute < 60, second < 60, zoneMinutes < 60
        else { return nil }
        let days = daysSinceEpoch(year: year, month: month, day: day)
        guard weekdays[((days % 7) + 7) % 7] == parts[0] else { return nil }
        let offset = (sign == "+" ? 1 : -1) * (zoneHours * 3600 + zoneMinutes * 60)
        return Double(days * 86_400 + hour * 3600 + minute * 60 + second - offset) * 1000
    }

    /// Exactly `digits` ASCII digits.
    private static func number(_ text: Substring, digits: Int) -> Int? {
        guard text.utf8.count == digits, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        return Int(text)
    }

    private static func daysIn(_ month: Int, of year: Int) -> Int {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days from 1970-01-01 to a date of the proleptic Gregorian calendar (H. Hinnant's days_from_civil).
    static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
