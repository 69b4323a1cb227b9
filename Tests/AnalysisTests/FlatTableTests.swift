import Testing

@testable import Analysis
@testable import Statistics

/// `FlatTable` against Swift's `Dictionary` over the same operations: every key, value and count the
/// same through many growths, with keys that spread and keys that all collide.
@Suite struct FlatTableTests {
    /// A key whose hash is nearly constant, so that lookups must probe past other keys.
    struct Crowded: FlatKey, Hashable {
        let id: Int64
        var flatHash: UInt64 { UInt64(id & 1) }
    }

    struct Pair: FlatKey, Hashable {
        let a: Int64, b: Int64
        var flatHash: UInt64 { Self.fold(UInt64(bitPattern: a), b) }
    }

    /// Optional fields, folded by the overloads the stages use.
    struct Optionals: FlatKey, Hashable {
        let id: Int64?, number: Double?
        var flatHash: UInt64 { Self.fold(Self.fold(0, id), number) }
    }

    func matchesDictionary<Key: FlatKey & Hashable>(operations: Int, key: (inout StatisticsRandom) -> Key) {
        var random = StatisticsRandom(seed: 42)
        var table = FlatTable<Key, Int>()
        var expected: [Key: Int] = [:]
        for step in 0..<operations {
            let k = key(&random)
            switch random.index(below: 4) {
            case 0:
                let added = table.insert(k, step)
                #expect(added == (expected[k] == nil))
                if expected[k] == nil { expected[k] = step }
            case 1:
                table.update(k, initial: 0) { $0 += step }
                expected[k, default: 0] += step
            case 2:
                #expect(table.replaceValue(-step, forKey: k) == expected[k])
                if expected[k] != nil { expected[k] = -step }
            default:
                #expect(table[k] == expected[k])
            }
        }
        #expect(table.count == expected.count)
        var visited: [Key: Int] = [:]
        table.forEach { key, value in
            #expect(visited[key] == nil, "a key visited twice")
            visited[key] = value
        }
        #expect(visited == expected)
    }

    @Test func int64KeysThroughManyGrowths() {
        matchesDictionary(operations: 200_000) { Int64.max - Int64($0.index(below: 50_000)) * 7919 }
        matchesDictionary(operations: 5_000) { Int64($0.index(below: 2)) - 1 }
    }

    @Test func compositeKeys() {
        matchesDictionary(operations: 100_000) {
            Pair(a: Int64($0.index(below: 300)), b: Int64($0.index(below: 300)))
        }
    }

    @Test func collidingKeysStillFound() {
        matchesDictionary(operations: 20_000) { Crowded(id: Int64($0.index(below: 1_000))) }
    }

    /// -0.0 and 0.0 compare equal, so they must hash alike to be one key, as in a `Dictionary`; nil is
    /// neither.
    @Test func optionalFieldsHashAsTheyCompare() {
        var table = FlatTable<Optionals, Void>()
        for number in [0.0, -0.0, nil, 1.5, 0.0] { table.insert(Optionals(id: nil, number: number)) }
        for id in [nil, Int64.min, 0, nil] { table.insert(Optionals(id: id, number: 2)) }
        #expect(table.count == 3 + 3)
        #expect(table.contains(Optionals(id: nil, number: -0.0)))
        matchesDictionary(operations: 20_000) {
            let numbers: [Double?] = [nil, 0.0, -0.0, 1, -1]
            return Optionals(
                id: $0.index(below: 2) == 0 ? nil : Int64($0.index(below: 3)) - 1,
                number: numbers[$0.index(below: numbers.count)])
        }
    }

    @Test func setOfKeys() {
        var set = FlatTable<Int64, Void>()
        #expect(set.isEmpty)
        let first = set.insert(5)
        let again = set.insert(5)
        #expect(first && !again)
        #expect(set.contains(5) && !set.contains(6))
        #expect(set.count == 1)
    }
}
