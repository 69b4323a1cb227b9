import Foundation
import Store

/// One storage for each repeated long string of a file's dimension keys. The writing thread compares
/// every record's keys with the keys it has cached: strings that share their storage compare by
/// identity, while separate copies were compared byte by byte, from memory seldom in the cache (in
/// real time, a tenth of the writing thread's work on 1M `#` lines). Strings of up to 15 bytes are
/// held inside the string itself and compare at once anyway.
///
/// A direct-mapped cache: each long string has one slot, found from its length and its first and last
/// eight bytes, and keeps the last string seen there. Few distinct values (function names, VM ids, CPU
/// models) stay; many (instance ids) would only replace one another, so they are not given here.
struct StringInterner {
    private static let slotBits = 10
    private var slots = [String](repeating: "", count: 1 << StringInterner.slotBits)

    /// The fields that make the record's function, VM, CPU model and experiment keys.
    mutating func intern(keysOf record: inout InvocationRecord) {
        intern(&record.provider)
        intern(&record.account)
        intern(&record.region)
        intern(&record.functionName)
        intern(&record.runtime)
        intern(&record.functionVersion)
        intern(&record.architecture)
        intern(&record.packaging)
        intern(&record.vmID)
        intern(&record.cpuModel)
        intern(&record.experimentKind)
        intern(&record.experimentParameters)
    }

    mutating func intern(_ string: inout String?) {
        if string != nil { intern(&string!) }
    }

    mutating func intern(_ string: inout String) {
        guard string.utf8.count > 15 else { return }
        let (slot, kept) = string.withUTF8 { bytes in
            let slot = Self.slot(bytes)
            return (slot, Self.holds(slots[slot], bytes))
        }
        if kept { string = slots[slot] } else { slots[slot] = string }
    }

    /// The UTF-8 `bytes` as a string: the one kept for them if any (no new storage), else a new one.
    mutating func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        guard bytes.count > 15 else { return String(decoding: bytes, as: UTF8.self) }
        let slot = Self.slot(bytes)
        if Self.holds(slots[slot], bytes) { return slots[slot] }
        let string = String(decoding: bytes, as: UTF8.self)
        slots[slot] = string
        return string
    }

    /// For more than 15 bytes: both eight-byte words lie inside.
    private static func slot(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        let base = UnsafeRawPointer(bytes.baseAddress!)
        let first = base.loadUnaligned(as: UInt64.self)
        let last = base.loadUnaligned(fromByteOffset: bytes.count - 8, as: UInt64.self)
        let mixed = (first ^ last.rotated(by: 29) ^ UInt64(bytes.count)) &* 0x9E37_79B9_7F4A_7C15
        return Int(truncatingIfNeeded: mixed >> (64 - UInt64(slotBits)))
    }

    /// Whether `string` is exactly these bytes: at once when it is their storage (a string the reader
    /// made through this interner, seen again by the batching sink).
    private static func holds(_ string: String, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        string.utf8.count == bytes.count
            && string.utf8.withContiguousStorageIfAvailable {
                $0.baseAddress == bytes.baseAddress || memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0
            } == true
    }
}

extension UInt64 {
    fileprivate func rotated(by bits: UInt64) -> UInt64 { (self << bits) | (self >> (64 - bits)) }
}
