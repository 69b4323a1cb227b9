import Foundation
import GRDB
import Ingest
import Store
import Testing

@testable import Analysis

/// Small hand-made runs whose metrics are worked out by hand in each test: they pin down what every
/// stage's metrics mean.
@Suite struct StageFixtureTests {
    /// One faas_measure line; times in ms from an epoch base, the request sent at `sent`.
    struct Call {
        var round = 1, batch = 1, batchSize = 1
        var runtime = "python2.7", memory = 128, function = "f"
        var instance: String
        var request: String? = nil  // nil: equal to the instance id (a cold start)
        var vm = "vm-1", cpu = "2,Intel Xeon X"
        var tests: [String] = []
        var sent: Double = 0
        var latency: Double = 100
        var duration: Double = 10

        var line: String {
            let base = 1_514_764_800_000.0
            let start = base + sent + latency
            let end = start + duration
            return
                ([
                    String(round), String(batch), String(batchSize), "0", "us-east-1", runtime, String(memory),
                    function,
                    instance, request ?? instance, vm, "sb", "10.0.0.1", "None", "172.16.0.1", "100.0,150.0", cpu,
                ] + tests
                + [
                    String(start), String(end), String(duration), String(base + sent), String(end + 5),
                    String(end + 5 - base - sent),
                ])
                .joined(separator: "#")
        }
    }

    /// Writes each run (manifest JSON, calls) under one snapshot, ingests and analyzes it.
    final class Fixture {
        let folder = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("fixture-" + UUID().uuidString)
        private(set) var metrics: [Metric] = []
        private(set) var reports: [StageReport] = []

        init(_ runs: [(manifest: String, calls: [Call])]) throws {
            for (index, run) in runs.enumerated() {
                let directory = folder.appendingPathComponent("runs/run\(index)")
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                try Data(run.manifest.utf8).write(to: directory.appendingPathComponent("manifest.json"))
                try Data(run.calls.map(\.line).joined(separator: "\n").utf8).write(
                    to: directory.appendingPathComponent("calls.log"))
            }
            let store = try Store(path: folder.path + "/store.sqlite")
            let summary = try Ingester(store: store, options: .init(snapshot: "fixture")).run(paths: [
                folder.path + "/runs"
            ])
            #expect(summary.rejected == 0 && summary.failed == 0)
            reports = try Analyzer(store: store).run(snapshot: "fixture")
            metrics = try store.queue.read { try MetricStore($0).metrics(snapshot: "fixture") }
        }

        deinit { try? FileManager.default.removeItem(at: folder) }

        func value(
            _ metric: MetricID, _ statistic: Statistic, memory: Int? = nil, runtime: String? = nil,
            setting: String? = nil
        ) -> Double? {
            metrics.first {
                $0.metric == metric && $0.statistic == statistic && $0.memoryMB == memory && $0.runtime == runtime
                    && (setting == nil || $0.setting == setting)
            }?.value
        }

        func outcome(_ stage: StageID) -> StageOutcome? { reports.first { $0.stage == stage }?.outcome }
    }

    private static let aws = #"{"provider": "aws"}"#

    @Test func vmInventory() throws {
        // Two VMs: vm-a (model X, 2 vCPU) hosts i1 and i2, vm-b (model Y, 4 vCPU) hosts i3.
        let fixture = try Fixture([
            (
                Self.aws,
                [
                    Call(instance: "i1", vm: "vm-a", cpu: "2,X"), Call(instance: "i2", vm: "vm-a", cpu: "2,X", sent: 1),
                    Call(instance: "i3", vm: "vm-b", cpu: "4,Y", sent: 2),
                ]
            )
        ])
        #expect(fixture.value(.vmCount, .count) == 2)
        #expect(fixture.value(.vmConfigurations, .count) == 2)
        #expect(fixture.value(.vmVCPUs, .mode) == 2)  // one VM each: the smaller wins the tie
        #expect(fixture.value(.vmVCPUs, .max) == 4)
        #expect(fixture.value(.vmConfigurationShare, .fraction, setting: "X, 2 vCPU") == 2.0 / 3)
        #expect(fixture.value(.vmConfigurationShare, .fraction, setting: "Y, 4 vCPU") == 1.0 / 3)
    }

    @Test func coresidency() throws {
        // Account A: a1 on vm-1, a2 on vm-2. Account B: b1 on vm-1. vm-1 hosts both: a1 and b1 share.
        let fixture = try Fixture([
            (
                #"{"provider": "aws", "account": "A", "experiment": "coresidency"}"#,
                [Call(instance: "a1", vm: "vm-1"), Call(instance: "a2", vm: "vm-2", sent: 1)]
            ),
            (
                #"{"provider": "aws", "account": "B", "experiment": "coresidency"}"#,
                [Call(instance: "b1", vm: "vm-1", sent: 2)]
            ),
        ])
        #expect(fixture.value(.crossTenantFraction, .fraction) == 2.0 / 3)
        #expect(fixture.value(.coresidencyVMs, .count) == 2)
    }

    @Test func coresidencyNeedsTwoAccounts() throws {
        let fixture = try Fixture([(Self.aws, [Call(instance: "i1")])])
        guard case .notMeasurable(let reason) = fixture.outcome(.coresidency) else {
            Issue.record("coresidency measured from one account")
            return
        }
        #expect(reason.contains("two or more accounts"))
    }

    @Test func scalability() throws {
        // Batch 1: 4 concurrent requests served by 3 instances (i3 twice) on 2 VMs. Batch 2: 2 requests,
        // 2 instances on 1 VM.
        let manifest = #"{"provider": "aws", "experiment": "scalability"}"#
        let fixture = try Fixture([
            (
                manifest,
                [
                    Call(batch: 1, batchSize: 4, instance: "i1"), Call(batch: 1, batchSize: 4, instance: "i2"),
                    Call(batch: 1, batchSize: 4, instance: "i3", vm: "vm-2"),
                    Call(batch: 1, batchSize: 4, instance: "i3", request: "r", vm: "vm-2", sent: 200),
                    Call(batch: 2, batchSize: 2, function: "g", instance: "j1", sent: 1000),
                    Call(batch: 2, batchSize: 2, function: "g", instance: "j2", sent: 1000),
                ]
            )
        ])
        #expect(fixture.value(.instancesPerRequest, .mean, setting: "concurrency=4") == 0.75)
        #expect(fixture.value(.instancesPerRequest, .mean, setting: "concurrency=2") == 1)
        #expect(fixture.value(.vmsPerBatch, .mean, setting: "concurrency=4") == 2)
        #expect(fixture.value(.vmsPerBatch, .mean, setting: "concurrency=2") == 1)
        #expect(fixture.value(.maxConcurrentInstances, .max) == 3)
    }

    @Test func placement() throws {
        // vm-1: 1536 + 1024 + 512 MB instances (one of them answering twice) = 3072 MB; vm-2: 128 MB.
        let fixture = try Fixture([
            (
                #"{"provider": "aws", "experiment": "placement"}"#,
                [
                    Call(memory: 1536, function: "big", instance: "p1", vm: "vm-1"),
                    Call(memory: 1024, function: "mid", instance: "p2", vm: "vm-1", sent: 1),
                    Call(memory: 512, function: "small", instance: "p3", vm: "vm-1", sent: 2),
                    Call(memory: 512, function: "small", instance: "p3", request: "again", vm: "vm-1", sent: 500),
                    Call(memory: 128, function: "tiny", instance: "p4", vm: "vm-2", sent: 3),
                ]
            )
        ])
        #expect(fixture.value(.vmMemoryMB, .max) == 3072)
        #expect(fixture.value(.vmMemoryMB, .median) == 1600)  // type 7 of [128, 3072]
        #expect(fixture.value(.placementUtilization, .max) == 3072.0 / 3328)
    }

    @Test func coldAndWarmStart() throws {
        // Cold latencies 100, 200, 300 ms; warm 10 and 20 ms (python2.7, 128 MB).
        let fixture = try Fixture([
            (
                Self.aws,
                [
                    Call(batch: 1, instance: "c1", latency: 100),
                    Call(batch: 2, instance: "c2", sent: 1000, latency: 200),
                    Call(batch: 3, instance: "c3", sent: 2000, latency: 300),
                    Call(batch: 4, instance: "c1", request: "w1", sent: 3000, latency: 10),
                    Call(batch: 5, instance: "c2", request: "w2", sent: 4000, latency: 20),
                ]
            )
        ])
        #expect(fixture.value(.coldStartLatency, .median, memory: 128, runtime: "python2.7") == 200)
        #expect(fixture.value(.coldStartLatency, .p90, memory: 128, runtime: "python2.7") == 280)  // 200 + 0.8 * 100
        #expect(fixture.value(.coldStartLatency, .mean, memory: 128, runtime: "python2.7") == 200)
        #expect(fixture.value(.warmStartLatency, .median, memory: 128, runtime: "python2.7") == 15)
        let median = try #require(
            fixture.metrics.first { $0.metric == .coldStartLatency && $0.statistic == .median && $0.runtime != nil })
        #expect(median.n == 3)
        #expect(median.ciLow! >= 100 && median.ciHigh! <= 300)
        // All three cold starts hit vm-1, each in its own batch; c1's batch was the VM's first: new VM
        // 100 ms against a VM already in use, median of 200 and 300 = 250 ms.
        #expect(fixture.value(.newVMMinusExistingVM, .medianDifference) == -150)
    }

    /// New against existing VMs with two functions in one runtime x memory group and a group of its own:
    /// the difference is taken per group (functions a and b together), then its median over the groups.
    @Test func newVersusExistingVMGroupsFunctionsByRuntimeAndMemory() throws {
        let fixture = try Fixture([
            (
                Self.aws,
                [
                    Call(batch: 1, function: "a", instance: "a1", vm: "vm-1", latency: 100),  // vm-1's first batch
                    Call(batch: 2, function: "b", instance: "b1", vm: "vm-1", sent: 1000, latency: 300),
                    Call(batch: 3, function: "a", instance: "a2", vm: "vm-1", sent: 2000, latency: 200),
                    Call(batch: 4, function: "b", instance: "b2", vm: "vm-2", sent: 3000, latency: 150),  // new
                    Call(batch: 5, memory: 256, function: "c", instance: "c1", vm: "vm-3", sent: 4000, latency: 500),
                    Call(batch: 6, memory: 256, function: "c", instance: "c2", vm: "vm-3", sent: 5000, latency: 700),
                ]
            )
        ])
        // 128 MB: new 100, 150 (median 125), existing 300, 200 (250): -125; 256 MB: 500 against 700: -200.
        let difference = try #require(fixture.metrics.first { $0.metric == .newVMMinusExistingVM })
        #expect(difference.value == -162.5 && difference.n == 6)
        let medians = fixture.metrics.filter { $0.metric == .coldStartLatency && $0.statistic == .median }
        #expect(medians.first { $0.parameters.grouping == .newVM }?.value == 150)
        #expect(medians.first { $0.parameters.grouping == .existingVM }?.value == 300)
    }

    /// docs/analyses.md, "Cold and warm start": a group whose values (10 or more) repeat another's exactly,
    /// one file published under two names, counts once in its provider's pooled row; a few equal values do not.
    @Test func aRepeatedGroupCountsOnceInThePooledRow() throws {
        func calls(_ runtime: String, _ latencies: [Double]) -> [Call] {
            latencies.enumerated().map { index, latency in
                Call(
                    batch: index + 1, runtime: runtime, function: runtime, instance: "\(runtime)-\(index)",
                    sent: Double(index) * 1000, latency: latency)
            }
        }
        let ten = (1...10).map { Double($0) * 100 }
        let repeated = try Fixture([
            (Self.aws, calls("python2.7", ten) + calls("nodejs6.10", ten) + calls("java8", ten.map { $0 + 5 }))
        ])
        let pooled = try #require(
            repeated.metrics.first {
                $0.metric == .coldStartLatency && $0.statistic == .median && $0.parameters.grouping == .pooled
            })
        #expect(pooled.n == 20)  // python2.7 and java8; nodejs6.10 repeats python2.7
        #expect(pooled.value == 552.5)  // of 100, 105, 200, 205, ..., 1000, 1005: the mean of 505 and 600
        let few = try Fixture([(Self.aws, calls("python2.7", [100, 200, 300]) + calls("nodejs6.10", [100, 200, 300]))])
        #expect(
            few.metrics.first {
                $0.metric == .coldStartLatency && $0.statistic == .median && $0.parameters.grouping == .pooled
            }?.n == 6)
    }

    /// docs/analyses.md, "Data quality": a cold start whose function started 3 ms before the request
    /// was sent (the instance's clock behind) is stored but left out of the latency distributions.
    @Test func aStartBeforeTheRequestIsLeftOut() throws {
        let fixture = try Fixture([
            (
                Self.aws,
                [
                    Call(batch: 1, instance: "c1", latency: 100),
                    Call(batch: 2, instance: "c2", sent: 1000, latency: 200),
                    Call(batch: 3, instance: "c3", sent: 2000, latency: 300),
                    Call(batch: 4, instance: "c4", sent: 3000, latency: -3),
                ]
            )
        ])
        let median = try #require(
            fixture.metrics.first { $0.metric == .coldStartLatency && $0.statistic == .median && $0.runtime != nil })
        #expect(median.value == 200 && median.n == 3)
        #expect(fixture.value(.coldStartLatency, .mean, memory: 128, runtime: "python2.7") == 200)
    }

    /// Runs of the 'hourly' experiment: each hour's median cold start, in hour order, with its 95%
    /// bootstrap CI, stored and read back with the series (an hour of three equal values has [200, 200]).
    @Test func hourlyMediansCarryTheirIntervals() throws {
        let manifest = #"{"provider": "aws", "experiment": "hourly"}"#
        let hours: [[Double]] = [[100, 110, 120], [200, 200, 200], [50, 60, 70, 80]]
        var calls: [Call] = []
        for (hour, latencies) in hours.enumerated() {
            for (index, latency) in latencies.enumerated() {
                calls.append(
                    Call(
                        batch: calls.count + 1, instance: "h\(hour)-\(index)",
                        sent: Double(hour) * 3_600_000 + Double(index) * 1000, latency: latency))
            }
        }
        let fixture = try Fixture([(manifest, calls)])
        let row = try #require(fixture.metrics.first { $0.metric == .hourlyColdStartMedian && $0.statistic == .median })
        let series = try #require(row.series)
        let firstHour = 1_514_764_800_000.0 / 3_600_000
        #expect(series.map(\.x) == [firstHour, firstHour + 1, firstHour + 2])
        #expect(series.map(\.y) == [110, 200, 65])
        #expect(series[1].low == 200 && series[1].high == 200)
        for (point, latencies) in zip(series, hours) {
            let (low, high) = (try #require(point.low), try #require(point.high))
            #expect(latencies.min()! <= low && low <= point.y && point.y <= high && high <= latencies.max()!)
        }
        #expect(series[0].low! < 110 || series[0].high! > 110)  // three different values: not a point
    }

    @Test func lifetime() throws {
        // Interval 60 s: i1 answers rounds 0-2 (sent at 0, 60, 120 s), i2 rounds 3-4. Round 4 is the
        // last, so i2 is cut off by the run's end and left out. i1: last response 120 s + 100 + 10 + 5 ms.
        let manifest = #"{"provider": "aws", "experiment": "lifetime", "parameters": {"interval_s": 60}}"#
        var calls: [Call] = []
        for round in 0..<5 {
            let instance = round < 3 ? "i1" : "i2"
            calls.append(
                Call(
                    round: round, instance: instance, request: round == 0 || round == 3 ? nil : "r\(round)",
                    sent: Double(round) * 60_000))
        }
        let fixture = try Fixture([(manifest, calls)])
        let expected = (120_000 + 115.0) / 60_000
        #expect(fixture.value(.instanceLifetimeMinutes, .median, memory: 128, setting: "interval=60s") == expected)
        #expect(fixture.metrics.first { $0.metric == .instanceLifetimeMinutes && $0.statistic == .median }?.n == 1)
        #expect(fixture.value(.vmUptimeHours, .max) == 100.0 / 3600)
    }

    /// An instance is one per run (the same id in two runs is two instances), each run has its own last
    /// round, and the lifetime runs' VMs are counted once each.
    @Test func lifetimeRunsKeepInstancesApartByRun() throws {
        // Run 0: i1 in rounds 0-1 on vm-1, i2 in rounds 2-3 on vm-2 (cut off by round 3).
        // Run 1: i1 in round 0 on vm-3, i3 in rounds 1-2 on vm-3 (cut off by round 2).
        func run(_ rounds: [(instance: String, vm: String)]) -> [Call] {
            rounds.enumerated().map { round, call in
                Call(
                    round: round, instance: call.instance, request: "r\(round)", vm: call.vm,
                    sent: Double(round) * 60_000)
            }
        }
        let manifest = #"{"provider": "aws", "experiment": "lifetime", "parameters": {"interval_s": 60}}"#
        let fixture = try Fixture([
            (manifest, run([("i1", "vm-1"), ("i1", "vm-1"), ("i2", "vm-2"), ("i2", "vm-2")])),
            (manifest, run([("i1", "vm-3"), ("i3", "vm-3"), ("i3", "vm-3")])),
        ])
        // Last seen is the last response: sent + 100 ms latency + 10 ms duration + 5 ms.
        let (longer, shorter) = ((60_000 + 115.0) / 60_000, 115.0 / 60_000)
        let minutes = fixture.metrics.first { $0.metric == .instanceLifetimeMinutes && $0.statistic == .median }
        #expect(minutes?.n == 2)
        #expect(minutes?.value == shorter + 0.5 * (longer - shorter))
        #expect(fixture.value(.instanceLifetimeMinutes, .max, memory: 128, setting: "interval=60s") == longer)
        let uptime = fixture.metrics.first { $0.setting == "longest host VM uptime seen in lifetime runs" }
        #expect(uptime?.value == 100.0 / 3600 && uptime?.n == 3)
    }

    @Test func idleRecycling() throws {
        // f1: requests 10 min apart, same instance (survived). f2: 30 min apart, a new instance (cold).
        let fixture = try Fixture([
            (
                #"{"provider": "aws", "experiment": "idle"}"#,
                [
                    Call(function: "f1", instance: "a", vm: "vm-1"),
                    Call(function: "f2", instance: "b", vm: "vm-2", sent: 5),
                    Call(function: "f1", instance: "a", request: "r2", vm: "vm-1", sent: 600_000),
                    Call(function: "f2", instance: "c", vm: "vm-2", sent: 1_800_005),
                ]
            )
        ])
        #expect(fixture.value(.maxIdleMinutes, .max, setting: "idle instances of one function") == 10)
        #expect(fixture.value(.idleSurvivalFraction, .fraction, setting: "idle=10min") == 1)
        #expect(fixture.value(.idleSurvivalFraction, .fraction, setting: "idle=30min") == 0)
        #expect(fixture.value(.coldProbability, .fraction, setting: "idle=30min") == 1)
    }

    @Test func updateConsistency() throws {
        // k = 2. Delay 0: after the update (expected v1 -> v2), one of two requests is served by v1, by a
        // reused (warm) instance: stale 1/2, stale new instances 0. Delay 6: none stale, so safe from 6 s.
        func run(delay: Int, staleSecond: Bool) -> (String, [Call]) {
            let manifest =
                #"{"provider": "aws", "experiment": "consistency", "tests": ["version", "expected"], "parameters": "#
                + #"{"delay_s": \#(delay)}}"#
            return (
                manifest,
                [
                    Call(round: 0, batch: 1, batchSize: 2, instance: "a\(delay)", tests: ["v1", "v1"]),
                    Call(round: 0, batch: 1, batchSize: 2, instance: "b\(delay)", tests: ["v1", "v1"], sent: 1),
                    Call(round: 0, batch: 2, batchSize: 2, instance: "c\(delay)", tests: ["v2", "v2"], sent: 10_000),
                    staleSecond
                        ? Call(
                            round: 0, batch: 2, batchSize: 2, instance: "a\(delay)", request: "x", tests: ["v1", "v2"],
                            sent: 10_001)
                        : Call(
                            round: 0, batch: 2, batchSize: 2, instance: "d\(delay)", tests: ["v2", "v2"], sent: 10_001),
                ]
            )
        }
        let fixture = try Fixture([run(delay: 0, staleSecond: true), run(delay: 6, staleSecond: false)])
        #expect(fixture.value(.staleFraction, .fraction, setting: "k=2 delay=0s") == 0.5)
        #expect(fixture.value(.staleNewInstanceFraction, .fraction, setting: "k=2 delay=0s") == 0)
        #expect(fixture.value(.staleFraction, .fraction, setting: "delay=6s") == 0)
        #expect(fixture.value(.safeDelay, .min) == 6)
    }

    @Test func cpuIOAndNetwork() throws {
        // CPU alone: 100 and 120 distinct ms -> shares 0.10 and 0.12, median 0.11.
        // I/O alone: rounds (100, 80 MB/s) -> 90; two together on vm-2: 45 and 40 -> median 42.5; slowdown 90 / 42.5.
        // Network alone 500 Mbps; together 250 and 200 -> 225; slowdown 500 / 225.
        func stamps(_ distinct: Int) -> String {
            (0..<distinct).map { String(1_514_764_800_000 + $0 * 7) }.joined(separator: ";")
        }
        let cpu = #"{"provider": "aws", "experiment": "cpu", "tests": ["cpu"]}"#
        let io = #"{"provider": "aws", "experiment": "isolation", "tests": ["io", "net"]}"#
        let fixture = try Fixture([
            (
                cpu,
                [
                    Call(batch: 1, instance: "c1", vm: "vm-1", tests: [stamps(100)]),
                    Call(batch: 2, instance: "c2", vm: "vm-3", tests: [stamps(120)], sent: 5000),
                ]
            ),
            (
                io,
                [
                    Call(batch: 1, instance: "d1", vm: "vm-1", tests: ["1.0,100;1.25,80", "500000000,0.3,0.2,0.9"]),
                    Call(
                        batch: 2, batchSize: 2, instance: "d2", vm: "vm-2",
                        tests: ["2.2,45;2.2,45", "250000000,0.3,0.2,0.9"], sent: 5000),
                    Call(
                        batch: 2, batchSize: 2, instance: "d3", vm: "vm-2", tests: ["2.5,40", "200000000,0.3,0.2,0.9"],
                        sent: 5001),
                ]
            ),
        ])
        #expect(abs(fixture.value(.cpuUtilization, .median, memory: 128, setting: "colevel=1")! - 0.11) < 1e-15)
        #expect(fixture.value(.ioThroughput, .median, memory: 128, setting: "colevel=1") == 90)
        #expect(fixture.value(.ioThroughput, .median, memory: 128, setting: "colevel=2") == 42.5)
        #expect(fixture.value(.ioSlowdown, .ratioOfMedians, memory: 128, setting: "colevel=2") == 90 / 42.5)
        #expect(fixture.value(.networkThroughput, .median, memory: 128, setting: "colevel=2") == 225)
        #expect(fixture.value(.networkSlowdown, .ratioOfMedians, memory: 128, setting: "colevel=2") == 500.0 / 225)
    }
}
