import Foundation

/// A seeded random source (xoshiro256**, seeded through SplitMix64): the same seed gives the same
/// runs, byte for byte, on every machine.
public struct SeededRandom: RandomNumberGenerator {
    private var s: (UInt64, UInt64, UInt64, UInt64)

    public init(seed: UInt64) {
        var x = seed
        func splitMix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s = (splitMix(), splitMix(), splitMix(), splitMix())
    }

    public mutating func next() -> UInt64 {
        let result = rotl(s.1 &* 5, 7) &* 9
        let t = s.1 << 17
        s.2 ^= s.0
        s.3 ^= s.1
        s.1 ^= s.2
        s.0 ^= s.3
        s.2 ^= t
        s.3 = rotl(s.3, 45)
        return result
    }

    private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// Uniform in [0, 1), 53 random bits.
    mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    mutating func uniform(_ range: ClosedRange<Double>) -> Double {
        range.lowerBound + unit() * (range.upperBound - range.lowerBound)
    }

    mutating func chance(_ probability: Double) -> Bool { unit() < probability }

    /// Standard normal (Box-Muller; one of the pair is dropped to keep the stream simple).
    mutating func normal() -> Double {
        let u1 = max(unit(), 0x1.0p-53)
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * unit())
    }

    /// Log-normal with the given median and log-space standard deviation.
    mutating func logNormal(median: Double, sigma: Double) -> Double {
        median * exp(sigma * normal())
    }

    mutating func index(_ count: Int) -> Int { Int(next() % UInt64(count)) }

    /// A random UUID string (version 4 layout), from this stream.
    mutating func uuid() -> String {
        var hex: [UInt8] = []
        hex.reserveCapacity(36)
        TextBytes.appendHex(next(), to: &hex)
        TextBytes.appendHex(next(), to: &hex)
        hex[12] = UInt8(ascii: "4")
        hex[16] = UInt8(ascii: "a")
        for position in [20, 16, 12, 8] { hex.insert(UInt8(ascii: "-"), at: position) }
        return String(decoding: hex, as: UTF8.self)
    }

    /// `count` random hex digits.
    mutating func hex(_ count: Int) -> String {
        var hex: [UInt8] = []
        while hex.count < count { TextBytes.appendHex(next(), to: &hex) }
        return String(decoding: hex.prefix(count), as: UTF8.self)
    }
}
