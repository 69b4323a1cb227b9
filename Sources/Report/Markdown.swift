import Foundation

/// A Markdown document under construction: headings, paragraphs, GitHub-flavoured tables and
/// numbered figures. It keeps its blocks too, from which `HTMLPage` renders the same document.
public struct Markdown {
    public private(set) var text = ""
    public private(set) var blocks: [Block] = []
    private var figures = 0

    /// One block as the caller gave it: headings and paragraphs in Markdown (inline `**`, `*`, `` ` ``,
    /// links and backslash escapes), table cells and captions escaped.
    public enum Block: Sendable {
        case heading(level: Int, text: String)
        case paragraph(String)
        case table(headers: [String], rows: [[String]], rightAligned: Set<Int>)
        case figure(file: String, number: Int, caption: String)
    }

    public init() {}

    public mutating func heading(_ level: Int, _ title: String) {
        text += String(repeating: "#", count: level) + " " + title + "\n\n"
        blocks.append(.heading(level: level, text: title))
    }

    public mutating func paragraph(_ line: String) {
        text += line + "\n\n"
        blocks.append(.paragraph(line))
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

    /// A column empty in every row says nothing and is left out.
    public mutating func table(_ headers: [String], _ rows: [[Cell]], rightAligned: Set<Int> = []) {
        guard !rows.isEmpty else { return }
        let all = rows.map { $0.map(\.markdown) }
        let kept = headers.indices.filter { column in all.contains { column < $0.count && !$0[column].isEmpty } }
        let headers = kept.map { Text.markdown(headers[$0]) }
        let cells = all.map { row in kept.map { $0 < row.count ? row[$0] : "" } }
        let rightAligned = Set(kept.enumerated().filter { rightAligned.contains($0.element) }.map(\.offset))
        text += "| " + headers.joined(separator: " | ") + " |\n"
        text += "|" + headers.indices.map { rightAligned.contains($0) ? "---:" : "---" }.joined(separator: "|") + "|\n"
        for row in cells {
            text += "| " + row.joined(separator: " | ") + " |\n"
        }
        text += "\n"
        blocks.append(.table(headers: headers, rows: cells, rightAligned: rightAligned))
    }

    /// A figure with its caption under it, numbered in the order of the document.
    public mutating func figure(_ file: String, _ caption: String) {
        figures += 1
        let caption = "Figure \(figures). " + Text.markdown(caption)
        text += "![\(caption)](figures/\(file))\n\n*\(caption)*\n\n"
        blocks.append(.figure(file: file, number: figures, caption: caption))
    }
}
