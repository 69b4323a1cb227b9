/// Provider names used in the store: `aws`, `azure`, `google`, or `unknown`.
enum Provider {
    /// The provider whose region naming a region string follows, when a manifest does not say:
    /// AWS `us-east-1` (last part a number), Google `us-central1` (two parts, trailing digits),
    /// Azure `eastus` or `East US` (no dashes).
    static func guess(fromRegion region: String) -> String {
        let parts = region.split(separator: "-", omittingEmptySubsequences: false)
        let isLetters = { (part: Substring) in !part.isEmpty && part.allSatisfy { $0.isASCII && $0.isLetter } }
        if parts.count >= 3, parts.last!.allSatisfy(\.isNumber), parts.dropLast().allSatisfy(isLetters) {
            return "aws"
        }
        if parts.count == 2, isLetters(parts[0]), let last = parts.last,
            let firstDigit = last.firstIndex(where: \.isNumber), firstDigit != last.startIndex,
            last[firstDigit...].allSatisfy(\.isNumber), isLetters(last[..<firstDigit])
        {
            return "google"
        }
        if parts.count == 1, region.allSatisfy({ $0.isASCII && ($0.isLetter || $0 == " ") }), !region.isEmpty {
            return "azure"
        }
        return "unknown"
    }
}
