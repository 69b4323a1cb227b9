/// A key of a `FlatTable`: the store's ids or small tuples of them. Its hash is unseeded: the ids are
/// the store's own row ids, not text an adversary picks.
protocol FlatKey: Equatable {
    var flatHash: UInt64 { get }
}

extension Int64: FlatKey {
    var flatHash: UInt64 { UInt64(bitPattern: self) }
}

extension FlatKey {
    /// Folds one more field into a hash (FxHash's step; the table multiplies again and takes high bits).
    @inline(__always)
    static func fold(_ hash: UInt64, _ field: Int64) -> UInt64 {
        ((hash << 5 | hash >> 59) ^ UInt64(bitPattern: field)) &* 0x517c_c1b7_2722_0a95
    }

    /// Folds an optional id; nil hashes as `Int64.min` does (equality still tells them apart).
    @inline(__always)
    static func fold(_ hash: UInt64, _ field: Int64?) -> UInt64 { fold(hash, field ?? .min) }

    /// Folds an optional number: -0.0 and 0.0, which compare equal, hash alike; nil hashes as no number
    /// does (`Int64.min` is -0.0's bits, and -0.0 is folded as 0.0).
    @inline(__always)
    static func fold(_ hash: UInt64, _ field: Double?) -> UInt64 {
        fold(hash, field.map { $0 == 0 ? 0 : Int64(bitPattern: $0.bitPattern) } ?? .min)
    }
}

/// A hash map for the stages' per-row lookups by id (an instance, a VM, an instance in one run), open
/// addressing with linear probing over one array of slots. Swift's `Dictionary` hashes every key with
/// SipHash, seeded per process: on 10M invocations that hashing and the lookups were a fifth of the
/// read-only connection's time (`Benchmarks/notes.md`, the analyses' step 11). Without a seed, the order
/// of `forEach` follows from the keys and the order they were added.
struct FlatTable<Key: FlatKey, Value> {
    private struct Slot {
        let key: Key
        var value: Value
    }
    private var slots: [Slot?]
    private var shift: UInt64
    private(set) var count = 0

    init() {
        slots = Array(repeating: nil, count: 16)
        shift = 64 - 4
    }

    var isEmpty: Bool { count == 0 }

    /// Fibonacci hashing: the high bits of the key's hash times 2^64 / golden ratio.
    @inline(__always)
    private func home(_ key: Key) -> Int {
        Int(truncatingIfNeeded: (key.flatHash &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    /// The slot holding `key`, else the empty slot where it would go.
    @inline(__always)
    private func position(_ key: Key) -> Int {
        let mask = slots.count - 1
        var index = home(key)
        while let slot = slots[index], slot.key != key { index = (index + 1) & mask }
        return index
    }

    subscript(key: Key) -> Value? {
        slots[position(key)]?.value
    }

    /// Changes the value of `key`, which is `initial` when the key is new.
    @inline(__always)
    mutating func update(_ key: Key, initial: @autoclosure () -> Value, _ change: (inout Value) -> Void) {
        var index = position(key)
        if slots[index] == nil {
            if (count + 1) * 4 > slots.count * 3 {
                grow()
                index = position(key)
            }
            slots[index] = Slot(key: key, value: initial())
            count += 1
        }
        change(&slots[index]!.value)
    }

    /// Adds `key` with `value`, or changes nothing if it is there; whether it was added.
    @discardableResult
    mutating func insert(_ key: Key, _ value: Value) -> Bool {
        let before = count
        update(key, initial: value) { _ in }
        return count > before
    }

    /// Puts `value` in place of the value of `key`, if the table has the key, and returns the value it
    /// held (moved out, not copied); nil, and nothing added, when it has not.
    mutating func replaceValue(_ value: Value, forKey key: Key) -> Value? {
        let index = position(key)
        guard slots[index] != nil else { return nil }
        var value = value
        swap(&value, &slots[index]!.value)
        return value
    }

    func forEach(_ body: (Key, Value) throws -> Void) rethrows {
        for case let slot? in slots { try body(slot.key, slot.value) }
    }

    private mutating func grow() {
        let old = slots
        slots = Array(repeating: nil, count: old.count * 2)
        shift -= 1
        let mask = slots.count - 1
        for case let slot? in old {
            var index = home(slot.key)
            while slots[index] != nil { index = (index + 1) & mask }
            slots[index] = slot
        }
    }
}

extension FlatTable where Value == Void {
    /// Adds `key` to the set; whether it was new.
    @discardableResult
    mutating func insert(_ key: Key) -> Bool { insert(key, ()) }

    func contains(_ key: Key) -> Bool { self[key] != nil }
}
