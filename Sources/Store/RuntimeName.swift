/// A runtime id split into its family and version (docs/analyses.md, "Metric rows"), for grouping and
/// for comparisons that allow any version within a family. The id is kept as the source wrote it; the
/// split follows the ids probes write: `python3.12`, `python312`, `nodejs20x`, `java8_al2`,
/// `dotnet8_aot_on_provided_al2023`, `bun`.
public struct RuntimeName: Hashable, Sendable {
    /// The leading letters, lowercased: `python`, `nodejs`, `java`, `dotnet`, `graalvm`.
    public let family: String
    /// What follows the family up to the first `_`, `-` or space, with the dots AWS's own ids carry
    /// where lambda-perf's drop them: `3.12` (python, ruby and swift versions are a major digit and a
    /// minor), `20.x`, `8`; nil when the id names no version.
    public let version: String?

    public init?(_ id: String) {
        let scalars = Array(id.unicodeScalars)
        let letters = scalars.prefix { ("a"..."z").contains($0) || ("A"..."Z").contains($0) }
        guard !letters.isEmpty else { return nil }
        family = String(String.UnicodeScalarView(letters)).lowercased()
        let rest = scalars.dropFirst(letters.count).prefix { !["_", "-", " "].contains($0) }
        var version = String(String.UnicodeScalarView(rest))
        if version.isEmpty {
            self.version = nil
            return
        }
        let digits = version.unicodeScalars.allSatisfy { ("0"..."9").contains($0) }
        if digits, version.count >= 2, ["python", "ruby", "swift"].contains(family) {
            version.insert(".", at: version.index(after: version.startIndex))
        } else if version.count >= 2, version.hasSuffix("x"), !version.hasSuffix(".x") {
            version.insert(".", at: version.index(before: version.endIndex))
        }
        self.version = version
    }
}
