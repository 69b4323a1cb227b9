/// The rule every snapshot name follows (docs/formats.md, "Snapshot names"): 1 to 100 characters of
/// ASCII letters, digits, `.`, `_` and `-`, beginning with a letter or digit. A report writes each
/// snapshot into a folder of its name, so a name can never be a path (`..`, `a/../b`) or hide in a
/// terminal or a Markdown page.
public enum SnapshotName {
    public static let maxLength = 100

    /// Why `name` is not a snapshot name, or nil when it is one.
    public static func problem(_ name: String) -> String? {
        let bytes = Array(name.utf8)
        guard !bytes.isEmpty else { return "a snapshot name cannot be empty" }
        guard bytes.count <= maxLength else { return "a snapshot name has at most \(maxLength) characters" }
        func isAlphanumeric(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }
        let punctuation: Set<UInt8> = [UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-")]
        guard isAlphanumeric(bytes[0]), bytes.allSatisfy({ isAlphanumeric($0) || punctuation.contains($0) }) else {
            return "a snapshot name is letters, digits, '.', '_' and '-', beginning with a letter or digit"
        }
        return nil
    }

    /// `name` when it is a snapshot name, else an error that quotes it (escaped) and says why.
    public static func validated(_ name: String) throws -> String {
        if let problem = problem(name) { throw SnapshotNameError(name: name, problem: problem) }
        return name
    }
}

public struct SnapshotNameError: Error, CustomStringConvertible, Equatable {
    public let name: String
    public let problem: String
    public var description: String {
        "invalid snapshot name \(name.debugDescription.prefix(SnapshotName.maxLength + 20)): \(problem)"
    }
}
