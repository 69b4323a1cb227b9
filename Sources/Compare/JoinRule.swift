import Store

/// How a pair of rows was joined (docs/compare.md), in the order the rules are tried.
public enum JoinRule: Sendable, Equatable, CustomStringConvertible {
    /// Equal metric, provider, runtime, architecture, packaging, memory, setting, statistic and parameters.
    case sameKey
    /// The same, with the typed parameters in place of the setting's words, when one row qualifies.
    case sameParameters
    /// The same, when A's row names no experiment and B's names one.
    case sameParametersAnyExperiment
    /// A's row names a memory size but no runtime (the paper's "all cold starts" at 1,536 MB); B's row
    /// is the only runtime's at that memory size, whichever experiment it names (docs/compare.md).
    case onlyRuntime(String)
    /// A summary over memory sizes (`median_min`, `median_max`) against the smallest or largest of the
    /// other side's per-memory medians of one setting.
    case overMemorySizes(largest: Bool, of: Int, memoryMB: Int, setting: String?)
    /// `Relaxation.memory`: the same but for the memory size.
    case anyMemory(a: Int?, b: Int?)
    /// `Relaxation.runtimeVersion`: the same but for the runtime's version within its family.
    case runtimeVersion(a: String, b: String)

    public var description: String {
        switch self {
        case .sameKey: "same key"
        case .sameParameters: "same parameters"
        case .sameParametersAnyExperiment: "same parameters, A naming no experiment"
        case .onlyRuntime(let runtime): "A naming no runtime, B's only runtime at that memory size (\(runtime))"
        case .overMemorySizes(let largest, let count, let memory, let setting):
            "over memory sizes: \(largest ? "largest" : "smallest") of \(count) per-memory medians (\(memory) MB"
                + (setting.map { ", \($0))" } ?? ")")
        case .anyMemory(let a, let b): "any memory size (A \(Self.memory(a)), B \(Self.memory(b)))"
        case .runtimeVersion(let a, let b): "any runtime version within the family (A \(a), B \(b))"
        }
    }

    private static func memory(_ megabytes: Int?) -> String { megabytes.map { "\($0) MB" } ?? "not stated" }
}

/// A looser join the user asks for (`analyze compare --relax`); every pair it makes says so.
public enum Relaxation: String, CaseIterable, Sendable {
    /// Rows that differ only in memory size join when exactly one row qualifies.
    case memory
    /// Rows whose runtimes are of one family (`python3.9`, `python312`) join when exactly one qualifies.
    case runtimeVersion = "runtime-version"
}
