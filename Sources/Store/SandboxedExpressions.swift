import Foundation
import GRDBSQLite

/// SQLite expressions written in a mapping (`{"sql": "v('end') - v('begin')"}`, docs/mappings.md): the
/// language is SQLite's own (arithmetic, `coalesce`, `CASE`, string and JSON functions), evaluated once
/// per record on a private in-memory connection that holds no data and can read nothing but what it is
/// handed through three functions: `v(path)` (the record's value at a path), `key(n)` (the key or index
/// the n-th `explode` wildcard matched) and `file()` (the file's path).
///
/// The connection cannot touch the store or the disk: it is empty and in memory (temporary storage
/// too), and an authorizer lets a statement do nothing but compute: the functions of `allowed` (no
/// blob makers, no extension), no table but `json_each`/`json_tree`, no recursive query. Values are
/// capped at 256 KiB and LIKE patterns at 1,000 bytes, so that one function call stays short; an
/// evaluation that runs past a budget of virtual-machine steps stops.
public final class SandboxedExpressions {
    public enum Value: Equatable, Sendable {
        case number(Double)
        case text(String)
    }

    /// What one of the three functions asks for. A path is named by a number that stays its own for the
    /// life of these expressions (`path(_:)` gives its text), so that a caller works out what it needs
    /// from the text once, not on every record. Past `numberedPaths` distinct paths (paths computed per
    /// record, from keys), a new one comes as its text, so that the table does not grow with the input.
    public enum Request {
        case value(path: Int)
        case unnumberedValue(path: String)
        case key(Int)
        case file
    }

    /// A value a function hands to SQLite; `json` is an object or array as JSON text. Numbers are REAL
    /// (so that `/` divides as the source's numbers mean it); `integer` is for array indices.
    public enum Input {
        case number(Double)
        case integer(Int)
        case text(String)
        case bool(Bool)
        case json(String)
    }

    public struct Failure: Error, CustomStringConvertible {
        /// The expression's index, nil when the connection itself failed.
        public let index: Int?
        public let reason: String
        public var description: String { reason }
    }

    /// The result of one evaluation: nil for SQL NULL. `readNull` says whether a function returned NULL
    /// on the way (an absent value), which tells an absent input from a NULL the expression made itself
    /// (a division by zero: `1 / 0` is NULL in SQLite).
    public struct Outcome: Equatable {
        public let value: Value?
        public let readNull: Bool
    }

    /// Steps an evaluation may take, in progress callbacks of 1,000 virtual-machine instructions: far
    /// above any real expression, counted in steps so that the verdict does not depend on the load.
    static let budget = 1000

    private var connection: OpaquePointer?
    private var statements: [OpaquePointer] = []
    /// Answers the functions during an evaluation.
    private var resolve: (Request) -> Input? = { _ in nil }
    private var readNull = false
    private var steps = 0
    /// The paths `v()` has been given, numbered in the order met, at most `numberedPaths`.
    static let numberedPaths = 1024
    private var paths: [String] = []
    private var pathNumbers: [String: Int] = [:]
    /// The expressions in the arithmetic subset computed in Swift (`Arithmetic`), by index. (Read on every
    /// record by the one thread that evaluates: no runtime access checks.)
    @exclusivity(unchecked) private(set) var arithmetic: [Arithmetic?] = []

    /// Compiles each expression; a failure names the expression by index with SQLite's message.
    public init(_ expressions: [String]) throws(Failure) {
        _ = Store.sqliteSetUp
        // One reader on one thread uses it: no mutex around every call.
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        guard sqlite3_open_v2(":memory:", &connection, flags, nil) == SQLITE_OK,
            let connection
        else { throw Failure(index: nil, reason: "cannot open an in-memory SQLite connection") }
        sqlite3_limit(connection, SQLITE_LIMIT_LENGTH, 256 << 10)
        sqlite3_limit(connection, SQLITE_LIMIT_SQL_LENGTH, 1 << 16)
        sqlite3_limit(connection, SQLITE_LIMIT_EXPR_DEPTH, 200)
        sqlite3_limit(connection, SQLITE_LIMIT_ATTACHED, 0)
        sqlite3_limit(connection, SQLITE_LIMIT_LIKE_PATTERN_LENGTH, 1000)
        sqlite3_exec(connection, "PRAGMA temp_store = MEMORY", nil, nil, nil)
        // Declared before the authorizer is set, so that naming them later reads no schema.
        sqlite3_exec(connection, "SELECT * FROM json_each('[]'), json_tree('[]')", nil, nil, nil)
        let context = Unmanaged.passUnretained(self).toOpaque()
        for (name, arity, function) in [
            ("v", Int32(1), Self.valueFunction), ("key", 1, Self.keyFunction), ("file", 0, Self.fileFunction),
        ] {
            sqlite3_create_function_v2(connection, name, arity, SQLITE_UTF8, context, function, nil, nil, nil)
        }
        sqlite3_set_authorizer(connection, Self.authorize, nil)
        sqlite3_progress_handler(connection, 1000, Self.progress, context)
        for (index, expression) in expressions.enumerated() {
            var statement: OpaquePointer?
            // The text after the statement, read while the C string it points into still exists.
            var rest = ""
            let code = ("SELECT (" + expression + ")").withCString { sql in
                var tail: UnsafePointer<CChar>?
                defer { rest = tail.map { String(cString: $0) } ?? "" }
                return sqlite3_prepare_v3(connection, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, &tail)
            }
            guard code == SQLITE_OK, let statement else {
                throw Failure(index: index, reason: String(cString: sqlite3_errmsg(connection)))
            }
            statements.append(statement)
            if !rest.allSatisfy(\.isWhitespace) {
                throw Failure(index: index, reason: "one expression only (no ';')")
            }
            guard sqlite3_column_count(statement) == 1 else {
                throw Failure(index: index, reason: "one expression only (one value)")
            }
            arithmetic.append(Arithmetic(expression, literal: literalValue, number: numbered))
        }
    }

    /// A number literal's value as SQLite reads it, and whether it is an INTEGER; nil for anything else.
    private func literalValue(_ text: String) -> (Double, integer: Bool)? {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(connection, "SELECT (" + text + ")", -1, &statement, nil) == SQLITE_OK,
            let statement
        else { return nil }
        defer { sqlite3_finalize(statement) }
        guard sqlite3_step(statement) == SQLITE_ROW else { return nil }
        let type = sqlite3_column_type(statement, 0)
        return type == SQLITE_INTEGER || type == SQLITE_FLOAT
            ? (sqlite3_column_double(statement, 0), type == SQLITE_INTEGER) : nil
    }

    /// A path's number, given on first sight; nil past `numberedPaths`.
    private func numbered(_ path: String) -> Int? {
        if let number = pathNumbers[path] { return number }
        guard paths.count < Self.numberedPaths else { return nil }
        paths.append(path)
        pathNumbers[path] = paths.count - 1
        return paths.count - 1
    }

    /// The text of a path `Request.value` names.
    public func path(_ number: Int) -> String { paths[number] }

    /// The number of a path `v()` has been given, nil if none has been.
    public func number(ofPath path: String) -> Int? { pathNumbers[path] }

    deinit {
        for statement in statements { sqlite3_finalize(statement) }
        sqlite3_close_v2(connection)
    }

    /// Evaluates expression `index`, its functions answered by `resolve` (held only during the call, so
    /// that its context need not be allocated on the heap for every record): in Swift where it is
    /// arithmetic on numbers (`Arithmetic`), else by SQLite.
    public func evaluate(_ index: Int, resolve: (Request) -> Input?) throws(Failure) -> Outcome {
        if let arithmetic = arithmetic[index],
            let value = arithmetic.evaluate({ path in
                if case .number(let number) = resolve(.value(path: path)) { number } else { nil }
            })
        {
            return Outcome(value: .number(value), readNull: false)
        }
        return try withoutActuallyEscaping(resolve) { resolve in
            Result { () throws(Failure) in try run(index, resolve) }
        }.get()
    }

    private func run(_ index: Int, _ resolve: @escaping (Request) -> Input?) throws(Failure) -> Outcome {
        let statement = statements[index]
        self.resolve = resolve
        readNull = false
        steps = 0
        defer {
            sqlite3_reset(statement)
            self.resolve = { _ in nil }
        }
        let code = sqlite3_step(statement)
        guard code == SQLITE_ROW else {
            let reason =
                code == SQLITE_INTERRUPT
                ? "ran past its budget of \(Self.budget * 1000) steps"
                : String(cString: sqlite3_errmsg(connection))
            throw Failure(index: index, reason: reason)
        }
        let value: Value? =
            switch sqlite3_column_type(statement, 0) {
            case SQLITE_INTEGER, SQLITE_FLOAT: .number(sqlite3_column_double(statement, 0))
            case SQLITE_TEXT: .text(String(cString: sqlite3_column_text(statement, 0)))
            case SQLITE_NULL: nil
            default: throw Failure(index: index, reason: "gave a blob, not a number or text")
            }
        return Outcome(value: value, readNull: readNull)
    }

    // MARK: SQLite callbacks

    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    private typealias Function = @convention(c) (OpaquePointer?, Int32, UnsafeMutablePointer<OpaquePointer?>?) -> Void

    private static let valueFunction: Function = { context, _, arguments in
        guard let argument = arguments?[0], sqlite3_value_type(argument) == SQLITE_TEXT else {
            return sqlite3_result_error(context, "v() takes a path as text, e.g. v('t.sent')", -1)
        }
        let this = instance(context)
        // A literal path keeps its number in SQLite's auxiliary data from one evaluation to the next (stored
        // as number + 1, since nil means none), so that its text is read and looked up once.
        if let kept = sqlite3_get_auxdata(context, 0) {
            return this.answer(context, .value(path: Int(bitPattern: kept) - 1))
        }
        let path = String(cString: sqlite3_value_text(argument))
        guard let number = this.numbered(path) else { return this.answer(context, .unnumberedValue(path: path)) }
        sqlite3_set_auxdata(context, 0, UnsafeMutableRawPointer(bitPattern: number + 1), nil)
        this.answer(context, .value(path: number))
    }

    private static let keyFunction: Function = { context, _, arguments in
        guard let argument = arguments?[0], sqlite3_value_type(argument) == SQLITE_INTEGER else {
            return sqlite3_result_error(context, "key() takes the wildcard's number, e.g. key(1)", -1)
        }
        instance(context).answer(context, .key(Int(sqlite3_value_int64(argument))))
    }

    private static let fileFunction: Function = { context, _, _ in instance(context).answer(context, .file) }

    private static func instance(_ context: OpaquePointer?) -> SandboxedExpressions {
        Unmanaged<SandboxedExpressions>.fromOpaque(sqlite3_user_data(context)).takeUnretainedValue()
    }

    private func answer(_ context: OpaquePointer?, _ request: Request) {
        switch resolve(request) {
        case nil:
            readNull = true
            sqlite3_result_null(context)
        case .number(let number): sqlite3_result_double(context, number)
        case .integer(let integer): sqlite3_result_int64(context, Int64(integer))
        case .bool(let flag): sqlite3_result_int64(context, flag ? 1 : 0)
        case .text(let text), .json(let text): sqlite3_result_text(context, text, -1, Self.transient)
        }
    }

    private static let progress: @convention(c) (UnsafeMutableRawPointer?) -> Int32 = { context in
        let this = Unmanaged<SandboxedExpressions>.fromOpaque(context!).takeUnretainedValue()
        this.steps += 1
        return this.steps > budget ? 1 : 0
    }

    /// The functions an expression may call: SQLite's scalar, aggregate, date and JSON functions that
    /// compute on what they are given, and the three of the sandbox. Not `randomblob`, `zeroblob`,
    /// `load_extension`, `fts3_tokenizer` or anything else.
    static let allowed: Set<String> = [
        "v", "key", "file", "abs", "coalesce", "ifnull", "nullif", "iif", "if", "min", "max", "round", "ceil",
        "ceiling", "floor", "trunc", "sign", "sqrt", "pow", "power", "exp", "ln", "log", "log10", "log2", "mod",
        "length", "octet_length", "lower", "upper", "substr", "substring", "trim", "ltrim", "rtrim", "replace",
        "instr", "printf", "format", "concat", "concat_ws", "char", "unicode", "quote", "typeof", "like", "glob",
        "unixepoch", "strftime", "datetime", "date", "time", "julianday", "timediff", "sum", "total", "avg",
        "count", "group_concat", "string_agg", "json", "json_extract", "json_type", "json_array_length",
        "json_valid", "json_quote", "json_array", "json_object", "json_each", "json_tree",
    ]

    /// Computing only: a SELECT, the `allowed` functions, and the columns of `json_each` and
    /// `json_tree`; nothing else compiles. The database is an empty in-memory one: there is nothing
    /// else to reach.
    private static let authorize:
        @convention(c) (
            UnsafeMutableRawPointer?, Int32, UnsafePointer<CChar>?, UnsafePointer<CChar>?, UnsafePointer<CChar>?,
            UnsafePointer<CChar>?
        ) -> Int32 = { _, action, first, second, _, _ in
            switch action {
            case SQLITE_SELECT: return SQLITE_OK
            case SQLITE_FUNCTION:
                return allowed.contains(second.map { String(cString: $0).lowercased() } ?? "") ? SQLITE_OK : SQLITE_DENY
            case SQLITE_READ:
                let table = first.map { String(cString: $0) } ?? ""
                return table == "json_each" || table == "json_tree" ? SQLITE_OK : SQLITE_DENY
            default: return SQLITE_DENY
            }
        }
}
