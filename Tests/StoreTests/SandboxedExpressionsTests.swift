import GRDB
import Simulate
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
            case .value(let path): values[sandbox.path(path)]
            case .unnumberedValue(let path): values[path]
            case .key(let number): .integer(number * 10)
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
        // Numbers are REAL, text stays text: 1 / 2 of two values is 0.5; "007" is not 7 unless computed on.
        #expect(try evaluate("v('a') / v('b')", ["a": .number(1), "b": .number(2)]).value == .number(0.5))
        #expect(try evaluate("v('id')", ["id": .text("007")]).value == .text("007"))
        #expect(try evaluate("v('id') + 1", ["id": .text("007")]).value == .number(8))
        // Absent input: NULL that says so; a NULL the expression made itself (1/0) does not.
        #expect(try evaluate("v('a') / 2", [:]) == .init(value: nil, readNull: true))
        #expect(
            try evaluate("v('a') / v('b')", ["a": .number(1), "b": .number(0)]) == .init(value: nil, readNull: false))
    }

    @Test(arguments: [
        ("(SELECT name FROM sqlite_master)", "access to sqlite_master.name is prohibited"),
        ("(WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c)", "not authorized"),
        ("load_extension('x')", "not authorized to use function: load_extension"),
        ("length(zeroblob(100))", "not authorized to use function: zeroblob"),
        ("1); SELECT (2", "one expression only (no ';')"),
    ])
    func refusesWhatIsNotComputing(_ expression: String, reason: String) {
        do {
            _ = try SandboxedExpressions([expression])
            Issue.record("\(expression) compiled")
        } catch {
            #expect(error.reason == reason)
        }
    }

    @Test func stopsLargeValuesAndLongRuns() throws {
        do {
            _ = try evaluate("length(replace(printf('%.*c', 200000, 'x'), 'x', 'xx'))", [:])
            Issue.record("a value of 300,000 bytes was made")
        } catch let failure as SandboxedExpressions.Failure {
            #expect(failure.reason == "string or blob too big")
        }
        let many = "[" + Array(repeating: "0", count: 100_000).joined(separator: ",") + "]"
        do {
            _ = try evaluate("(SELECT count(*) FROM json_each(v('xs')) a, json_each(v('xs')) b)", ["xs": .json(many)])
            Issue.record("a quadratic query over 100,000 elements ran to its end")
        } catch let failure as SandboxedExpressions.Failure {
            #expect(failure.reason.hasPrefix("ran past its budget"))
        }
    }

    /// A literal path keeps its number from record to record; a path computed per record is looked up
    /// by its text each time, so that records with different keys read different values.
    @Test func numbersPathsByTheirText() throws {
        let sandbox = try SandboxedExpressions(["v('t') + v('r.' || key(1))"])
        let records: [(key: Int, values: [String: Double])] = [
            (1, ["t": 10, "r.1": 1]), (2, ["t": 20, "r.2": 2]), (1, ["t": 30, "r.1": 3]),
        ]
        var asked: [String] = []
        let sums = try records.map { record in
            try sandbox.evaluate(0) { request in
                switch request {
                case .value(let number):
                    asked.append(sandbox.path(number))
                    return record.values[sandbox.path(number)].map { .number($0) }
                case .unnumberedValue(let path):
                    asked.append(path)
                    return record.values[path].map { .number($0) }
                case .key: return .integer(record.key)
                case .file: return nil
                }
            }.value
        }
        #expect(sums == [.number(11), .number(22), .number(33)])
        #expect(asked == ["t", "r.1", "t", "r.2", "t", "r.1"])
        #expect(sandbox.number(ofPath: "t") == 0)
        #expect(sandbox.number(ofPath: "r.2") == 2)
        #expect(sandbox.number(ofPath: "never") == nil)
    }

    /// Paths computed from keys are numbered up to a limit, then handed over as text: the table of paths
    /// does not grow with the records.
    @Test func computedPathsPastTheLimitComeAsText() throws {
        let sandbox = try SandboxedExpressions(["v('r.' || key(1))"])
        var unnumbered = 0
        for key in 0..<(SandboxedExpressions.numberedPaths + 10) {
            let value = try sandbox.evaluate(0) { request in
                switch request {
                case .value(let number): return .number(Double(sandbox.path(number).dropFirst(2))!)
                case .unnumberedValue(let path):
                    unnumbered += 1
                    return .number(Double(path.dropFirst(2))!)
                case .key: return .integer(key)
                case .file: return nil
                }
            }.value
            #expect(value == .number(Double(key)))
        }
        #expect(unnumbered == 10)
        #expect(sandbox.number(ofPath: "r.\(SandboxedExpressions.numberedPaths)") == nil)
    }

    /// A random expression of the arithmetic subset and around it (literal-only operations, which SQLite
    /// computes on integers), and the same with `?n` for `v()`, for an independent SQLite to compute.
    private func randomExpression(_ depth: Int, _ random: inout SeededRandom) -> (text: String, bound: String) {
        let literals = [
            "0", "1", "2", "7", "1000", "0.001", "1e3", "1E+2", ".5", "0.1", "0.0", "0.", "3.14159", "9007199254740993",
            "1e-300", "1e-400", "1e308",
        ]
        switch Int.random(in: 0..<(depth < 4 ? 8 : 2), using: &random) {
        case 0:
            let (name, number) = [("a", 1), ("b", 2), ("c", 3)].randomElement(using: &random)!
            return (Bool.random(using: &random) ? "v('\(name)')" : "v( '\(name)' )", "?\(number)")
        case 1:
            let literal = literals.randomElement(using: &random)!
            return (literal, literal)
        case 2:
            let inner = randomExpression(depth + 1, &random)
            return ("(\(inner.text))", "(\(inner.bound))")
        case 3:
            // A sign before a value, a literal or a sign (`-+0.0` is 0 to SQLite, `-0.0` is -0).
            let inner = randomExpression(depth + 1, &random)
            let sign = ["- ", "+ ", "-"].randomElement(using: &random)!
            let text = sign == "-" && inner.text.hasPrefix("-") ? "- " : sign  // `--` starts a comment
            return (text + inner.text, text + inner.bound)
        default:
            let operation = ["+", "-", "*", "/"].randomElement(using: &random)!
            let (left, right) = (randomExpression(depth + 1, &random), randomExpression(depth + 1, &random))
            return ("\(left.text) \(operation) \(right.text)", "\(left.bound) \(operation) \(right.bound)")
        }
    }

    @Test func arithmeticInSwiftIsSQLitesArithmetic() throws {
        var random = SeededRandom(seed: 5)
        let oracle = try DatabaseQueue()
        var computedInSwift = 0
        for _ in 0..<1500 {
            let (text, bound) = randomExpression(0, &random)
            let sandbox = try SandboxedExpressions([text])
            for _ in 0..<10 {
                let values = (0..<3).map { _ in
                    [0, 1, -1, 1e300, -1e-300, 1514764800.2599473, 0.1, 3]
                        .randomElement(using: &random)!
                        * (Bool.random(using: &random) ? 1 : .random(in: -2...2, using: &random))
                }
                let byPath = ["a": values[0], "b": values[1], "c": values[2]]
                let expected = try oracle.read { db in
                    try Row.fetchOne(db, sql: "SELECT (\(bound)), ?1, ?2, ?3", arguments: StatementArguments(values))
                        .flatMap { $0[0] as Double? }
                }
                let outcome = try sandbox.evaluate(0) { request in
                    if case .value(let path) = request { .number(byPath[sandbox.path(path)]!) } else { nil }
                }
                let value: Double? = if case .number(let number) = outcome.value { number } else { nil }
                #expect(value?.bitPattern == expected?.bitPattern, "\(text) with \(values)")
                if let arithmetic = sandbox.arithmetic[0],
                    let native = arithmetic.evaluate({ byPath[sandbox.path($0)] })
                {
                    computedInSwift += 1
                    #expect(native.bitPattern == expected?.bitPattern, "\(text) with \(values)")
                }
            }
        }
        #expect(computedInSwift > 4000)  // most: the subset is where the time goes
    }
}
