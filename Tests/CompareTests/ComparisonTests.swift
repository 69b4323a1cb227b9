import Foundation
import GRDB
import Ingest
import Statistics
import Store
import Testing

@testable import Analysis
@testable import Compare
@testable import Simulate

@Suite struct ComparisonTests {
    /// At most n figures, each provider's first ones in turn, in the table's order: no provider is cut while
    /// another has a second figure.
    @Test func figuresAreSharedOutByProvider() {
        let rows = ["aws 1", "aws 2", "aws 3", "aws 4", "azure 1", "google 1", "google 2"]
        let taken = ComparisonReport.takingTurns(rows, limit: 4) { String($0.prefix { $0 != " " }) }
        #expect(taken == ["aws 1", "aws 2", "azure 1", "google 1"])
        #expect(ComparisonReport.takingTurns(rows, limit: 10) { $0 } == rows)
    }

    /// A store holding snapshots A and B with the given metrics.
    private func store(_ a: [Metric], _ b: [Metric]) throws -> (Store, URL) {
        let folder = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("compare-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let store = try Store(path: folder.path + "/store.sqlite")
        try store.queue.write { db in
            for (name, metrics) in [("A", a), ("B", b)] {
                try db.execute(
                    sql: "INSERT INTO snapshot (name, created_at) VALUES (?, '2026-01-01T00:00:00Z')", arguments: [name]
                )
                try MetricReplacement(db, snapshotID: db.lastInsertedRowID, source: "analyze").append(metrics)
            }
        }
        return (store, folder)
    }

    /// Log-normal-ish latencies around `median` (a fixed pseudo-random sequence per seed).
    private func latencies(median: Double, count: Int, seed: UInt64) -> [Double] {
        var random = SeededRandom(seed: seed)
        return Sample((0..<count).map { _ in random.logNormal(median: median, sigma: 0.3) }).sorted
    }

    private func median(
        _ values: [Double], runtime: String = "python2.7", memory: Int? = 128, setting: String = "cold starts"
    ) -> Metric {
        Metric(
            .coldStartLatency, provider: "aws", runtime: runtime, memoryMB: memory, setting: setting,
            statistic: .median,
            value: Sample(values).median!, unit: "ms", n: values.count, samples: values)
    }

    @Test func joinRulesAndUnmatchedMetrics() throws {
        let pooledWarm = MetricParameters(temperature: .warm, grouping: .pooled)
        let paper = [
            Metric(
                .warmStartLatency, provider: "aws", setting: "all warm starts", parameters: pooledWarm,
                statistic: .median, value: 25, unit: "ms"),
            Metric(
                .coldStartLatency, provider: "aws", runtime: "java8",
                setting: "across memory sizes (lowest setting median)",
                statistic: .medianMin, value: 824, unit: "ms"),
            Metric(.vmCount, provider: "aws", setting: "host VMs seen", statistic: .count, value: 10, unit: "VMs"),
            Metric(MetricID("paper.only"), provider: "aws", statistic: .max, value: 1, unit: "x"),
        ]
        let rerun = [
            Metric(
                .warmStartLatency, provider: "aws", setting: "all warm starts, all invocations",
                parameters: pooledWarm, statistic: .median, value: 30, unit: "ms"),
            Metric(
                .coldStartLatency, provider: "aws", runtime: "java8", memoryMB: 128,
                setting: "cold starts, experiment=coldstart",
                statistic: .median, value: 900, unit: "ms"),
            Metric(
                .coldStartLatency, provider: "aws", runtime: "java8", memoryMB: 1536,
                setting: "cold starts, experiment=coldstart",
                statistic: .median, value: 800, unit: "ms"),
            Metric(.vmCount, provider: "aws", setting: "host VMs seen", statistic: .count, value: 12, unit: "VMs"),
            Metric(MetricID("rerun.only"), provider: "aws", statistic: .max, value: 2, unit: "x"),
        ]
        let (store, folder) = try store(paper, rerun)
        defer { try? FileManager.default.removeItem(at: folder) }
        let comparison = try Comparison(store: store, a: "A", b: "B")
        let rules = Dictionary(uniqueKeysWithValues: comparison.pairs.map { ("\($0.a.metric)/\($0.a.statistic)", $0) })
        #expect(rules["vm.count/count"]?.rule == .sameKey)
        #expect(rules["vm.count/count"]?.ratio == 1.2)
        #expect(rules["warmstart.latency_ms/median"]?.rule == .sameParameters)
        let overMemory = try #require(rules["coldstart.latency_ms/median_min"])
        #expect(
            overMemory.rule
                == .overMemorySizes(largest: false, of: 2, memoryMB: 1536, setting: "cold starts, experiment=coldstart")
        )
        #expect(overMemory.b.value == 800)  // the smaller of the two per-memory medians
        #expect(overMemory.verdict == .summaryOnly)
        #expect(comparison.onlyA.map(\.metric) == [MetricID("paper.only")])
        // The 128 MB median stood in for nothing, and is listed with B's extra metric.
        #expect(Set(comparison.onlyB.map(\.metric)) == [MetricID("rerun.only"), .coldStartLatency])
    }

    /// Settings worded differently but naming the same parameters join by the parameters; rows whose
    /// parameters differ do not, however alike their words.
    @Test func rowsJoinByTheirParametersWhateverTheWords() throws {
        let scalability = MetricParameters(experiment: "scalability")
        let paper = [
            Metric(
                .maxConcurrentInstances, provider: "aws", setting: "one function under 5i concurrent requests",
                parameters: scalability, statistic: .max, value: 200, unit: "instances"),
            Metric(
                .maxConcurrentInstances, provider: "azure", setting: "one function under 5i concurrent requests",
                parameters: MetricParameters(experiment: "colevel"), statistic: .max, value: 10, unit: "instances"),
        ]
        let rerun = [
            Metric(
                .maxConcurrentInstances, provider: "aws", setting: "one function under concurrent requests",
                parameters: scalability, statistic: .max, value: 791, unit: "instances"),
            Metric(
                .maxConcurrentInstances, provider: "azure", setting: "one function under concurrent requests",
                parameters: scalability, statistic: .max, value: 17, unit: "instances"),
        ]
        let (store, folder) = try store(paper, rerun)
        defer { try? FileManager.default.removeItem(at: folder) }
        let comparison = try Comparison(store: store, a: "A", b: "B")
        #expect(
            comparison.pairs.map { "\($0.a.provider!) \($0.ruleText) \($0.ratio!)" } == ["aws same parameters 3.955"])
        #expect(comparison.onlyA.map(\.provider) == ["azure"] && comparison.onlyB.map(\.provider) == ["azure"])
    }

    @Test func verdictsOnKnownShiftsAndOnNone() throws {
        let base = latencies(median: 200, count: 200, seed: 1)
        let doubled = latencies(median: 400, count: 200, seed: 2)
        // No shift: the two halves of one sample, every other value (A gets the even ranks, B the odd).
        let pooled = latencies(median: 200, count: 400, seed: 3)
        let evens = pooled.enumerated().filter { $0.offset % 2 == 0 }.map(\.element)
        let odds = pooled.enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
        let (store, folder) = try store(
            [median(base, memory: 128), median(evens, memory: 256), median(base, memory: 512)],
            [
                median(doubled, memory: 128), median(odds, memory: 256),
                Metric(
                    .coldStartLatency, provider: "aws", runtime: "python2.7", memoryMB: 512, setting: "cold starts",
                    statistic: .median, value: 150, unit: "ms"),
            ])
        defer { try? FileManager.default.removeItem(at: folder) }
        let pairs = Dictionary(
            uniqueKeysWithValues: try Comparison(store: store, a: "A", b: "B").pairs.map { ($0.a.memoryMB!, $0) })
        let slower = try #require(pairs[128])
        #expect(slower.verdict == .slower)
        #expect(slower.ratioCI!.low > 1 && slower.ratioCI!.low < slower.ratio! && slower.ratio! < slower.ratioCI!.high)
        #expect(abs(slower.ratio! - 2) < 0.2)
        #expect(slower.mannWhitneyP! < 1e-10 && slower.kolmogorovSmirnovP! < 1e-10)
        let unchanged = try #require(pairs[256])
        #expect(unchanged.verdict == .unchanged)
        #expect(unchanged.ratioCI!.low < 1 && unchanged.ratioCI!.high > 1)
        #expect(try #require(pairs[512]).verdict == .summaryOnly)  // B has no sample
    }

    /// docs/compare.md: the verdicts' test is the Mann-Whitney q-value, Benjamini-Hochberg over every
    /// pair tested (q of the i-th smallest of m p-values: min over j >= i of p(j) m / j, written out
    /// here); a 20% shift among twelve tests of no shift has p below 0.05 but q above it.
    @Test func verdictsControlTheFalseDiscoveryRate() throws {
        var a: [Metric] = []
        var b: [Metric] = []
        for index in 0..<12 {
            let memory = 128 * (index + 1)
            let pooled = latencies(median: 200, count: 120, seed: 100 + UInt64(index))
            a.append(median(pooled.enumerated().filter { $0.offset % 2 == 0 }.map(\.element), memory: memory))
            b.append(median(pooled.enumerated().filter { $0.offset % 2 == 1 }.map(\.element), memory: memory))
        }
        a.append(median(latencies(median: 200, count: 60, seed: 7), memory: 4096))
        b.append(median(latencies(median: 240, count: 60, seed: 8), memory: 4096))
        let (store, folder) = try store(a, b)
        defer { try? FileManager.default.removeItem(at: folder) }
        let pairs = try Comparison(store: store, a: "A", b: "B").pairs
        let p = pairs.map { $0.mannWhitneyP! }
        let order = p.indices.sorted { p[$0] < p[$1] }
        var expected = [Double](repeating: 1, count: p.count)
        var running = 1.0
        for (rank, index) in order.enumerated().reversed() {
            running = min(running, p[index] * Double(p.count) / Double(rank + 1))
            expected[index] = running
        }
        for (pair, q) in zip(pairs, expected) { #expect(abs(pair.mannWhitneyQ! - q) < 1e-12) }
        let shifted = try #require(pairs.first { $0.a.memoryMB == 4096 })
        // p = 0.0044 and the CI of B/A (1.03 to 1.30) excludes 1: "slower" on its own, but q = 0.057.
        #expect(shifted.mannWhitneyP! < 0.05 && shifted.mannWhitneyQ! >= 0.05 && shifted.ratioCI!.low > 1)
        #expect(shifted.verdict == .unchanged)
        #expect(pairs.allSatisfy { $0.verdict == .unchanged })
    }

    @Test func reportEscapesTextFromData() throws {
        let values = latencies(median: 100, count: 50, seed: 4)
        let (store, folder) = try store(
            [median(values, runtime: "<script>|x")], [median(values.map { $0 * 3 }, runtime: "<script>|x")])
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("out")
        try ComparisonReport(try Comparison(store: store, a: "A", b: "B")).write(to: out)
        let markdown = try String(contentsOf: out.appendingPathComponent("compare.md"), encoding: .utf8)
        #expect(markdown.contains("&lt;script&gt;\\|x") && !markdown.contains("<script"))
        for name in try FileManager.default.contentsOfDirectory(atPath: out.path + "/figures") {
            let svg = try String(contentsOf: out.appendingPathComponent("figures/" + name), encoding: .utf8)
            #expect(!svg.contains("<script") && svg.contains("&lt;script&gt;|x"), "\(name)")
        }
        let csv = ComparisonReport(try Comparison(store: store, a: "A", b: "B")).csv()
        #expect(
            csv.hasPrefix(
                "metric,provider,runtime,architecture,packaging,memory_mb,setting_a,setting_b,statistic,a,b,unit,"
                    + "b_over_a,"))
        #expect(csv.contains("slower"))
    }

    /// The forest plot draws a provider's pooled row once when it holds one group only (it repeats that
    /// group's row), and tells rows of one name apart by the parameters in which they differ, in words.
    @Test func forestRowsAreNamedByTheirParametersAndNotRepeated() throws {
        func row(
            _ values: [Double], runtime: String? = nil, memory: Int? = nil, grouping: MetricParameters.Grouping?,
            colevel: Int? = nil
        ) -> Metric {
            Metric(
                .coldStartLatency, provider: "azure", runtime: runtime, memoryMB: memory,
                setting: "raw, experiment=coldstart",
                parameters: MetricParameters(
                    experiment: "coldstart", temperature: .cold, grouping: grouping, colevel: colevel),
                statistic: .median, value: Sample(values).median!, unit: "ms", n: values.count, samples: values)
        }
        let a = latencies(median: 100, count: 40, seed: 7)
        let b = latencies(median: 300, count: 40, seed: 8)
        let newVM = (latencies(median: 150, count: 40, seed: 9), latencies(median: 200, count: 40, seed: 10))
        let (store, folder) = try store(
            [
                row(a, grouping: .pooled), row(a, runtime: "nodejs6.11", memory: 1536, grouping: nil),
                row(newVM.0, grouping: .newVM),
                row(a, runtime: "go", memory: 256, grouping: nil, colevel: 1),
                row(newVM.0, runtime: "go", memory: 256, grouping: nil, colevel: 4),
            ],
            [
                row(b, grouping: .pooled), row(b, runtime: "nodejs6.11", memory: 1536, grouping: nil),
                row(newVM.1, grouping: .newVM),
                row(b, runtime: "go", memory: 256, grouping: nil, colevel: 1),
                row(newVM.1, runtime: "go", memory: 256, grouping: nil, colevel: 4),
            ])
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("out")
        try ComparisonReport(try Comparison(store: store, a: "A", b: "B")).write(to: out)
        let svg = try String(contentsOf: out.appendingPathComponent("figures/ratios.svg"), encoding: .utf8)
        let labels = svg.components(separatedBy: "<text").filter { $0.contains("cold-start latency") }
        #expect(labels.count == 4)
        #expect(svg.contains("azure go 256 MB · cold-start latency (median), colevel 1</text>"))
        #expect(svg.contains("azure go 256 MB · cold-start latency (median), colevel 4</text>"))
        #expect(svg.contains("azure nodejs6.11 1536 MB · cold-start latency (median)</text>"))
        #expect(svg.contains("azure · cold-start latency (median), on a new VM</text>"))
        #expect(!svg.contains("experiment="))
        #expect(svg.contains("B / A, A: A; B: B (log scale)"))
        let markdown = try String(contentsOf: out.appendingPathComponent("compare.md"), encoding: .utf8)
        #expect(markdown.contains("left out where it holds one group only (1 row; the group's row is drawn)"))
    }

    @Test func parameterWordsNameWhatDiffers() {
        let pooled = MetricParameters(experiment: "coldstart", temperature: .cold, grouping: .pooled)
        let onNew = MetricParameters(experiment: "coldstart", temperature: .cold, grouping: .newVM, colevel: 4)
        // A parameter the row lacks is named only where its absence means one thing (no scenario).
        #expect(pooled.words(among: [pooled, onNew]) == ["every runtime and memory size"])
        #expect(onNew.words(among: [pooled, onNew]) == ["on a new VM", "colevel 4"])
        #expect(pooled.words(among: [pooled]).isEmpty)
        let idle = MetricParameters(idleMinutes: 12.5)
        #expect(idle.words(among: [MetricParameters(idleMinutes: 3)]) == ["idle 12.5 min"])
        let plain = MetricParameters(temperature: .cold)
        let scenario = MetricParameters(temperature: .cold, scenario: "vpc")
        #expect(plain.words(among: [plain, scenario]) == ["no scenario"])
        #expect(scenario.words(among: [plain, scenario]) == ["scenario vpc"])
    }

    /// A long one-sided listing stays complete (in a CSV beside the report) and readable (grouped in the report);
    /// and an explicit alias joins another definition, labelled as such, leaving B's own rows of that name out.
    @Test func longUnmatchedListingsAndLabelledAliases() throws {
        let values = latencies(median: 100, count: 40, seed: 5)
        let daily = (1...250).map { day in
            Metric(
                .memoryUsed, provider: "aws", runtime: "python312", memoryMB: 128, setting: "day=\(day)",
                statistic: .mean,
                value: Double(day), unit: "MB")
        }
        let initDurations = Metric(
            .coldStartInitDuration, provider: "aws", runtime: "python314", memoryMB: 128, setting: "cold starts",
            statistic: .median, value: Sample(values).median!, unit: "ms", n: values.count, samples: values)
        let native = median(values.map { $0 * 2 }, runtime: "python2.7", memory: 256)
        let (store, folder) = try store([median(values)], daily + [initDurations, native])
        defer { try? FileManager.default.removeItem(at: folder) }

        let plain = try Comparison(store: store, a: "A", b: "B")
        #expect(plain.pairs.isEmpty && plain.onlyB.count == 252)
        let out = folder.appendingPathComponent("out")
        try ComparisonReport(plain).write(to: out)
        let markdown = try String(contentsOf: out.appendingPathComponent("compare.md"), encoding: .utf8)
        #expect(markdown.contains("252 rows, all in [only-b.csv](only-b.csv)"))
        #expect(markdown.contains("| memory.used\\_mb | aws | 250 | 1 | 250 |"))
        let listed = try String(contentsOf: out.appendingPathComponent("only-b.csv"), encoding: .utf8).split(
            separator: "\n")
        #expect(listed.count == 1 + 252)

        let aliased = try Comparison(
            store: store, a: "A", b: "B",
            aliases: .init(
                metrics: [.coldStartInitDuration: .coldStartLatency], runtimes: ["python314": "python2.7"]))
        #expect(aliased.pairs.count == 1)
        #expect(
            aliased.pairs[0].ruleText
                == "cross-definition (B's coldstart.init_duration_ms read as coldstart.latency_ms; "
                + "B's runtime python314 read as python2.7), same key")
        #expect(aliased.pairs[0].ratio == 1)
        // B's own python2.7 latency row is left out rather than mixed in with the renamed one.
        #expect(!aliased.onlyB.contains { $0.runtime == "python2.7" })
        #expect(aliased.onlyB.count == 250)
    }

    /// The simulated 2017 and 2018 profiles differ by design: Google cold starts 4x faster, Azure 15x.
    @Test func simulatedRerunShowsTheKnownSpeedups() throws {
        let folder = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("speedup-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try Store(path: folder.path + "/store.sqlite")
        for (year, seed) in [("2017", UInt64(2017)), ("2018", UInt64(2018))] {
            for provider in ["google", "azure"] {
                try Simulator(profile: try Profile.builtIn("\(provider)-\(year)"), seed: seed, scale: 1).run(
                    [.coldstart], into: folder.appendingPathComponent(year))
            }
            _ = try Ingester(store: store, options: .init(snapshot: "simulated-\(year)")).run(paths: [
                folder.appendingPathComponent(year).path
            ])
            _ = try Analyzer(store: store).run(snapshot: "simulated-\(year)")
        }
        // Each file remembers the profile that wrote it, so a report can name them all.
        #expect(try store.summary(of: "simulated-2017")?.simulatedProfiles == ["azure-2017", "google-2017"])
        let comparison = try Comparison(store: store, a: "simulated-2017", b: "simulated-2018")
        for (provider, speedup) in [("google", 4.0), ("azure", 15.0)] {
            let pair = try #require(
                comparison.pairs.first {
                    $0.a.provider == provider && $0.a.metric == .coldStartLatency && $0.a.statistic == .median
                        && $0.a.parameters.grouping == .pooled
                })
            let measured = 1 / pair.ratio!
            #expect(abs(measured / speedup - 1) <= 0.10, "\(provider): \(measured)x")
            #expect(pair.ratioCI!.high < 1)  // the CI of B/A excludes 1
            #expect(pair.verdict == .faster)
        }
    }

    /// Rows the rules would join but whose value depends on how the runs were designed are refused with
    /// the reason, never compared; the report lists them and the headline says why B has no value.
    @Test func incomparableRowsAreRefusedWithTheReason() throws {
        let paper = [
            Metric(
                .vmUptimeHours, provider: "aws", setting: "longest host VM uptime seen",
                parameters: MetricParameters(experiment: "lifetime"), statistic: .max, value: 9.2, unit: "hours"),
            Metric(
                .vmMemoryMB, provider: "aws", setting: "aggregate memory of the instances on one VM",
                parameters: MetricParameters(experiment: "placement"), statistic: .max, value: 3328, unit: "MB"),
            Metric(
                .vmUptimeHours, provider: "google", setting: "longest host VM uptime seen",
                parameters: MetricParameters(experiment: "lifetime"), statistic: .max, value: 1, unit: "hours"),
            Metric(
                .vmUptimeHours, provider: "azure", setting: "longest host VM uptime seen", statistic: .max, value: 9,
                unit: "hours"),
        ]
        let burst = [
            Metric(
                .vmUptimeHours, provider: "aws", setting: "longest host VM uptime seen", statistic: .max, value: 2.9,
                unit: "hours"),
            Metric(
                .vmMemoryMB, provider: "aws", setting: "aggregate memory of the instances on one VM, all invocations",
                statistic: .max, value: 2048, unit: "MB"),
            Metric(
                .vmUptimeHours, provider: "google", setting: "longest host VM uptime seen",
                parameters: MetricParameters(experiment: "lifetime"), statistic: .max, value: 2, unit: "hours"),
            Metric(
                .vmUptimeHours, provider: "azure", setting: "longest host VM uptime seen", statistic: .max, value: 3,
                unit: "hours"),
        ]
        let (store, folder) = try store(paper, burst)
        defer { try? FileManager.default.removeItem(at: folder) }
        let comparison = try Comparison(store: store, a: "A", b: "B")
        // Both sides watched Google's VMs in lifetime runs: compared. Azure's come from whole snapshots,
        // whose spans differ: refused, as are rows of different experiments.
        #expect(comparison.pairs.map(\.a.provider) == ["google"])
        #expect(comparison.refused.map(\.a.metric) == [.vmUptimeHours, .vmUptimeHours, .vmMemoryMB])
        #expect(comparison.refused.map(\.a.provider) == ["aws", "azure", "aws"])
        #expect(comparison.refused[0].reason.contains("how long VMs are watched"))
        #expect(comparison.refused[1].reason.contains("A's value comes from all invocations of its snapshot"))
        #expect(comparison.refused[2].reason.contains("'placement' experiment"))
        #expect(comparison.onlyA.isEmpty && comparison.onlyB.isEmpty)
        let out = folder.appendingPathComponent("out")
        try ComparisonReport(comparison).write(to: out)
        let markdown = try String(contentsOf: out.appendingPathComponent("compare.md"), encoding: .utf8)
        #expect(markdown.contains("## Not comparable"))
        #expect(
            markdown.contains(
                "| Host VM uptime | aws | longest host VM uptime seen, max | 9.2 | 2.9 | hours |  | not comparable:"))
        #expect(
            markdown.contains(
                "| Host VM uptime | google | longest host VM uptime seen, max | 1 | 2 | hours | 2x higher |"))
    }

    /// Relaxations join only when asked for, only when one row qualifies, and say so per row.
    @Test func declaredRelaxationsJoinUnambiguousRowsAndSaySo() throws {
        func row(_ runtime: String, _ memory: Int, _ value: Double) -> Metric {
            Metric(
                .coldStartLatency, provider: "aws", runtime: runtime, memoryMB: memory, setting: "cold starts",
                parameters: MetricParameters(temperature: .cold), statistic: .median, value: value, unit: "ms")
        }
        let (store, folder) = try store(
            [row("java8", 128, 900), row("python2.7", 128, 200), row("nodejs6.10", 512, 300)],
            [row("java8", 256, 450), row("python312", 128, 100), row("python39", 128, 120), row("nodejs20x", 512, 150)])
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try Comparison(store: store, a: "A", b: "B").pairs.isEmpty)
        let memory = try Comparison(store: store, a: "A", b: "B", relaxations: [.memory])
        #expect(memory.pairs.map(\.ruleText) == ["any memory size (A 128 MB, B 256 MB)"])
        #expect(memory.pairs.map(\.b.value) == [450])
        // python2.7 has two candidates in its family (python312, python39): ambiguous, so not joined.
        let version = try Comparison(store: store, a: "A", b: "B", relaxations: [.runtimeVersion, .memory])
        #expect(
            version.pairs.map(\.ruleText) == [
                "any memory size (A 128 MB, B 256 MB)",
                "any runtime version within the family (A nodejs6.10, B nodejs20x)",
            ])
        #expect(version.onlyA.map(\.runtime) == ["python2.7"])
        // An alias naming a runtime B lacks is an error, not an empty comparison.
        #expect(throws: CompareError.self) {
            try Comparison(store: store, a: "A", b: "B", aliases: .init(runtimes: ["python2.7": "python2.7"]))
        }
    }

    /// Several B snapshots read as one: each analyzed on its own, their rows joined as one side.
    @Test func severalSnapshotsMakeOneSide() throws {
        let warm = MetricParameters(temperature: .warm, grouping: .pooled)
        let (store, folder) = try store(
            [
                Metric(.warmStartLatency, provider: "aws", parameters: warm, statistic: .median, value: 25, unit: "ms"),
                Metric(.maxConcurrentInstances, provider: "aws", statistic: .max, value: 200, unit: "instances"),
            ],
            [Metric(.warmStartLatency, provider: "aws", parameters: warm, statistic: .median, value: 71, unit: "ms")])
        defer { try? FileManager.default.removeItem(at: folder) }
        try store.queue.write { db in
            try db.execute(sql: "INSERT INTO snapshot (name, created_at) VALUES ('C', '2026-01-01T00:00:00Z')")
            try MetricReplacement(db, snapshotID: db.lastInsertedRowID, source: "analyze").append([
                Metric(.maxConcurrentInstances, provider: "aws", statistic: .max, value: 791, unit: "instances")
            ])
        }
        let comparison = try Comparison(store: store, a: ["A"], b: ["B", "C"])
        #expect(comparison.b == "B + C")
        #expect(comparison.pairs.map(\.b.value).sorted() == [71, 791])
        #expect(
            Headline(comparison).rows.map { Headline.change($0.outcome.pair!) } == ["3.96x higher", "2.84x slower"])
    }

    /// When B's own warm starts are slower than its cold starts, its start latencies say more about the
    /// clocks than the platform: such pairs are refused with the reason; other providers are compared.
    @Test func startLatenciesThatBDisownsAreRefused() throws {
        func row(
            _ metric: MetricID, _ provider: String, _ value: Double, _ temperature: MetricParameters.Temperature
        )
            -> Metric
        {
            Metric(
                metric, provider: provider, parameters: MetricParameters(temperature: temperature, grouping: .pooled),
                statistic: .median, value: value, unit: "ms")
        }
        let paper = [
            row(.warmStartLatency, "aws", 25, .warm), row(.warmStartLatency, "google", 79, .warm),
            row(.coldStartLatency, "google", 493, .cold),
        ]
        let burst = [
            row(.warmStartLatency, "aws", 71, .warm), row(.coldStartLatency, "aws", 97, .cold),
            row(.warmStartLatency, "google", 5690, .warm), row(.coldStartLatency, "google", 4914, .cold),
        ]
        let (store, folder) = try store(paper, burst)
        defer { try? FileManager.default.removeItem(at: folder) }
        let comparison = try Comparison(store: store, a: "A", b: "B")
        #expect(comparison.pairs.map(\.a.provider) == ["aws"])
        #expect(comparison.refused.map(\.a.provider) == ["google", "google"])
        #expect(comparison.refused.allSatisfy { $0.reason.contains("warm starts are slower than its cold starts") })
    }
}
