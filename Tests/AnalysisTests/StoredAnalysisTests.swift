import Foundation
import GRDB
import Ingest
import Simulate
import Testing

@testable import Analysis
@testable import Store

/// The stored analysis `analyze report` reuses: the samples read back as the same doubles, and the
/// stored results are taken only while the data and options they came from are unchanged.
@Suite struct StoredAnalysisTests {
    @Test func samplesReadBackAsTheSameDoubles() {
        let values: [Double] = [
            -1e308, -0.0, 0, .leastNonzeroMagnitude, 2.2250738585072014e-308, 0.1, 1.0 / 3, 40.0471, 1e21,
            123456789.125, 1.7976931348623157e308,
        ]
        #expect(
            MetricStore.values(String(decoding: MetricStore.json(values), as: UTF8.self)).map(\.bitPattern)
                == values.map(\.bitPattern))
        #expect(MetricStore.json([1.5, .infinity, 2]) == Array("[1.5,null,2.0]".utf8))
        #expect(MetricStore.values("[1.5,null,2.0]") == [1.5, 2])
        #expect(MetricStore.values("[]").isEmpty)
        // Past the first 1,024 values the text is sized from them; longer values later still fit.
        let many = (0..<5000).map { $0 < 1024 ? Double($0) : Double($0) / 7 }
        let text = MetricStore.json(many)
        #expect(MetricStore.values(String(decoding: text, as: UTF8.self)) == many)
        // One buffer over samples that shrink and grow: each text is the one written afresh.
        var buffer: [UInt8] = []
        for sample in [many, [2.5], [], Array(many.prefix(1500)), values] {
            MetricStore.json(sample, into: &buffer)
            #expect(buffer == MetricStore.json(sample))
        }
    }

    /// The two connections take every stage once, cold start (the longest) first.
    @Test func everyStageIsHandedOutOnceColdStartFirst() {
        #expect(Analyzer.startOrder.sorted() == Array(Analyzer.stages.indices))
        #expect(Analyzer.stages[Analyzer.startOrder[0]].id == .coldStart)
    }

    /// The write connection stores a stage's metrics once it and every stage before it have finished, so
    /// that ids keep the stages' order whichever connection finishes first; a failed stage stops it, and
    /// the first failure in stage order is the one reported.
    @Test(.timeLimit(.minutes(1))) func finishedStagesComeInStageOrder() throws {
        let results = StageResults(order: [2, 0, 1, 3, 4])
        #expect((0..<6).map { _ in results.next() } == [2, 0, 1, 3, 4, nil])
        @Sendable func report(_ index: Int) -> Result<StageReport, any Error> {
            .success(StageReport(stage: StageID.allCases[index], outcome: .metrics([]), seconds: 0))
        }
        results.store(2, report(2))
        results.store(1, report(1))
        // Stage 0 finishes later, on the other connection: the call waits for it.
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) { results.store(0, report(0)) }
        #expect(try results.finished(from: 0).map(\.stage) == Array(StageID.allCases.prefix(3)))
        #expect(results.firstFailure() == nil)
        results.store(4, .failure(AnalysisError.unknownSnapshot("4")))
        results.store(3, .failure(AnalysisError.unknownSnapshot("3")))
        let thrown = #expect(throws: AnalysisError.self) { try results.finished(from: 3) }
        #expect(thrown?.description == AnalysisError.unknownSnapshot("3").description)
        #expect((results.firstFailure() as? AnalysisError)?.description == thrown?.description)
    }

    /// A value equal to the one before repeats its text; equal means to the bit, so -0.0 and 0.0 differ.
    @Test func repeatedValuesWriteTheSameTextAsEachValueAlone() {
        #expect(
            MetricStore.json([-0.0, 0.0, 0.0, 1.5, 1.5, .infinity, .nan, -.infinity, 2])
                == Array("[-0.0,0.0,0.0,1.5,1.5,null,null,null,2.0]".utf8))
        var random = SeededRandom(seed: 2018)
        let sorted = (0..<20_000).map { _ in Double(Int.random(in: 0..<3_000, using: &random)) / 1000 }.sorted()
        let eachAlone = "[" + sorted.map(\.description).joined(separator: ",") + "]"
        #expect(MetricStore.json(sorted) == Array(eachAlone.utf8))
    }

    /// One run of three calls (the paper's id rule: the first request of an instance is its cold start).
    private func writeRun(_ folder: URL, _ name: String, latencies: [Double]) throws {
        let directory = folder.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Data(#"{"provider": "aws", "experiment": "coldstart"}"#.utf8).write(
            to: directory.appendingPathComponent("manifest.json"))
        let calls = latencies.enumerated().map { index, latency in
            StageFixtureTests.Call(
                batch: index + 1, instance: "\(name)-i\(index % 2)", request: index < 2 ? nil : "\(name)-r\(index)",
                sent: Double(index) * 1000, latency: latency)
        }
        try Data(calls.map(\.line).joined(separator: "\n").utf8).write(
            to: directory.appendingPathComponent("calls.log"))
    }

    @Test func reusedWhileCurrentAndRecomputedAfterNewData() throws {
        let folder = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("stored-" + UUID().uuidString)
        defer { try? FileManager.default.removeItem(at: folder) }
        try writeRun(folder, "run1", latencies: [300, 500, 20])
        let store = try Store(path: folder.path + "/store.sqlite")
        _ = try Ingester(store: store, options: .init(snapshot: "s")).run(paths: [folder.path + "/run1"])
        let analyzer = Analyzer(store: store)
        let fresh = try analyzer.run(snapshot: "s")
        #expect(try analyzer.current(snapshot: "s") == fresh)

        // Cold starts 300 and 500 ms: median 400. Changing the stored value shows which one `current` returns.
        func coldMedian(_ reports: [StageReport]) -> Double? {
            reports.flatMap(\.metrics).first {
                $0.metric == .coldStartLatency && $0.statistic == .median && $0.runtime == nil
                    && $0.setting?.hasPrefix("all cold") == true
            }?.value
        }
        #expect(coldMedian(fresh) == 400)
        try store.queue.write {
            try $0.execute(
                sql:
                    "UPDATE metric SET value = -1 WHERE metric = 'coldstart.latency_ms' AND statistic = 'median' AND "
                    + "runtime IS NULL AND setting LIKE 'all cold%'"
            )
        }
        #expect(coldMedian(try analyzer.current(snapshot: "s")) == -1)

        // Other options: computed again (and stored).
        var options = Analyzer.Options()
        options.vmCapacityMB = ["aws": 3008]
        #expect(coldMedian(try Analyzer(store: store, options: options).current(snapshot: "s")) == 400)

        // A new file in the snapshot: cold starts 300, 500, 100, 700 -> median 400 again, n = 4.
        try store.queue.write {
            try $0.execute(
                sql: "UPDATE metric SET value = -1 WHERE metric = 'coldstart.latency_ms' AND statistic = 'median'")
        }
        try writeRun(folder, "run2", latencies: [100, 700, 30])
        _ = try Ingester(store: store, options: .init(snapshot: "s")).run(paths: [folder.path + "/run2"])
        let after = try Analyzer(store: store, options: options).current(snapshot: "s")
        #expect(coldMedian(after) == 400)
        #expect(
            after.flatMap(\.metrics).first {
                $0.metric == .coldStartLatency && $0.statistic == .median && $0.setting?.hasPrefix("all cold") == true
            }?.n == 4)
    }
}
