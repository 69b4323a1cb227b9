import Foundation
import GRDB
import Statistics
import Store

/// One measurement of the paper as a stage over the store.
protocol Stage: Sendable {
    var id: StageID { get }
    /// The canonical fields it needs, for the "not measurable" message.
    var requires: String { get }
    func run(_ context: AnalysisContext) throws -> StageOutcome
}

public enum StageOutcome: Sendable, Equatable {
    case metrics([Metric])
    /// Why the snapshot's data cannot support this stage.
    case notMeasurable(String)
}

/// What a stage computed (or why it could not), in the order the stages ran.
public struct StageReport: Sendable, Equatable {
    public let stage: StageID
    public let outcome: StageOutcome
    /// Wall-clock time the stage took.
    public let seconds: Double

    public var title: String { stage.title }

    /// Its metrics (none when not measurable).
    public var metrics: [Metric] {
        if case .metrics(let metrics) = outcome { return metrics }
        return []
    }
}

/// Runs every stage on one snapshot and replaces the snapshot's metrics with what they compute, in one
/// transaction.
public struct Analyzer {
    public struct Options: Sendable {
        /// Usable VM memory per provider for placement utilization (MB); AWS 2017: 3,328.
        public var vmCapacityMB: [String: Int] = ["aws": 3328]
        public var bootstrap = Bootstrap()
        public init() {}
    }

    /// The stages in the paper's order.
    static let stages: [Stage] = StageID.allCases.map { id in
        switch id {
        case .vmInventory: VMInventory()
        case .coresidency: Coresidency()
        case .scalability: Scalability()
        case .placement: Placement()
        case .coldStart: ColdStart()
        case .lifetime: Lifetime()
        case .idleRecycling: IdleRecycling()
        case .consistency: Consistency()
        case .cpu: CPUShare()
        case .ioAndNetwork: IOAndNetwork()
        }
    }

    private let store: Store
    private let options: Options

    public init(store: Store, options: Options = Options()) {
        self.store = store
        self.options = options
    }

    /// Runs every stage on the snapshot and stores what they computed (metrics, and the stages'
    /// outcomes with what they were computed from).
    public func run(snapshot: String) throws -> [StageReport] {
        try store.queue.write { db in
            let snapshotID = try Self.snapshotID(snapshot, db)
            let reports = try runStagesAndStore(snapshotID: snapshotID, db)
            try db.execute(sql: "DELETE FROM analysis_stage WHERE snapshot_id = ?", arguments: [snapshotID])
            for (position, report) in reports.enumerated() {
                var reason: String?
                if case .notMeasurable(let why) = report.outcome { reason = why }
                try db.execute(
                    sql: """
                        INSERT INTO analysis_stage (snapshot_id, position, title, not_measurable, metrics, seconds) \
                        VALUES (?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [snapshotID, position, report.title, reason, report.metrics.count, report.seconds])
            }
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO analysis (snapshot_id, inputs, analyzed_at) VALUES (?, ?, \
                    strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
                    """, arguments: [snapshotID, try inputs(snapshotID, db)])
            return reports
        }
    }

    /// The stages' indices in the order they are handed out: cold start first, since it reads every
    /// invocation and bootstraps the most groups (on 10M `#` lines as long as the next three stages
    /// together). Handed out in the paper's order it started third and ran on alone for a fifth of the
    /// analysis; the results keep the paper's order either way.
    static let startOrder: [Int] =
        stages.indices.filter { stages[$0].id == .coldStart } + stages.indices.filter { stages[$0].id != .coldStart }

    /// Runs the stages on two cores: this connection and a second, read-only one take the next stage
    /// in turn. (One after the other, the stages took 2.5 s on 1M invocations, mostly SQLite decoding
    /// rows.) This connection holds the write lock, so both read the same data. It takes the first
    /// stage, cold start, which has the most samples to store; with no stage left to take, it replaces
    /// the snapshot's metrics, adding each stage's once it and every stage before it have finished (so
    /// that ids keep the stages' order). On 10M `#` lines it writes cold start's samples (300 MB of
    /// JSON) while the other connection runs its last stage, which the WAL keeps from seeing them.
    private func runStagesAndStore(snapshotID: Int64, _ db: Database) throws -> [StageReport] {
        let stages = Self.stages
        let results = StageResults(order: Self.startOrder)
        let options = options
        @Sendable func work(_ db: Database, from first: Int?) {
            let context = AnalysisContext(db: db, snapshotID: snapshotID, options: options)
            var next = first
            while let index = next {
                let started = Date()
                do {
                    let outcome = try stages[index].run(context)
                    results.store(
                        index,
                        .success(
                            StageReport(
                                stage: stages[index].id, outcome: outcome,
                                seconds: Date().timeIntervalSince(started))))
                } catch {
                    results.store(index, .failure(error))
                }
                next = results.next()
            }
        }
        let first = results.next()
        let path = store.queue.path
        let second = path.isEmpty || path == ":memory:" ? nil : try? Store(readOnlyPath: path)
        let helper = DispatchGroup()
        if let second {
            DispatchQueue.global(qos: .userInitiated).async(group: helper) {
                try? second.queue.read { work($0, from: results.next()) }
            }
        }
        defer { helper.wait() }
        work(db, from: first)
        var reports: [StageReport] = []
        do {
            let replacement = try MetricReplacement(db, snapshotID: snapshotID, source: Self.source)
            while reports.count < stages.count {
                let finished = try results.finished(from: reports.count)
                for report in finished { try replacement.append(report.metrics) }
                reports += finished
            }
        } catch {
            // A stage's error before the store's: a stage that failed can abort the transaction (a full
            // disk), and then the store's error only says that it was aborted.
            helper.wait()
            throw results.firstFailure() ?? error
        }
        return reports
    }

    /// The cold- and warm-start latency rows (by group, and pooled per provider) of the snapshot's
    /// invocations whose time falls between `first` and `last` (epoch seconds, both included); none when
    /// no invocation there has a latency. Not stored: a trend over time windows computes them on the fly.
    public func startLatencies(snapshot: String, first: Double, last: Double) throws -> [Metric] {
        try store.queue.read { db in
            let context = AnalysisContext(
                db: db, snapshotID: try Self.snapshotID(snapshot, db), options: options, between: (first, last))
            if case .metrics(let metrics) = try ColdStart(latenciesOnly: true).run(context) { return metrics }
            return []
        }
    }

    /// The snapshot's stored analysis while it is current (computed from the same source files, with the
    /// same options, by stages of the same version), else a fresh `run`. The same metrics either way:
    /// stored values and samples read back as the same doubles.
    public func current(snapshot: String) throws -> [StageReport] {
        let stored = try store.queue.read { db -> [StageReport]? in
            let snapshotID = try Self.snapshotID(snapshot, db)
            guard let stages = try storedStages(snapshotID, db) else { return nil }
            var metrics = try MetricStore(db).analyzed(snapshotID: snapshotID, source: Self.source)[...]
            guard metrics.count == stages.reduce(0, { $0 + ($1["metrics"] as Int) }) else { return nil }
            return zip(Self.stages, stages).map { stage, stored in
                let count: Int = stored["metrics"]
                defer { metrics = metrics.dropFirst(count) }
                let outcome: StageOutcome =
                    (stored["not_measurable"] as String?).map { .notMeasurable($0) }
                    ?? .metrics(Array(metrics.prefix(count)))
                return StageReport(stage: stage.id, outcome: outcome, seconds: stored["seconds"])
            }
        }
        return try stored ?? run(snapshot: snapshot)
    }

    /// Makes sure the snapshot has a current stored analysis, running the stages when it has none, without
    /// reading the metrics back (for a caller that reads them from the store itself).
    public func ensureCurrent(snapshot: String) throws {
        let current = try store.queue.read { db in
            let snapshotID = try Self.snapshotID(snapshot, db)
            guard let stages = try storedStages(snapshotID, db) else { return false }
            let stored = try Int.fetchOne(
                db, sql: "SELECT count(*) FROM metric WHERE snapshot_id = ? AND source = ?",
                arguments: [snapshotID, Self.source])
            return stored == stages.reduce(0, { $0 + ($1["metrics"] as Int) })
        }
        if !current { _ = try run(snapshot: snapshot) }
    }

    /// The stored analysis' stages, when it was computed from the same inputs by the same stages (stored in
    /// stage order under their titles); nil when it must be computed again.
    private func storedStages(_ snapshotID: Int64, _ db: Database) throws -> [Row]? {
        guard
            try String.fetchOne(db, sql: "SELECT inputs FROM analysis WHERE snapshot_id = ?", arguments: [snapshotID])
                == inputs(snapshotID, db)
        else { return nil }
        let stages = try Row.fetchAll(
            db,
            sql: """
                SELECT title, not_measurable, metrics, seconds FROM analysis_stage WHERE snapshot_id = ?
                ORDER BY position
                """, arguments: [snapshotID])
        return stages.map({ $0["title"] as String }) == Self.stages.map(\.id.title) ? stages : nil
    }

    /// The `source` of the metric rows the stages write.
    public static let source = "analyze"

    /// What an analysis depends on besides the code: the snapshot's source files (ingest only adds
    /// files, each with a new id) and the options.
    private func inputs(_ snapshotID: Int64, _ db: Database) throws -> String {
        let files = try Row.fetchOne(
            db, sql: "SELECT count(*), ifnull(max(id), 0) FROM source_file WHERE snapshot_id = ?",
            arguments: [snapshotID])!
        let capacities = options.vmCapacityMB.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(
            separator: ",")
        let versions = StageID.allCases.map { "\($0.rawValue) v\($0.version)" }.joined(separator: ", ")
        return
            "stages \(versions); files \(files[0] as Int), last id \(files[1] as Int64); vm capacity MB \(capacities); "
            + "bootstrap seed \(options.bootstrap.seed), resamples \(options.bootstrap.resamples), level "
            + "\(options.bootstrap.level)"
    }

    private static func snapshotID(_ snapshot: String, _ db: Database) throws -> Int64 {
        guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM snapshot WHERE name = ?", arguments: [snapshot])
        else {
            throw AnalysisError.unknownSnapshot(snapshot)
        }
        return id
    }
}

/// The stages' outcomes as the two connections compute them, handed out and stored under a lock, and
/// waited for in stage order.
final class StageResults: @unchecked Sendable {
    private let condition = NSCondition()
    private let order: [Int]
    private var taken = 0
    private var results: [Result<StageReport, any Error>?]

    /// For the stages at `order`'s indices, handed out in that order.
    init(order: [Int]) {
        self.order = order
        results = Array(repeating: nil, count: order.count)
    }

    /// The index of the next stage nobody has taken, if any.
    func next() -> Int? {
        condition.withLock {
            guard taken < order.count else { return nil }
            taken += 1
            return order[taken - 1]
        }
    }

    func store(_ index: Int, _ result: Result<StageReport, any Error>) {
        condition.withLock {
            results[index] = result
            condition.broadcast()
        }
    }

    /// The reports of the stages from index `start` on that have finished, in stage order up to the first
    /// that has not, once stage `start` has; the error of the first of them that failed.
    func finished(from start: Int) throws -> [StageReport] {
        try condition.withLock {
            while results[start] == nil { condition.wait() }
            return try results[start...].prefix { $0 != nil }.map { try $0!.get() }
        }
    }

    /// The error of the first stage, in stage order, that failed among those that have finished.
    func firstFailure() -> (any Error)? {
        condition.withLock {
            for case .failure(let error)? in results { return error }
            return nil
        }
    }
}

public enum AnalysisError: Error, CustomStringConvertible {
    case unknownSnapshot(String)
    public var description: String {
        switch self {
        case .unknownSnapshot(let name): "no snapshot named '\(name)' (see `analyze snapshots`)"
        }
    }
}

/// The store as a stage sees it: one snapshot, and helpers for the questions every stage asks.
final class AnalysisContext {
    let db: Database
    let snapshotID: Int64
    let options: Analyzer.Options
    /// Epoch seconds, both ends included: only invocations whose time (`SnapshotTime.invocationTime`)
    /// falls in it, for the stages that read `window`.
    let between: (first: Double, last: Double)?

    init(db: Database, snapshotID: Int64, options: Analyzer.Options, between: (first: Double, last: Double)? = nil) {
        self.db = db
        self.snapshotID = snapshotID
        self.options = options
        self.between = between
    }

    /// A condition on `i` and `e` (experiment): in the time window when there is one (bound as `?2`, `?3`).
    var window: String { between == nil ? "1" : "\(SnapshotTime.invocationTime) BETWEEN ?2 AND ?3" }

    var bootstrap: Bootstrap { options.bootstrap }

    /// Whether the snapshot holds runs of the experiment (the manifest's `experiment`).
    func hasExperiment(_ kind: String) throws -> Bool {
        try Bool.fetchOne(
            db,
            sql: """
                SELECT EXISTS (SELECT 1 FROM experiment e WHERE e.kind = ?
                               AND EXISTS (SELECT 1 FROM invocation i WHERE i.snapshot_id = ? AND i.experiment_id = \
                e.id))
                """, arguments: [kind, snapshotID]) ?? false
    }

    /// `.notMeasurable` when the snapshot has no runs of the experiment a stage needs, else nil.
    func missing(experiment kind: String) throws -> StageOutcome? {
        try hasExperiment(kind) ? nil : .notMeasurable("no runs of the '\(kind)' experiment (manifest experiment)")
    }

    /// The invocations a stage looks at, as a SQL condition on `i` (invocation) and `e` (experiment):
    /// the runs of `experiment` when the snapshot has any, else every invocation. The label says which
    /// in words; `experiment` is nil for every invocation.
    func scope(preferring experiment: String) throws -> (condition: String, label: String, experiment: String?) {
        if try hasExperiment(experiment) { return ("e.kind = '\(experiment)'", "experiment=\(experiment)", experiment) }
        return ("1", "all invocations", nil)
    }

    /// `FROM` clause joining an invocation with its function and experiment, limited to the snapshot.
    var invocations: String {
        """
        invocation i JOIN function f ON f.id = i.function_id LEFT JOIN experiment e ON e.id = i.experiment_id
        """
    }

    struct Function {
        let provider: String, runtime: String?, architecture: String?, packaging: String?, memoryMB: Int?
    }

    /// Provider, runtime (with architecture and packaging) and memory of every function, by id.
    func functions() throws -> [Int64: Function] {
        try Row.fetchAll(db, sql: "SELECT id, provider, runtime, architecture, packaging, memory_mb FROM function")
            .reduce(into: [:]) {
                $0[$1[0]] = Function(
                    provider: $1[1], runtime: $1[2], architecture: $1[3], packaging: $1[4], memoryMB: $1[5])
            }
    }

    func rows(_ sql: String, _ arguments: StatementArguments = []) throws -> [Row] {
        try Row.fetchAll(db, sql: sql, arguments: [snapshotID] + arguments)
    }

    /// `Database.scan` over the snapshot: `?1` is its id; `?2` and `?3` the time window's ends, if any.
    func scan(_ sql: String, _ body: (ScanRow) throws -> Void) throws {
        try db.scan(sql, between.map { [snapshotID, $0.first, $0.last] } ?? [snapshotID], body)
    }
}
