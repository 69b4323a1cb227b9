/// The (provider, memory size) pairs of the store's functions, and each function's pair by index: what
/// placement and instance lifetime group instances by, looked up once an invocation.
struct FunctionKinds {
    struct Kind: Hashable {
        let provider: String, memoryMB: Int?
    }

    /// In provider, then memory order (no memory first).
    let kinds: [Kind]
    private let index: FlatTable<Int64, Int>

    init(_ functions: [Int64: AnalysisContext.Function]) {
        kinds = Set(functions.values.map { Kind(provider: $0.provider, memoryMB: $0.memoryMB) }).sorted {
            ($0.provider, $0.memoryMB ?? -1) < ($1.provider, $1.memoryMB ?? -1)
        }
        let position = Dictionary(uniqueKeysWithValues: kinds.enumerated().map { ($1, $0) })
        var index = FlatTable<Int64, Int>()
        for (id, function) in functions {
            index.insert(id, position[Kind(provider: function.provider, memoryMB: function.memoryMB)]!)
        }
        self.index = index
    }

    /// The index in `kinds` of the function's pair; nil for an id that is no function of the store.
    subscript(function: Int64) -> Int? { index[function] }
}
