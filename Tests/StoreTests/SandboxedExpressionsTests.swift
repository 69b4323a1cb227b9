import Testing

@testable import Store

/// The mapping expressions' sandbox (docs/mappings.md, "Expressions"): SQLite computes, reads what it is
/// handed and nothing else, and stops.
@Suite struct SandboxedExpressionsTests {
    private func evaluate(
        _ expression: String, _ values: [String: SandboxedExpressions.Input]
    ) throws
        -> SandboxedExpressions.Outcome
    {
        let sandbox = try SandboxedExpressions([expression])
        return try sandbox.evaluate(0) { request in
            switch request {
            case .value(let path): values[path]
            case .key(let number): .number(Double(number * 10))
            case .file: .text("runs/a_512mb.json")
            }
        }
    }

    @Test func computesOverWhatItIsHanded() throws {
        #expect(
            try evaluate("v('end') - v('begin')", ["end": .number(3.5), "begin": .number(1)]).value == .number(2.5))
        #expect(try evaluate("coalesce(v('id'), v('ID'))", ["ID": .text("b")]).value == .text("b"))
        #expect(
            try evaluate("(SELECT sum(value) FROM json_each(v('xs')))", ["xs": .json("[1,2,3]")]).value == .number(6))
        #expect(try evaluate("key(2) || ':' || file()", [:]).value == .text("20:runs/a_512mb.json"))
        #expect(try evaluate("v('flag') + 0", ["flag": .bool(true)]).value == .number(1))
        // Absent input: NULL that says so; a NULL the expression made itself (1/0) does not.
        #expect(try evaluate("v('a') / 2", [:]) == .init(value: nil, readNull: true))
        #expect(
            try evaluate("v('a') / v('b')", ["a": .number(1), "b": .number(0)]) == .init(value: nil, readNull: false))
    }

    @Test(arguments: [
        "(SELECT name FROM sqlite_master)",
        "(WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c)",
        "load_extension('x')",
        "1); SELECT (2",
    ])
    func refusesWhatIsNotComputing(_ expression: String) {
        #expect(throws: SandboxedExpressions.Failure.self) { try SandboxedExpressions([expression]) }
    }

    @Test func stopsLargeValuesAndLongRuns() throws {
        #expect(throws: SandboxedExpressions.Failure.self) { try evaluate("length(randomblob(2000000))", [:]) }
        let many = "[" + Array(repeating: "0", count: 300_000).joined(separator: ",") + "]"
        do {
            _ = try evaluate("(SELECT count(*) FROM json_each(v('xs')) a, json_each(v('xs')) b)", ["xs": .json(many)])
            Issue.record("a quadratic query over 300,000 elements ran to its end")
        } catch let failure as SandboxedExpressions.Failure {
            #expect(failure.reason.hasPrefix("ran past its budget"))
        }
    }
}
