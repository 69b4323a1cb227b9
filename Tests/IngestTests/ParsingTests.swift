import Foundation
import Simulate
import Testing

@testable import Ingest

@Suite struct SHA256Tests {
    // Expected digests from `printf 'abc' | sha256sum` and friends (coreutils 9.1).
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        ),
    ])
    func knownVectors(input: String, digest: String) {
        var hash = SHA256()
        hash.update(Array(input.utf8))
        #expect(hash.finalize() == digest)
    }

    /// Through the x86 SHA extensions where the CPU has them, and through the portable code.
    @Test(arguments: [true, false]) func oneMillionAsInUnevenChunks(usingExtensions: Bool) {
        // FIPS 180-2 appendix B.3: one million 'a'.
        var hash = SHA256(usingExtensions: usingExtensions)
        let bytes = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        var offset = 0
        var step = 1
        while offset < bytes.count {
            let end = min(bytes.count, offset + step)
            bytes[offset..<end].withUnsafeBytes { hash.update($0) }
            offset = end
            step = step * 3 % 1031 + 1
        }
        #expect(hash.finalize() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }
}

@Suite struct ByteNumberTests {
    private func parse(_ text: String) -> Double? {
        Array(text.utf8).withUnsafeBufferPointer { ByteNumber.double($0) }
    }

    @Test func fastPathAgreesWithTheStandardLibraryToTheLastBit() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let digits = Int.random(in: 1...16, using: &generator)
            let fraction = Int.random(in: 0...min(digits, 6), using: &generator)
            var text = String((0..<digits).map { _ in Character(String(Int.random(in: 0...9, using: &generator))) })
            if fraction > 0 { text.insert(".", at: text.index(text.endIndex, offsetBy: -fraction)) }
            #expect(parse(text)?.bitPattern == Double(text)?.bitPattern, "\(text)")
        }
    }

    /// The edges of the fast path: no digits, a sign alone, a point at either end, a second point, 16 and 17
    /// digits around 2^53, negative zero, more than 22 fraction digits, an exponent, trailing bytes.
    @Test(arguments: [
        "", "-", "+", ".", "-.", "+.5", ".5", "5.", "-0", "-0.0", "0.000", "1.2.3", "12a", "1e5", "1E-5", " 1",
        "9007199254740991", "9007199254740992", "9007199254740993", "12345678901234567", "1234567890123456.7",
        "0.00000000000000000000001", "0.0000000000000000000000001", "123456789012345678901234", "inf", "nan",
    ])
    func edgesAgreeWithTheStandardLibrary(_ text: String) {
        let expected = Double(text).flatMap { $0.isFinite ? $0 : nil }
        #expect(parse(text)?.bitPattern == expected?.bitPattern, "\(text)")
    }

    /// JSON numbers as `JSONDocument` reads them (the fast path where it applies) against `strtod`, to the bit:
    /// signs, `0.` fractions with leading zeros, 1 to 19 digits (on both sides of 2^53), exponents.
    @Test func jsonNumbersAgreeWithStrtodToTheLastBit() {
        var random = SeededRandom(seed: 53)
        func digits(_ count: Int) -> String {
            String((0..<count).map { _ in Character(String(Int.random(in: 0...9, using: &random))) })
        }
        for _ in 0..<100_000 {
            var text = Bool.random(using: &random) ? "-" : ""
            let count = Int.random(in: 1...19, using: &random)
            let integer = Int.random(in: 0...count, using: &random)
            text += integer == 0 ? "0" : String(Int.random(in: 1...9, using: &random)) + digits(integer - 1)
            if integer < count {
                text +=
                    "." + String(repeating: "0", count: Int.random(in: 0...3, using: &random)) + digits(count - integer)
            }
            if Int.random(in: 0..<4, using: &random) == 0 {
                text +=
                    ["e", "E", "e+", "e-"].randomElement(using: &random)!
                    + String(Int.random(in: 0...30, using: &random))
            }
            let parsed = Array(text.utf8).withUnsafeBufferPointer { JSONDocument.double($0, 0..<$0.count) }
            #expect(parsed.bitPattern == strtod(text, nil).bitPattern, "\(text)")
        }
    }

    /// Fields as the standard library splits the same bytes (empty fields kept), on random lines of
    /// separators, NULs, UTF-8 and other bytes; and the text check against UTF-8 validation.
    @Test func fieldsAndTextCheckAgreeWithTheStandardLibrary() {
        var generator = SystemRandomNumberGenerator()
        let alphabet: [UInt8] = [0x23, 0x23, 0x2C, 0x00, 0x41, 0x7A, 0x31, 0xC3, 0xA9, 0xFF, 0x80, 0x0A]
        for _ in 0..<5_000 {
            let line = (0..<Int.random(in: 0...80, using: &generator)).map { _ in
                alphabet.randomElement(using: &generator)!
            }
            line.withUnsafeBufferPointer { bytes in
                var fields = ByteFields()
                fields.split(bytes, separator: UInt8(ascii: "#"))
                let expected = line.split(separator: UInt8(ascii: "#"), omittingEmptySubsequences: false)
                #expect((0..<fields.count).map { Array(fields[$0]) } == expected.map(Array.init), "\(line)")
                let problem = TextCheck.problem(in: bytes)
                if line.contains(0) {
                    #expect(problem == "binary data (NUL byte), not a text record")
                } else {
                    #expect((problem == nil) == (String(validating: line, as: UTF8.self) != nil), "\(line)")
                }
            }
        }
    }

    @Test func formsAndFailures() {
        #expect(parse("1514764800100.5") == 1514764800100.5)
        #expect(parse("-2.5") == -2.5)
        #expect(parse("1e3") == 1000)
        #expect(parse(".5") == 0.5)
        #expect(parse("12345678901234567890.5") == 12345678901234567890.5)
        #expect(parse("") == nil)
        #expect(parse("None") == nil)
        #expect(parse("inf") == nil)
        #expect(parse("1.2.3") == nil)
        #expect(parse(" 1") == nil)
    }

    @Test func integers() {
        func int(_ text: String) -> Int? { Array(text.utf8).withUnsafeBufferPointer { ByteNumber.int($0) } }
        #expect(int("0") == 0 && int("42") == 42 && int("-7") == -7)
        #expect(int("") == nil && int("4.0") == nil && int("12a") == nil && int("9999999999999999999") == nil)
    }
}

@Suite struct LineReaderTests {
    private func lines(_ bytes: [UInt8], chunkSize: Int, maxLineLength: Int = 1 << 20) throws -> [String] {
        let workspace = try Workspace()
        let path = try workspace.write("f", bytes: bytes)
        var reader = LineReader(path: path)
        reader.chunkSize = chunkSize
        reader.maxLineLength = maxLineLength
        var out: [String] = []
        var hash = SHA256()
        try reader.forEach(onChunk: { hash.update($0) }) { event in
            switch event {
            case .line(let line):
                out.append(
                    "\(line.number):" + String(decoding: line.bytes, as: UTF8.self) + (line.unterminated ? "$" : ""))
            case .tooLong(let number, let length): out.append("\(number):too long \(length)")
            }
        }
        var whole = SHA256()
        whole.update(bytes)
        #expect(hash.finalize() == whole.finalize())  // every byte went through the hash, in order
        return out
    }

    @Test(arguments: [1, 2, 3, 7, 64, 4096])
    func linesSurviveEveryChunkBoundary(chunkSize: Int) throws {
        let text = "\u{FEFF}alpha\r\nbeta\n\ngamma delta\nlast"
        #expect(
            try lines(Array(text.utf8), chunkSize: chunkSize) == [
                "1:alpha", "2:beta", "3:", "4:gamma delta", "5:last$",
            ])
    }

    @Test func emptyFileHasNoLines() throws {
        #expect(try lines([], chunkSize: 16).isEmpty)
    }

    @Test(arguments: [3, 16])
    func overLongLinesAreReportedNotHeld(chunkSize: Int) throws {
        let text = "ok\n" + String(repeating: "x", count: 50) + "\nfine\n" + String(repeating: "y", count: 40)
        #expect(
            try lines(Array(text.utf8), chunkSize: chunkSize, maxLineLength: 20) == [
                "1:ok", "2:too long 50", "3:fine", "4:too long 40",
            ])
    }
}

@Suite struct FormatDetectionTests {
    private func detect(_ text: String) -> Format.Detection {
        Array(text.utf8).withUnsafeBufferPointer { Format.detect(head: $0) }
    }

    @Test func eachFormat() {
        #expect(detect(LogLine().text + "\n") == .format(.faasMeasure))
        #expect(detect("1#2#3#0#us-east-1#python2.7#128#fn#ERROR timeout") == .format(.faasMeasure))
        #expect(detect("\n\n  {\"provider\": \"aws\"}\n") == .format(.jsonLines))
        #expect(detect("\u{FEFF}provider,runtime,request_sent_ms\r\naws,java8,1\r\n") == .format(.csv))
        #expect(detect("") == .empty)
        #expect(detect("\n  \n") == .empty)
    }

    /// The public collections by their first object's keys, however the object is laid out, and the
    /// built-in mapping by its first line.
    @Test func collectionsByContent() {
        #expect(detect(#"{"metadata":{"generatedAt":"2026-01-01"},"runtimeData":[{"r":"x""#) == .format(.lambdaPerf))
        #expect(detect(#"{"points":[["128 MB",4.19,3.66]]}"#) == .format(.mikhailio))
        #expect(detect("{\"points\":\n[\n  { \"name\": \"Python\", \"items\": [[0.0,0.0]] }]}") == .format(.mikhailio))
        let parallelism =
            "\n{\n    \"pystart_ms\": 1588150936886.2,\n    \"func_data\": {\n        \"initTime_ms\": 1\n    }\n},\n"
        #expect(detect(parallelism) == .format(.faasParallelism))
        #expect(detect("{\n \"ow_func_start_ms\": 1, \"init_time\": 0\n}") == .format(.faasParallelism))
        // A key of a nested object is not the first object's.
        #expect(detect(#"{"run":{"runtimeData":[]},"provider":"aws"}"#) == .format(.jsonLines))
        #expect(
            detect("aws-coldstart-java-dev-memory-256,Wed Jun 07 2017 02:05:00 GMT+0100 (BST),2236.31\n")
                == .builtInMapping("lambda-coldstart-comparison-2017"))
    }

    @Test func unknownOrAmbiguousJSON() {
        #expect(
            detect(#"{"latency":12.5,"when":"2026-01-01","tags":{"provider":"aws"}}"#)
                == .unusable(
                    "a JSON object with no field of a known format (keys: latency, when, tags); "
                        + "read it with --mapping (docs/mappings.md) or force one with --format"))
        #expect(
            detect(#"{"runtimeData":[],"provider":"aws"}"#)
                == .unusable(
                    "ambiguous JSON (keys: runtimeData, provider): could be lambda-perf or jsonl; "
                        + "choose one with --format"
                ))
        #expect(
            detect(#"[{"provider":"aws"}]"#)
                == .unusable("a JSON array: no built-in format is one; read it with --mapping (docs/mappings.md)"))
        // A canonical record spread over lines is not JSON Lines.
        guard case .unusable = detect("{\n\"provider\": \"aws\"\n}\n") else {
            Issue.record("a multi-line object was taken for JSON Lines")
            return
        }
    }

    @Test func notAMeasurementFile() {
        guard case .unusable(let reason) = detect("# Title\nSome prose, with commas.\n") else {
            Issue.record("prose was taken for a format")
            return
        }
        #expect(reason.hasPrefix("unrecognized format"))
        #expect(detect("a\u{0}b") == .unusable("binary file (NUL bytes in its first line), not a measurement log"))
        #expect(detect("name,size\nx,1\n") != .format(.csv))  // a CSV, but not with canonical columns
    }
}

/// The hand-read forms against Foundation, which they replace on the hot path and which stays their oracle.
@Suite struct FastFormTests {
    /// JavaScript's `Date.toString` times, written by `DateFormatter` at offsets from -12:00 to +14:00 over
    /// 1901-2099 (leap days included), read to the same millisecond; odd shapes are left to `DateFormatter`.
    @Test func javaScriptDatesReadAsDateFormatterReadsThem() throws {
        let pattern = "EEE MMM dd yyyy HH:mm:ss 'GMT'Z"
        var random = SystemRandomNumberGenerator()
        for index in 0..<3000 {
            let writer = DateFormatter()
            writer.locale = Locale(identifier: "en_US_POSIX")
            writer.dateFormat = pattern
            let offset = (index % 105 - 48) * 15 * 60  // quarter hours from -12:00 to +14:00
            writer.timeZone = try #require(TimeZone(secondsFromGMT: offset))
            let seconds =
                index == 0 ? 951_782_400 : Double(Int.random(in: -2_177_452_800...4_102_444_799, using: &random))
            let text = writer.string(from: Date(timeIntervalSince1970: seconds))  // 951782400: 2000-02-29
            let reader = DateFormatter()
            reader.locale = Locale(identifier: "en_US_POSIX")
            reader.timeZone = TimeZone(identifier: "UTC")
            reader.dateFormat = pattern
            let expected = try #require(reader.date(from: text)).timeIntervalSince1970 * 1000
            #expect(JavaScriptDate.epochMilliseconds(text) == expected, "\(text)")
        }
        for odd in [
            "Tue Jun 07 2017 02:05:00 GMT+0100", "Wed Jun 7 2017 02:05:00 GMT+0100",
            "Wed Feb 30 2017 02:05:00 GMT+0100",
            "Wed Jun 07 2017 24:05:00 GMT+0100", "Wed Jun 07 2017 02:05:00 GMT+01:00", "Wed Jun 07 2017 02:05:00 UTC",
            "Wed Jun 07 2017 02:05:00 GMT+0100 extra",
        ] {
            #expect(JavaScriptDate.epochMilliseconds(odd) == nil, "\(odd)")
        }
        #expect(JavaScriptDate.epochMilliseconds("Wed Jun 07 2017 02:05:00 GMT+0100") == 1_496_797_500_000)
    }

    /// Flat `extra` objects (keys of lowercase letters and underscores; text, integers, numbers, true/false)
    /// come out byte for byte as `JSONSerialization` writes them; other objects go to it.
    @Test func flatObjectsAreWrittenAsFoundationWritesThem() throws {
        let keys = ["a", "b", "minute_ms", "package", "_x", "x_", "ab", "a_b", "zz", ""]
        let values: [Any] = [
            "text", "with \"quotes\", a \\ and / and \u{1}\n\té", 0, -7, 1_496_797_500_000, 42.0, 0.1, -0.0, 1e21,
            1e-7, 123.456, 12_345_678_901_234_567.0, true, false,
        ]
        var random = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            var object: [String: Any] = [:]
            for _ in 0..<Int.random(in: 1...5, using: &random) {
                object[keys.randomElement(using: &random)!] = values.randomElement(using: &random)!
            }
            let data = try JSONSerialization.data(
                withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
            #expect(JSONText.object(object) == String(decoding: data, as: UTF8.self))
        }
        // Keys Foundation sorts its own way, nested values and non-finite numbers are its to write.
        #expect(JSONText.object(["b": 1, "B": 2, "a10": 3, "a9": 4]) == #"{"a9":4,"a10":3,"b":1,"B":2}"#)
        #expect(JSONText.object(["a": ["x": 1]]) == #"{"a":{"x":1}}"#)
        #expect(JSONText.object(["a": Double.infinity]) == nil && JSONText.object([:]) == nil)
    }
}

@Suite struct EiselLemireTests {
    /// The 128 leading bits of powers of ten, as Python's integers compute them (`(1 << (127 + L)) // 10**n`
    /// for 10^-n with L the bit length of 10^n; `10**n << (128 - L)` for 10^n).
    @Test(arguments: [
        (-19, 0xEC1E_4A7D_B695_61A5 as UInt64, 0x2B31_E9E3_D06C_32E5 as UInt64),
        (-7, 0xD6BF_94D5_E57A_42BC, 0x3D32_9076_0469_1B4C), (-1, 0xCCCC_CCCC_CCCC_CCCC, 0xCCCC_CCCC_CCCC_CCCC),
        (0, 0x8000_0000_0000_0000, 0), (19, 0x8AC7_2304_89E8_0000, 0),
    ])
    func leadingBitsOfPowersOfTen(_ exponent: Int, _ high: UInt64, _ low: UInt64) {
        let bits = EiselLemire.leadingBits(ofPowerOfTen: exponent)
        #expect(bits.high == high && bits.low == low)
    }

    /// Random mantissas of up to 19 digits at every exponent it knows, and (where Float80 exists, and holds
    /// a midpoint exactly) the decimals nearest to the midpoints between neighbouring doubles from 1 to 9e18,
    /// the hardest to round: what it returns is `strtod`'s double to the bit. On the numbers it is there for
    /// (17 to 19 digits, past the first fast path) it answers nearly always.
    @Test func agreesWithStrtodToTheLastBit() {
        var random = SeededRandom(seed: 1983)
        /// Whether it answered.
        func check(_ mantissa: UInt64, _ exponent: Int, _ negative: Bool) -> Bool {
            guard let value = EiselLemire.double(mantissa: mantissa, exponent: exponent, negative: negative) else {
                return false
            }
            let expected = strtod("\(negative ? "-" : "")\(mantissa)e\(exponent)", nil)
            #expect(value.bitPattern == expected.bitPattern, "\(mantissa)e\(exponent)")
            return true
        }
        func mantissa(digits: ClosedRange<Int>) -> UInt64 {
            var mantissa: UInt64 = 0
            for _ in 0..<Int.random(in: digits, using: &random) {
                mantissa = mantissa * 10 + UInt64.random(in: 0...9, using: &random)
            }
            return mantissa
        }
        for _ in 0..<200_000 {
            let exponent = Int.random(in: EiselLemire.exponents, using: &random)
            _ = check(mantissa(digits: 1...19), exponent, Bool.random(using: &random))
        }
        var long = 0
        var answered = 0
        while long < 100_000 {
            let value = mantissa(digits: 17...19)
            guard value >= 1 << 53 else { continue }
            long += 1
            if check(value, Int.random(in: -19...0, using: &random), false) { answered += 1 }
        }
        #expect(answered > 99_000, "answered \(answered) of 100,000")
        #if arch(x86_64) || arch(i386)
        var nearMidpoints = 0
        for _ in 0..<50_000 {
            let double = Double(
                bitPattern: UInt64.random(in: 0x3FF0_0000_0000_0000...0x43DF_FFFF_FFFF_FFFF, using: &random))
            let midpoint = (Float80(double) + Float80(double.nextUp)) / 2
            // Its 19 leading digits, from Float80's own text (`1.2345678901234567891e+20`).
            let parts = String(format: "%.18Le", midpoint).split(separator: "e")
            let mantissa = UInt64(parts[0].replacingOccurrences(of: ".", with: ""))!
            if check(mantissa, Int(parts[1])! - 18, false) { nearMidpoints += 1 }
        }
        #expect(nearMidpoints > 0, "answered none of the numbers near midpoints")
        #endif
    }
}

@Suite struct StringInternerTests {
    private func storage(_ string: String) -> UnsafeRawPointer? {
        string.utf8.withContiguousStorageIfAvailable { UnsafeRawPointer($0.baseAddress) } ?? nil
    }

    /// Every string given back reads as its bytes, whatever shares its slot; a long string seen again
    /// in a row comes back in the storage it had, from bytes and from another copy alike.
    @Test func givesBackTheBytesAndRepeatsShareStorage() {
        var interner = StringInterner()
        var random = SeededRandom(seed: 16)
        let texts = (0..<3_000).map { _ in
            String((0..<Int.random(in: 1...60, using: &random)).map { _ in "abcxyz-0123 é".randomElement()! })
        }
        // Same length and end words, so the same slot: each replaces the other, never stands for it.
        let neighbours = ["abcdefgh-1-ijklmnop", "abcdefgh-2-ijklmnop"]
        for text in neighbours + neighbours + texts + texts.shuffled(using: &random) {
            let bytes = Array(text.utf8)
            let first = bytes.withUnsafeBufferPointer { interner.string($0) }
            let again = bytes.withUnsafeBufferPointer { interner.string($0) }
            var copy: String? = String(decoding: bytes, as: UTF8.self)
            interner.intern(&copy)
            #expect(first == text && again == text && copy == text)
            if bytes.count > 15 {
                #expect(storage(again) == storage(first) && storage(copy!) == storage(first))
            }
        }
    }
}
