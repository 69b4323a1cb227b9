import Statistics
import Foundation
import GRDB
import Store

/// One measurement of the paper as a stage over the store.
protocol Stage: Sendable {
    /// The section of the paper it reproduces, e.g. "Cold and warm start".
    var title: String { get }
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
    public let title: String
    public let outcome: StageOutcome
    /// Wall-clock time the stage took.
    public let seconds: Double
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
    static let stages: [Stage] = [
        VMInventory(), Coresidency(), Scalability(), Placement(), ColdStart(), Lifetime(), IdleRecycling(),
        Consistency(), CPUShare(), IOAndNetwork(),
    ]

    private let store: Store
    private let options: Options

    public init(store: Store, options: Options = Options()) {
        self.store = store
        self.options = options
    }

    public func run(snapshot: String) throws -> [StageReport] {
        try store.queue.write { db in
            guard let snapshotID = try Int64.fetchOne(db, sql: "SELECT id FROM snapshot WHERE name = ?", arguments: [snapshot]) else {
                throw AnalysisError.unknownSnapshot(snapshot)
            }
            let context = AnalysisContext(db: db, snapshotID: snapshotID, options: options)
            let reports = try Self.stages.map { stage in
                let started = Date()
                let outcome = try stage.run(context)
                return StageReport(title: stage.title, outcome: outcome, seconds: Date().timeIntervalSince(started))
            }
            try MetricStore(db).replace(snapshotID: snapshotID, with: reports.flatMap { report -> [Metric] in
                if case .metrics(let metrics) = report.outcome { return metrics }
                return []
            }, source: "analyze")
            return reports
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

    init(db: Database, snapshotID: Int64, options: Analyzer.Options) {
        self.db = db
        self.snapshotID = snapshotID
        self.options = options
    }

    var bootstrap: Bootstrap { options.bootstrap }

    /// Whether the snapshot holds runs of the experiment (the manifest's `experiment`).
    func hasExperiment(_ kind: String) throws -> Bool {
        try Bool.fetchOne(db, sql: """
            SELECT EXISTS (SELECT 1 FROM experiment e WHERE e.kind = ?
                           AND EXISTS (SELECT 1 FROM invocation i WHERE i.snapshot_id = ? AND i.experiment_id = e.id))
            """, arguments: [kind, snapshotID]) ?? false
    }

    /// `.notMeasurable` when the snapshot has no runs of the experiment a stage needs, else nil.
    func missing(experiment kind: String) throws -> StageOutcome? {
        try hasExperiment(kind) ? nil : .notMeasurable("no runs of the '\(kind)' experiment (manifest experiment)")
    }

    /// The invocations a stage looks at, as a SQL condition on `i` (invocation) and `e` (experiment):
    /// the runs of `experiment` when the snapshot has any, else every invocation. The label says which.
    func scope(preferring experiment: String) throws -> (condition: String, label: String) {
        if try hasExperiment(experiment) { return ("e.kind = '\(experiment)'", "experiment=\(experiment)") }
        return ("1", "all invocations")
    }

    /// `FROM` clause joining an invocation with its function and experiment, limited to the snapshot.
    var invocations: String {
        """
        invocation i JOIN function f ON f.id = i.function_id LEFT JOIN experiment e ON e.id = i.experiment_id
        """
    }

    /// Provider, runtime and memory of every function, by id.
    func functions() throws -> [Int64: (provider: String, runtime: String?, memoryMB: Int?)] {
        try Row.fetchAll(db, sql: "SELECT id, provider, runtime, memory_mb FROM function")
            .reduce(into: [:]) { $0[$1[0]] = ($1[1], $1[2], $1[3]) }
    }

    func rows(_ sql: String, _ arguments: StatementArguments = []) throws -> [Row] {
        try Row.fetchAll(db, sql: sql, arguments: [snapshotID] + arguments)
    }
}
