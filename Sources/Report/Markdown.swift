import Foundation

/// A Markdown document under construction: headings, paragraphs, GitHub-flavoured tables.
public struct Markdown {
    public private(set) var text = ""

    public init() {}

    public mutating func heading(_ level: Int, _ title: String) {
        text += String(repeating: "#", count: level) + " " + title + "\n\n"
    }

    public mutating func paragraph(_ line: String) {
        text += line + "\n\n"
    }

    /// A table cell: plain text (escaped here), or a link to a relative path.
    public enum Cell: Sendable {
        case text(String)
        case link(String, path: String)

        var markdown: String {
            switch self {
            case .text(let text): Text.markdown(text)
            case .link(let text, let path):
                "[\(Text.markdown(text))](\(path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? ""))"
            }
        }
    }

    /// A table; cells are escaped here, so callers pass plain text.
    public mutating func table(_ headers: [String], _ rows: [[String]], rightAligned: Set<Int> = []) {
        table(headers, rows.map { $0.map(Cell.text) }, rightAligned: rightAligned)
    }

    public mutating func table(_ headers: [String], _ rows: [[Cell]], rightAligned: Set<Int> = []) {
        guard !rows.isEmpty else { return }
        text += "| " + headers.map(Text.markdown).joined(separator: " | ") + " |\n"
        text += "|" + headers.indices.map { rightAligned.contains($0) ? "---:" : "---" }.joined(separator: "|") + "|\n"
        for row in rows {
            text += "| " + row.map(\.markdown).joined(separator: " | ") + " |\n"
        }
        text += "\n"
    }

    public mutating func figure(_ file: String, _ caption: String) {
        text += "![\(Text.markdown(caption))](figures/\(file))\n\n*\(Text.markdown(caption))*\n\n"
    }
}
