import Foundation
import GRDB
import Ingest
import Store
import Testing

@testable import Analysis
@testable import Simulate

/// Simulated runs of every experiment, ingested and analyzed: the metrics must recover what the
/// model's `truth.json` says.
@Suite struct RecoversTruthTests {
    /// Simulates, ingests and analyzes; returns the metrics and a reader for each run's truth.
    final class Run {
        let folder = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("truth-" + UUID().uuidString)
        let profile: String
        let metrics: [Metric]

        init(_ profile: String, _ experiments: [Experiment], scale: Double, seed: UInt64 = 11) throws {
            self.profile = profile
            let model = try Profile.builtIn(profile)
            try Simulator(profile: model, seed: seed, scale: scale).run(experiments, into: folder)
            let store = try Store(path: folder.path + "/store.sqlite")
            let summary = try Ingester(store: store).run(paths: [folder.appendingPathComponent(profile).path])
            #expect(summary.rejected == 0 && summary.failed == 0)
            let snapshot = Simulator(profile: model, seed: seed, scale: scale).snapshot
            _ = try Analyzer(store: store).run(snapshot: snapshot)
            metrics = try store.queue.read { try MetricStore($0).metrics(snapshot: snapshot) }
        }

        deinit { try? FileManager.default.removeItem(at: folder) }

        func truth(_ experiment: Experiment, _ run: String) throws -> [String: Any] {
            let url = folder.appendingPathComponent("\(profile)/\(experiment.rawValue)/\(run)/truth.json")
            return (try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any])["expected"]
                as! [String: Any]
        }

        func value(
            _ metric: MetricID, _ statistic: Statistic, runtime: String? = nil, memory: Int? = nil,
            setting: (String) -> Bool = { _ in true }
        ) -> Double? {
            let found = metrics.filter {
                $0.metric == metric && $0.statistic == statistic && $0.runtime == runtime && $0.memoryMB == memory
                    && setting($0.setting ?? "")
            }
            #expect(found.count <= 1, "\(metric) \(statistic): \(found.count) rows")
            return found.first?.value
        }
    }

    @Test func awsIdleLimitPlacementAndCoresidency() throws {
        let run = try Run("aws-2017", [.idle, .placement, .coresidency], scale: 1)
        let idle = try run.truth(.idle, "gap-probes")
        let maxIdle = try #require(
            run.value(.maxIdleMinutes, .max, setting: { $0 == "idle instances of one function" }))
        #expect(abs(maxIdle - (idle["max_idle_minutes"] as! Double)) <= 1, "analysis \(maxIdle), truth 27")
        #expect(maxIdle <= 27)

        let placement = try run.truth(.placement, "mixed-memory")
        #expect(run.value(.vmMemoryMB, .max) == Double(placement["max_vm_memory_mb"] as! Int))
        #expect(run.value(.vmMemoryMB, .max) == 3328)
        #expect(run.value(.placementUtilization, .max) == 1)

        let coresidency = try run.truth(.coresidency, "tenant-a")
        #expect(run.value(.crossTenantFraction, .fraction) == coresidency["cross_tenant_fraction"] as? Double)
        #expect(run.value(.coresidencyVMs, .count) == Double(coresidency["vms"] as! Int))
    }

    @Test(arguments: ["aws-2017", "azure-2017", "google-2017"])
    func scalabilityAndColdStarts(profile: String) throws {
        let run = try Run(profile, [.scalability, .coldstart, .coresidency], scale: 1)
        let scalability = try run.truth(.scalability, "concurrency")
        for level in scalability["levels"] as! [[String: Any]] {
            let concurrency = level["concurrency"] as! Int
            let measured = try #require(
                run.value(.instancesPerRequest, .mean, setting: { $0 == "concurrency=\(concurrency)" }))
            #expect(abs(measured - (level["instances_per_request"] as! Double)) < 1e-12)
            switch profile {
            case "aws-2017": #expect(measured == 1)
            case "google-2017" where concurrency >= 10: #expect(abs(measured - 0.5) <= 0.05)
            default: break
            }
        }
        let most = try #require(run.value(.maxConcurrentInstances, .max))
        #expect(most == Double(scalability["max_concurrent_instances"] as! Int))
        if profile == "azure-2017" { #expect(most <= 10) }

        let coldstart = try run.truth(.coldstart, "cold-warm-pairs")
        for group in coldstart["cold"] as! [[String: Any]] {
            let runtime = group["runtime"] as! String
            let memory = group["memory_mb"] as! Int
            let truth = group["cold_median_ms"] as! Double
            let measured = try #require(run.value(.coldStartLatency, .median, runtime: runtime, memory: memory))
            #expect(abs(measured / truth - 1) <= 0.05, "\(profile) \(runtime) \(memory) MB: \(measured) vs \(truth)")
        }
        let warm = try #require(run.value(.warmStartLatency, .median, setting: { $0.hasPrefix("all warm starts") }))
        #expect(abs(warm / (coldstart["warm_median_ms"] as! Double) - 1) <= 0.05)

        if profile == "azure-2017" {
            let coresidency = try run.truth(.coresidency, "tenant-a")
            #expect(run.value(.crossTenantFraction, .fraction) == coresidency["cross_tenant_fraction"] as? Double)
        }
    }

    @Test func awsStaleFractionByDelay() throws {
        let run = try Run("aws-2017", [.consistency], scale: 0.5)
        for k in [1, 50] {
            for delay in [0, 1, 2, 3, 4, 5, 6, 8, 10] {
                let truth = try run.truth(.consistency, "k\(k)-delay-\(delay)s")
                let measured = try #require(
                    run.value(.staleFraction, .fraction, setting: { $0 == "k=\(k) delay=\(delay)s" }))
                #expect(abs(measured - (truth["stale_fraction"] as! Double)) <= 0.01, "k=\(k) delay=\(delay)s")
                let fresh = try #require(
                    run.value(
                        .staleNewInstanceFraction, .fraction,
                        setting: { $0 == "k=\(k) delay=\(delay)s" }))
                #expect(abs(fresh - (truth["stale_new_instance_fraction"] as! Double)) <= 0.01)
            }
        }
        let safe = try #require(run.value(.safeDelay, .min))
        #expect(safe <= 6)
    }

    @Test(arguments: ["aws-2017", "google-2017"])
    func cpuShareRatioBetweenMemorySizes(profile: String) throws {
        let run = try Run(profile, [.cpu], scale: 1)
        let groups = (try run.truth(.cpu, "busy-loop"))["groups"] as! [[String: Any]]
        let alone = groups.filter { $0["colevel"] as! Int == 1 }
        let smallest = alone.min { ($0["memory_mb"] as! Int) < ($1["memory_mb"] as! Int) }!
        let largest = alone.max { ($0["memory_mb"] as! Int) < ($1["memory_mb"] as! Int) }!
        let truthRatio = (largest["mean_share"] as! Double) / (smallest["mean_share"] as! Double)
        let small = try #require(
            run.value(.cpuUtilization, .median, memory: smallest["memory_mb"] as? Int, setting: { $0 == "colevel=1" }))
        let large = try #require(
            run.value(.cpuUtilization, .median, memory: largest["memory_mb"] as? Int, setting: { $0 == "colevel=1" }))
        #expect(abs((large / small) / truthRatio - 1) <= 0.05, "\(profile): \(large / small) vs \(truthRatio)")
    }
}
