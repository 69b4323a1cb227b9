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
            case "\n", "\t": out.unicodeScalars.append(scalar)
            // C0 controls, U+FFFE and U+FFFF are not XML 1.0 characters; DEL and C1 are discouraged.
            case _ where isControl(scalar): out += " "
            case "\u{FFFE}", "\u{FFFF}": out += "\u{FFFD}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A CSV field (RFC 4180): quoted, with doubled quotes, when it holds a comma, quote or line break.
    /// Read by scalar, so that "\r\n" (one Swift Character) and a quote followed by a combining mark
    /// are seen.
    public static func csv(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else {
            return text
        }
        var out = "\""
        for scalar in text.unicodeScalars {
            if scalar == "\"" { out += "\"" }
            out.unicodeScalars.append(scalar)
        }
        return out + "\""
    }

    /// Data as inline Markdown text, in a paragraph, heading or GitHub-flavoured table cell: Markdown
    /// and HTML specials escaped, no line breaks, no control characters or noncharacters. Read by
    /// scalar, so that "\r\n" (one Swift Character) is caught too.
    public static func markdown(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\", "`", "*", "_", "[", "]", "|", "#", "~": out += "\\" + String(scalar)
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case _ where isControl(scalar): out += " "
            case "\u{FFFE}", "\u{FFFF}": out += "\u{FFFD}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Data for a terminal: control characters (which could move the cursor, recolour or ring) shown
    /// as escapes, `\n` for a line break and `\u{1B}` for ESC.
    public static func terminal(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where isControl(scalar): out += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// C0 controls (line breaks and tabs included), DEL and C1 controls.
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
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
