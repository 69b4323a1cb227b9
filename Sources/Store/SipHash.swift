/// SipHash-2-4 (Aumasson and Bernstein, 2012), the 64-bit keyed hash that the store keeps beside each
/// instance key (`instance.key_hash`, docs/schema.md).
///
/// The index holds the hash, not the key: 1M keys of about 40 bytes made an index past the page cache of
/// a 10M-line ingest. The key is fixed (a stored hash must not change between runs, as Swift's seeded
/// `Hasher` would). Even so, many keys sharing one SipHash cannot be made (a pair takes about 2^32
/// tries), while with a weaker hash a file of colliding keys would make every lookup walk all of them.
struct SipHash {
    private var v0, v1, v2, v3: UInt64

    init(key0: UInt64, key1: UInt64) {
        v0 = key0 ^ 0x736f_6d65_7073_6575
        v1 = key1 ^ 0x646f_7261_6e64_6f6d
        v2 = key0 ^ 0x6c79_6765_6e65_7261
        v3 = key1 ^ 0x7465_6462_7974_6573
    }

    /// The hash of `bytes` (the keyed state is copied: one value hashes any number of inputs).
    func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var state = self
        return state.absorb(bytes)
    }

    private mutating func absorb(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        let whole = bytes.count / 8 * 8
        var offset = 0
        while offset < whole {
            compress(bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self).littleEndian)
            offset += 8
        }
        // The last word: the remaining bytes, little-endian, and the length's low byte on top.
        var last = UInt64(truncatingIfNeeded: bytes.count) << 56
        for index in whole..<bytes.count { last |= UInt64(bytes[index]) << (8 * UInt64(index - whole)) }
        compress(last)
        v2 ^= 0xff
        for _ in 0..<4 { round() }
        return v0 ^ v1 ^ v2 ^ v3
    }

    private mutating func compress(_ word: UInt64) {
        v3 ^= word
        round()
        round()
        v0 ^= word
    }

    private mutating func round() {
        v0 &+= v1
        v1 = v1.rotatedLeft(13) ^ v0
        v0 = v0.rotatedLeft(32)
        v2 &+= v3
        v3 = v3.rotatedLeft(16) ^ v2
        v0 &+= v3
        v3 = v3.rotatedLeft(21) ^ v0
        v2 &+= v1
        v1 = v1.rotatedLeft(17) ^ v2
        v2 = v2.rotatedLeft(32)
    }
}

extension UInt64 {
    fileprivate func rotatedLeft(_ n: UInt64) -> UInt64 { (self << n) | (self >> (64 - n)) }
}
