import Foundation

/// Escaping and number formatting shared by the Markdown and SVG writers.
public enum Text {
    /// Text for XML character data and attribute values.
    public static func xml(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case _ where scalar.value < 0x20 && scalar != "\n" && scalar != "\t": out += " "  // not allowed in XML 1.0
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A CSV field (RFC 4180): quoted, with doubled quotes, when it holds a comma, quote or line break.
    public static func csv(_ text: String) -> String {
        text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
            ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }

    /// Text for a GitHub-flavoured Markdown table cell: Markdown and HTML specials escaped, no line breaks.
    public static func markdown(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "\\", "`", "*", "_", "[", "]", "|", "#", "~": out += "\\" + String(character)
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\n", "\r": out += " "
            default: out.append(character)
            }
        }
        return out
    }

    /// A number with `significant` significant digits, without exponent for everyday magnitudes and
    /// without trailing zeros: 1234.5678 -> "1235", 0.0123456 -> "0.01235", 3328 -> "3328".
    public static func number(_ value: Double, significant: Int = 4) -> String {
        guard value.isFinite else { return value.isNaN ? "n/a" : (value > 0 ? "inf" : "-inf") }
        if value == 0 { return "0" }
        let magnitude = Int(log10(abs(value)).rounded(.down))
        if magnitude >= 15 || magnitude < -6 { return String(format: "%.\(significant - 1)e", value) }
        let decimals = max(0, significant - 1 - magnitude)
        var text = String(format: "%.\(decimals)f", value)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }

    /// Fixed two-decimal coordinates for SVG: the same bytes on every machine.
    public static func coordinate(_ value: Double) -> String {
        let text = String(format: "%.2f", value)
        return text == "-0.00" ? "0.00" : text
    }
}
