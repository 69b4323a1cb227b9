import Foundation
import Testing

@testable import Simulate

@Suite struct TextBytesTests {
    /// The hand-made formatter prints what glibc's printf prints, ties (exact halves) included.
    @Test func fixedMatchesPrintf() {
        var random = SeededRandom(seed: 7)
        var values: [Double] = [
            0, -0.0, 0.0005, 0.0015, 0.0025, -0.0005, 2.5, 3.5, 0.125, 0.375, 1e-300, 123.4565, 0.5, 1.5,
            1_504_483_200_123.4565, 0x1p52 - 1, 0x1p52, 1e20, -1e20, .infinity, -.infinity, .nan,
        ]
        for _ in 0..<20_000 {
            let magnitude = pow(10, random.uniform(-6...13))
            values.append((random.chance(0.2) ? -1 : 1) * magnitude * random.unit())
            // Exact multiples of 1/16, which include the ties of every digit count.
            values.append(Double(random.index(1 << 20)) / 16)
        }
        for value in values {
            for digits in 0...4 {
                #expect(TextBytes.fixed(value, digits: digits) == String(format: "%.\(digits)f", value), "\(value)")
            }
        }
    }

    @Test func hexAndUUIDLayout() {
        var bytes: [UInt8] = []
        TextBytes.appendHex(0x0123_4567_89AB_CDEF, to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == "0123456789abcdef")
        var random = SeededRandom(seed: 1)
        let uuid = random.uuid()
        #expect(uuid.count == 36)
        #expect(uuid.split(separator: "-").map(\.count) == [8, 4, 4, 4, 12])
        #expect(Array(uuid)[14] == "4" && Array(uuid)[19] == "a")
    }
}
