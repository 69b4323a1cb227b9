import Foundation
import Testing

@testable import Ingest

/// The JSON parser of every JSON reader: what it accepts and refuses (RFC 8259), how values read, and
/// numbers against Swift's own correctly rounded `Double(String)`.
@Suite struct JSONDocumentTests {
    private func parse(_ text: String) throws -> JSONNode {
        let document = JSONDocument()
        try document.parse(Array(text.utf8))
        return document.root
    }

    private func problem(_ text: String) -> String? {
        do {
            _ = try parse(text)
            return nil
        } catch {
            return (error as? JSONDocument.Invalid)?.problem.reason
        }
    }

    @Test func readsNestedValues() throws {
        let root = try parse(
            #" {"a": {"b": [10, {"c": "x"}, [], {}]}, "t": true, "f": false, "n": null, "s": "7", "e": ""} "#)
        #expect(root.kind == .object)
        #expect(root.value(at: ["a", "b", "0"])?.number == 10)
        #expect(root.value(at: ["a", "b", "1", "c"])?.string == "x")
        #expect(root.value(at: ["a", "b", "2"])?.elements.isEmpty == true)
        #expect(root.value(at: ["a", "b", "3"])?.members.isEmpty == true)
        #expect(root.value(at: ["a", "b", "4"]) == nil)
        #expect(root["a"]?["b"]?.elements.count == 4)
        #expect(root["t"]?.scalar == .bool(true) && root["f"]?.text == "false")
        #expect(root["n"]?.kind == .null && root.value(at: ["n"]) == nil)
        #expect(root["s"]?.number == 7 && root["s"]?.scalar == .text("7"))
        #expect(root["e"]?.string == "")
        #expect(root.members.map(\.name) == ["a", "t", "f", "n", "s", "e"])
        #expect(root["missing"] == nil && root[0] == nil)
        #expect(try parse("[1, [2, 3], 4]")[2]?.number == 4)
        #expect(try parse("  42 ").number == 42)
    }

    @Test func aRepeatedNameReadsAsTheLastOne() throws {
        #expect(try parse(#"{"a": 1, "b": 2, "a": 3}"#)["a"]?.number == 3)
    }

    @Test func decodesEscapes() throws {
        let root = try parse(#"{"k\u0065y": "a\"b\\c\/d\b\f\n\r\t\u00e9\ud83d\ude00 z"}"#)
        #expect(root["key"]?.string == "a\"b\\c/d\u{08}\u{0C}\n\r\té😀 z")
        #expect(root.members.first?.name == "key")
    }

    @Test func readsNumbersCorrectlyRounded() throws {
        // Foundation's JSONSerialization read the second and third through Decimal, off by one and by two units
        // in the last place (the third is a function start time of the FaaS Parallelism Benchmark).
        for text in [
            "0.1", "0.30000000000000004", "1588927364331.8203", "0.4722918126666666", "1514764800.123", "-2.5e-7",
            "1E3", "9007199254740993", "17.0", "-0",
            "123456789012345678901234", "2.2250738585072014e-308", "4.9e-324",
        ] {
            let number = try #require(try parse(text).number)
            #expect(number.bitPattern == Double(text)!.bitPattern, "\(text)")
        }
        #expect(try parse("512").text == "512")
        #expect(try parse("1.5").text == "1.5")
    }

    @Test func keepsIntegersIntegersForExtra() throws {
        let root = try parse(#"{"i": 9007199254740993, "d": 2.50, "x": [true, null]}"#)
        #expect(
            JSONText.object(["v": root.foundationObject]) == #"{"v":{"d":2.5,"i":9007199254740993,"x":[true,null]}}"#)
    }

    @Test func refusesWhatIsNotJSON() {
        let cases: [(String, String)] = [
            (#"{"a": 1,}"#, "a comma before a closing bracket"),
            ("[1, 2, ]", "a comma before a closing bracket"),
            (#"{"a" 1}"#, "expected ':' after a member name"),
            (#"{a: 1}"#, "expected a member name in quotes"),
            (#"{"a": 1, "#, "the text ends where a member name should be"),
            ("[1 2]", "expected ',' or ']'"),
            (#"{"a": 1]"#, "expected ',' or '}'"),
            (#"{"a": 1} x"#, "more text after the value"),
            ("[1, 2", "the text ends inside an array"),
            (#"{"a": "b"#, "the text ends inside a string"),
            ("", "the text ends where a value should be"),
            ("012", "a number with a leading zero"),
            ("1.", "no digit after '.'"),
            ("1e", "no digit in an exponent"),
            ("-", "a lone '-'"),
            ("NaN", "unexpected 'N'"),
            ("tru", "the text ends inside 'true'"),
            ("trUe", "unexpected 't'"),
            ("1e400", "the number is too large for a double"),
            (#""a\qb""#, "an unknown escape '\\q'"),
            (#""\u12""#, "a \\u escape without four hex digits"),
            (#""\ud800x""#, "a high surrogate (\\u escape) without its low half"),
            (#""\udc00""#, "a lone low surrogate (\\u escape)"),
            ("\"a\tb\"", "a control character inside a string"),
            (String(repeating: "[", count: 513), "nested deeper than 512 levels"),
        ]
        for (text, reason) in cases {
            #expect(problem(text) == "not valid JSON (\(reason))", "\(text.prefix(20))")
        }
        #expect(problem(String(repeating: "[", count: 512) + String(repeating: "]", count: 512)) == nil)
    }

    @Test func aDocumentIsReusedForTheNextText() throws {
        let document = JSONDocument()
        try document.parse(Array(#"{"a": [1, 2, 3]}"#.utf8))
        #expect(document.root["a"]?.elements.count == 3)
        #expect(throws: JSONDocument.Invalid.self) { try document.parse(Array("[".utf8)) }
        try document.parse(Array(#"{"b": "x"}"#.utf8))
        #expect(document.root["a"] == nil && document.root["b"]?.string == "x")
    }

    @Test func aTextMemberIsWrittenAsFoundationWritesIt() {
        let ascii = String((0..<128).map { Character(UnicodeScalar(UInt8($0))) })
        let texts = [ascii, "é/😀 \u{2028}", "", "python 3.12"]
        for text in texts {
            #expect(JSONText.object("display_name", text) == JSONText.object(["display_name": text]), "\(text)")
        }
    }

    @Test func aTextCutShortSaysSo() {
        func endsEarly(_ text: String) -> Bool? {
            do {
                _ = try parse(text)
                return nil
            } catch {
                return (error as? JSONDocument.Invalid)?.endsEarly
            }
        }
        for text in [#""a\"#, #""\u12"#, "tru", "[1, nul", #"{"a": "b"#, "[1,", "-", "1e"] {
            #expect(endsEarly(text) == true, "\(text)")
        }
        for text in ["[1 2]", "tx", #""\u12x5""#, "[1,]"] {
            #expect(endsEarly(text) == false, "\(text)")
        }
    }

    @Test func anIndexPastTheEndIsNothing() throws {
        let root = try parse("[1, 2]")
        #expect(root[99_999_999_999] == nil && root[-1] == nil && root[1]?.number == 2)
        #expect(root.value(at: ["99999999999999"]) == nil)
    }
}
