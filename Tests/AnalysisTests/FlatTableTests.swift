import Testing

@testable import Analysis

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

    /// A fixed generator (SplitMix64), so that a failure repeats.
    struct Random {
        var state: UInt64
        mutating func below(_ n: Int64) -> Int64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int64((z ^ (z >> 31)) % UInt64(n))
        }
    }

    func matchesDictionary<Key: FlatKey & Hashable>(operations: Int, key: (inout Random) -> Key) {
        var random = Random(state: 42)
        var table = FlatTable<Key, Int>()
        var expected: [Key: Int] = [:]
        for step in 0..<operations {
            let k = key(&random)
            switch random.below(3) {
            case 0:
                let added = table.insert(k, step)
                #expect(added == (expected[k] == nil))
                if expected[k] == nil { expected[k] = step }
            case 1:
                table.update(k, initial: 0) { $0 += step }
                expected[k, default: 0] += step
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
        matchesDictionary(operations: 200_000) { Int64.max - $0.below(50_000) * 7919 }
        matchesDictionary(operations: 5_000) { $0.below(2) - 1 }
    }

    @Test func compositeKeys() {
        matchesDictionary(operations: 100_000) { Pair(a: $0.below(300), b: $0.below(300)) }
    }

    @Test func collidingKeysStillFound() {
        matchesDictionary(operations: 20_000) { Crowded(id: $0.below(1_000)) }
    }

    @Test func setOfKeys() {
        var set = FlatTable<Int64, Void>()
        #expect(set.isEmpty)
        let first = set.insert(5)
        let again = set.insert(5)
        #expect(first && !again)
        #expect(set[5] != nil && set[6] == nil)
        #expect(set.count == 1)
    }
}
