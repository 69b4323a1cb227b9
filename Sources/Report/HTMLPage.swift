/// A report as one self-contained HTML file: the blocks of its Markdown, the figures' SVG inline, a
/// table of contents from its section headings, a small stylesheet; no script and nothing fetched from
/// the network. The Markdown stays what GitHub shows; this is the same document for a browser.
public enum HTMLPage {
    public static func render(title: String, markdown: Markdown, figures: [(name: String, svg: String)]) -> String {
        let svgs = Dictionary(figures.map { ($0.name, $0.svg) }, uniquingKeysWith: { first, _ in first })
        var body = ""
        var contents = ""
        var anchors = Set<String>()
        for block in markdown.blocks {
            switch block {
            case .heading(let level, let text):
                var anchor = slug(text)
                while anchors.contains(anchor) { anchor += "-" }
                anchors.insert(anchor)
                if level == 2 { contents += "<li><a href=\"#\(anchor)\">\(inline(text))</a></li>\n" }
                body += "<h\(level) id=\"\(anchor)\">\(inline(text))</h\(level)>\n"
            case .paragraph(let text):
                body += paragraph(text)
            case .table(let headers, let rows, let rightAligned):
                func cell(_ tag: String, _ index: Int, _ text: String) -> String {
                    "<\(tag)\(rightAligned.contains(index) ? " class=\"num\"" : "")>\(inline(text))</\(tag)>"
                }
                body += "<div class=\"table\"><table>\n<thead><tr>"
                body +=
                    headers.enumerated().map { cell("th", $0.offset, $0.element) }.joined() + "</tr></thead>\n<tbody>\n"
                for row in rows {
                    body += "<tr>" + row.enumerated().map { cell("td", $0.offset, $0.element) }.joined() + "</tr>\n"
                }
                body += "</tbody></table></div>\n"
            case .figure(let file, let number, let caption):
                let svg = svgs[file].map(withoutProlog) ?? "<p>(figure \(Text.xml(file)) missing)</p>"
                body += "<figure id=\"figure-\(number)\">\(svg)<figcaption>\(inline(caption))</figcaption></figure>\n"
            }
        }
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(Text.xml(title))</title>
            <style>
            \(style)
            </style>
            </head>
            <body>
            <nav><p><strong>Contents</strong></p><ol>
            \(contents)</ol></nav>
            <main>
            \(body)</main>
            </body>
            </html>

            """
    }

    static let style = """
        body { font: 15px/1.5 system-ui, sans-serif; color: #1a1a1a; margin: 0; display: flex; }
        nav { position: sticky; top: 0; height: 100vh; overflow-y: auto; width: 15rem; flex: none; padding: 1rem;
              background: #f6f6f6; border-right: 1px solid #ddd; box-sizing: border-box; font-size: 13px; }
        nav ol { padding-left: 1.2rem; }
        main { max-width: 68rem; padding: 1rem 2rem 4rem; min-width: 0; }
        h1 { font-size: 1.6rem; } h2 { border-bottom: 1px solid #ddd; margin-top: 2.5rem; }
        .table { overflow-x: auto; margin: 1rem 0; }
        table { border-collapse: collapse; font-size: 13px; }
        th, td { border: 1px solid #ddd; padding: 3px 8px; vertical-align: top; }
        th { background: #f0f0f0; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        tbody tr:nth-child(even) { background: #fafafa; }
        figure { margin: 1.5rem 0; } figure svg { max-width: 100%; height: auto; }
        figcaption { font-size: 13px; color: #444; max-width: 52rem; }
        blockquote { margin: 0; padding: 0.5rem 1rem; background: #fff6e0; border-left: 4px solid #e69f00; }
        code { font-size: 90%; background: #f2f2f2; padding: 0 3px; }
        """

    /// A paragraph's Markdown: blank lines part paragraphs, `- ` lines make a list, `> ` a quote.
    static func paragraph(_ text: String) -> String {
        var html = ""
        for part in text.split(separator: "\n\n", omittingEmptySubsequences: true).map(String.init) {
            let lines = part.split(separator: "\n").map(String.init)
            if lines.allSatisfy({ $0.hasPrefix("- ") }) {
                html += "<ul>" + lines.map { "<li>\(inline(String($0.dropFirst(2))))</li>" }.joined() + "</ul>\n"
            } else if part.hasPrefix("> ") {
                html += "<blockquote>\(inline(String(part.dropFirst(2))))</blockquote>\n"
            } else {
                html += "<p>\(lines.map(inline).joined(separator: "<br>"))</p>\n"
            }
        }
        return html
    }

    /// Inline Markdown as we write it: `**strong**`, `*emphasis*`, `` `code` ``, `[text](path)` and
    /// backslash escapes; `<`, `>` and `&` arrive as entities already (`Text.markdown`).
    static func inline(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        var html = ""
        var index = 0
        var strong = false
        var emphasis = false
        while index < scalars.count {
            let scalar = scalars[index]
            switch scalar {
            case "\\" where index + 1 < scalars.count:
                html += escaped(scalars[index + 1])
                index += 2
                continue
            case "`":
                guard let end = scalars[(index + 1)...].firstIndex(of: "`") else { break }
                html += "<code>" + scalars[(index + 1)..<end].map(escaped).joined() + "</code>"
                index = end + 1
                continue
            case "*" where index + 1 < scalars.count && scalars[index + 1] == "*":
                html += strong ? "</strong>" : "<strong>"
                strong.toggle()
                index += 2
                continue
            case "*":
                html += emphasis ? "</em>" : "<em>"
                emphasis.toggle()
                index += 1
                continue
            case "[":
                if let close = link(scalars, from: index) {
                    let label = String(String.UnicodeScalarView(scalars[(index + 1)..<close.textEnd]))
                    let path = String(String.UnicodeScalarView(scalars[(close.textEnd + 2)..<close.end]))
                    html += "<a href=\"\(Text.xml(path))\">\(inline(label))</a>"
                    index = close.end + 1
                    continue
                }
            case "<", ">":
                html += escaped(scalar)
                index += 1
                continue
            default:
                break
            }
            html.unicodeScalars.append(scalar)
            index += 1
        }
        if emphasis { html += "</em>" }
        if strong { html += "</strong>" }
        return html
    }

    /// `[text](path)` starting at `start`: where the text ends (at `]`) and the path ends (at `)`).
    private static func link(_ scalars: [Unicode.Scalar], from start: Int) -> (textEnd: Int, end: Int)? {
        var index = start + 1
        while index < scalars.count, scalars[index] != "]" {
            index += scalars[index] == "\\" ? 2 : 1
        }
        guard index + 1 < scalars.count, scalars[index + 1] == "(",
            let end = scalars[(index + 2)...].firstIndex(of: ")")
        else { return nil }
        return (index, end)
    }

    /// `<`, `>`, `&` and `"` as entities; other characters as they are.
    private static func escaped(_ scalar: Unicode.Scalar) -> String {
        switch scalar {
        case "<": "&lt;"
        case ">": "&gt;"
        case "&": "&amp;"
        case "\"": "&quot;"
        default: String(scalar)
        }
    }

    /// The SVG element without its XML declaration, for inlining.
    private static func withoutProlog(_ svg: String) -> String {
        guard svg.hasPrefix("<?xml"), let end = svg.range(of: "?>") else { return svg }
        return String(svg[end.upperBound...].drop { $0.isNewline })
    }

    /// A heading's anchor: lower-case letters and digits, runs of anything else as one `-`.
    static func slug(_ text: String) -> String {
        var slug = ""
        for scalar in text.lowercased().unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
                slug.unicodeScalars.append(scalar)
            } else if !slug.isEmpty, !slug.hasSuffix("-") {
                slug += "-"
            }
        }
        while slug.hasSuffix("-") { slug.removeLast() }
        return slug.isEmpty ? "section" : slug
    }
}
