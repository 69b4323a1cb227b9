import Foundation
import GRDB
import Ingest
import Store
import Testing

@testable import Simulate

/// A temporary folder, removed when the test ends.
final class Folder {
    let url = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("simulate-test-" + UUID().uuidString)
    deinit { try? FileManager.default.removeItem(at: url) }

    /// Every file below the folder (relative path -> bytes).
    func contents(of directory: URL? = nil) throws -> [String: Data] {
        let root = directory ?? url
        var files: [String: Data] = [:]
        let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey])!
        for case let file as URL in walker
        where (try file.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true {
            files[String(file.path.dropFirst(root.path.count))] = try Data(contentsOf: file)
        }
        return files
    }
}

@Suite struct SimulatorTests {
    @Test func sameSeedSameBytesOtherSeedOtherBytes() throws {
        let profile = try Profile.builtIn("aws-2017")
        let a = Folder()
        let b = Folder()
        let c = Folder()
        try Simulator(profile: profile, seed: 42, scale: 0.02).run(Experiment.allCases, into: a.url)
        try Simulator(profile: profile, seed: 42, scale: 0.02).run(Experiment.allCases, into: b.url)
        try Simulator(profile: profile, seed: 43, scale: 0.02).run(Experiment.allCases, into: c.url)
        let first = try a.contents()
        let second = try b.contents()
        let third = try c.contents()
        #expect(first.count == 3 * 31)  // 31 runs, each with manifest, log and truth
        #expect(first == second)
        #expect(first != third)
    }

    @Test(arguments: Profile.builtInNames)
    func generatedRunsIngestCleanlyAndKeepTheModelsInvariants(profileName: String) throws {
        let profile = try Profile.builtIn(profileName)
        let folder = Folder()
        try Simulator(profile: profile, seed: 7, scale: 0.02).run(Experiment.allCases, into: folder.url)
        let store = try Store(path: folder.url.path + "/runs.sqlite")
        let summary = try Ingester(store: store).run(paths: [folder.url.appendingPathComponent(profile.name).path])
        let logs = try folder.contents().keys.filter { $0.hasSuffix("/invocations.log") }.count
        #expect(summary.failed == 0 && summary.rejected == 0 && summary.ingested == logs && logs >= 27)

        try store.queue.read { db in
            func count(_ sql: String) throws -> Int { try Int.fetchOne(db, sql: sql)! }
            #expect(try count("SELECT count(*) FROM invocation") == summary.records)
            #expect(try count("SELECT count(DISTINCT name) FROM snapshot") == 1)
            // Timestamps ordered (the simulated client and instance share one clock).
            #expect(
                try count(
                    """
                    SELECT count(*) FROM invocation WHERE NOT (request_sent_ms <= function_start_ms
                      AND function_start_ms <= function_end_ms AND function_end_ms <= response_received_ms)
                    """) == 0)
            // Within each log, requests are written in the order they were sent.
            #expect(
                try count(
                    """
                    SELECT count(*) FROM (SELECT request_sent_ms < lag(request_sent_ms) OVER (PARTITION BY \
                    source_file_id ORDER BY line) AS back
                                          FROM invocation) WHERE back
                    """) == 0)
            // No instance serves two requests at once.
            #expect(
                try count(
                    """
                    SELECT count(*) FROM (SELECT function_start_ms < lag(function_end_ms) OVER (PARTITION BY \
                    instance_id ORDER BY function_start_ms) AS overlap
                                          FROM invocation) WHERE overlap
                    """) == 0)
            // The cold flag is set exactly on each instance's first request.
            #expect(
                try count(
                    """
                    SELECT count(*) FROM (SELECT instance_id, sum(is_cold) AS colds,
                        min(CASE WHEN is_cold = 1 THEN function_start_ms END) AS cold_start, min(function_start_ms) \
                    AS first_start
                      FROM invocation GROUP BY instance_id) WHERE colds != 1 OR cold_start != first_start
                    """) == 0)
            // No instance is reused after an idle time beyond the limit (a busy VM's limit is the longest).
            // Idle time: from the end of its last request to the sending of the next (the model decides
            // at send time).
            let longestIdleMs =
                try Double.fetchOne(
                    db,
                    sql: """
                        SELECT max(gap) FROM (SELECT request_sent_ms - lag(function_end_ms) OVER (PARTITION BY \
                        instance_id ORDER BY function_start_ms) AS gap
                                              FROM invocation)
                        """) ?? 0
            #expect(longestIdleMs <= max(profile.idle.maxIdleS, profile.idle.busyVmMaxIdleS) * 1000)
            let idleProbeMs =
                try Double.fetchOne(
                    db,
                    sql: """
                        SELECT max(gap) FROM (SELECT i.round_no, i.request_sent_ms - lag(i.function_end_ms) OVER \
                        (PARTITION BY i.instance_id ORDER BY i.function_start_ms) AS gap
                                              FROM invocation i JOIN experiment e ON e.id = i.experiment_id WHERE \
                        e.kind = 'idle') WHERE round_no < 2000
                        """) ?? 0
            #expect(idleProbeMs <= profile.idle.maxIdleS * 1000)
            // No VM over its usable memory: at each instance's first request, the instances seen on its
            // VM around that time add up to at most the capacity.
            if profile.vm.identity, profile.placement.policy == .binpack {
                let worst =
                    try Int.fetchOne(
                        db,
                        sql: """
                            SELECT max(total) FROM (
                              SELECT a.id, sum(f.memory_mb) AS total FROM instance a
                              JOIN instance b ON b.vm_id = a.vm_id AND b.first_seen_ms <= a.first_seen_ms AND \
                            b.last_seen_ms >= a.first_seen_ms
                              JOIN function f ON f.id = b.function_id GROUP BY a.id)
                            """) ?? 0
                #expect(worst <= profile.vm.usableMemoryMb)
                #expect(worst > 0)
            }
            // Google hides the host VM.
            #expect(try count("SELECT count(*) FROM vm") == 0 || profile.vm.identity)
        }
    }

    @Test func truthFollowsThePlatformsPolicies() throws {
        func truth(_ profile: String, _ experiment: Experiment, run: String) throws -> [String: Any] {
            let folder = Folder()
            try Simulator(profile: try Profile.builtIn(profile), seed: 5, scale: 0.25).run(
                [experiment], into: folder.url)
            let url = folder.url.appendingPathComponent("\(profile)/\(experiment.rawValue)/\(run)/truth.json")
            let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
            return object["expected"] as! [String: Any]
        }
        func perRequest(_ expected: [String: Any]) -> [Int: Double] {
            Dictionary(
                uniqueKeysWithValues: (expected["levels"] as! [[String: Any]]).map {
                    ($0["concurrency"] as! Int, $0["instances_per_request"] as! Double)
                })
        }
        // AWS: N concurrent requests, N instances. Google: about half from 10 on. Azure: at most 10.
        #expect(perRequest(try truth("aws-2017", .scalability, run: "concurrency")).values.allSatisfy { $0 == 1 })
        let google = perRequest(try truth("google-2017", .scalability, run: "concurrency"))
        #expect(google.filter { $0.key >= 10 }.values.allSatisfy { abs($0 - 0.5) <= 0.05 })
        #expect(try truth("azure-2017", .scalability, run: "concurrency")["max_concurrent_instances"] as? Int == 10)
        // AWS packs an account's instances up to the usable VM memory.
        #expect(try truth("aws-2017", .placement, run: "mixed-memory")["max_vm_memory_mb"] as? Int == 3328)
        // AWS keeps accounts apart; Azure mixes them.
        #expect(try truth("aws-2017", .coresidency, run: "tenant-a")["cross_tenant_fraction"] as? Double == 0)
        #expect((try truth("azure-2017", .coresidency, run: "tenant-a")["cross_tenant_fraction"] as? Double ?? 0) > 0.1)
        // Stale requests only inside the window after an update.
        let atZero = try truth("aws-2017", .consistency, run: "k50-delay-0s")["stale_fraction"] as! Double
        #expect(atZero > 0.01 && atZero < 0.07)
        #expect(try truth("aws-2017", .consistency, run: "k50-delay-6s")["stale_fraction"] as? Double == 0)
    }

    @Test func recordStreamWritesExactlyNIngestableRecords() throws {
        let folder = Folder()
        try FileManager.default.createDirectory(at: folder.url, withIntermediateDirectories: true)
        let stream = RecordStream(profile: try Profile.builtIn("aws-2017"), seed: 9)
        let path = folder.url.path + "/records.log"
        let bytes = try stream.write(records: 20_000, to: path)
        #expect(bytes == (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int))
        #expect(try stream.write(records: 20_000, to: path + ".again") == bytes)
        #expect(
            try Data(contentsOf: URL(fileURLWithPath: path)) == Data(contentsOf: URL(fileURLWithPath: path + ".again")))

        let store = try Store(path: folder.url.path + "/records.sqlite")
        let summary = try Ingester(store: store).run(paths: [path])
        #expect(summary.records == 20_000 && summary.rejected == 0)
        let coldShare = try store.queue.read { try Double.fetchOne($0, sql: "SELECT avg(is_cold) FROM invocation")! }
        #expect(coldShare > 0.08 && coldShare < 0.12)  // one request in ten starts an instance
    }

    @Test func profilesLoadAndBadOnesNameTheKey() throws {
        for name in Profile.builtInNames {
            let profile = try Profile.builtIn(name)
            #expect(profile.name == name)
            #expect(name.hasPrefix(profile.provider.rawValue))
        }
        #expect(throws: SimulateError.self) { try Profile.builtIn("ibm-2017") }
        let folder = Folder()
        try FileManager.default.createDirectory(at: folder.url, withIntermediateDirectories: true)
        let file = folder.url.appendingPathComponent("bad.json")
        try Data(#"{"name": "x", "provider": "aws"}"#.utf8).write(to: file)
        do {
            _ = try Profile.load(file)
            Issue.record("a profile without its keys loaded")
        } catch {
            #expect("\(error)".contains("missing key 'description'"))
        }
        // A misspelled choice or a range the wrong way round is an error naming its key, not a default.
        let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let builtIn = try String(
            contentsOf: package.appendingPathComponent("Sources/Simulate/Profiles/aws-2017.json"), encoding: .utf8)
        for (from, to, key) in [
            (#""policy": "binpack""#, #""policy": "binpak""#, "placement.policy"),
            (#""provider": "aws""#, #""provider": "amazon""#, "provider"),
            (
                "\"pool_uptime_s\": [\n      132,\n      3000\n    ]", #""pool_uptime_s": [3000, 132]"#,
                "vm.pool_uptime_s"
            ),
        ] {
            #expect(builtIn.contains(from))
            try Data(builtIn.replacingOccurrences(of: from, with: to).utf8).write(to: file)
            do {
                _ = try Profile.load(file)
                Issue.record("a profile with \(to) loaded")
            } catch {
                #expect("\(error)".contains("invalid value at '\(key)'"), "\(error)")
            }
        }
        // A missing key is named as the file spells it, not as the Swift property.
        try Data(builtIn.replacingOccurrences(of: #""cold_median_ms_128""#, with: #""cold_median""#).utf8)
            .write(to: file)
        do {
            _ = try Profile.load(file)
            Issue.record("a profile without cold_median_ms_128 loaded")
        } catch {
            #expect(
                "\(error)".contains("missing key 'runtimes.") && "\(error)".contains(".cold_median_ms_128'"),
                "\(error)")
        }
    }

    /// truth.json is written and read through one type: every committed truth decodes, and encodes back
    /// to its own bytes (no key the type does not know, none it drops).
    @Test func truthFilesRoundTripThroughTheirType() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Datasets/simulated")
        let truths = try Folder().contents(of: root).filter { $0.key.hasSuffix("/truth.json") }
        #expect(truths.count > 100)
        for (path, bytes) in truths {
            let truth = try SimulationTruth.decode(bytes)
            #expect(try truth.json() == bytes, "\(path)")
            #expect(path.contains("/\(truth.experiment)/"))
        }
    }

    /// `Datasets/simulated/` is what `make simulated` writes: regenerating one profile gives the same bytes.
    @Test func committedSimulatedDatasetIsReproducible() throws {
        let committed = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Datasets/simulated/aws-2017")
        let folder = Folder()
        try Simulator(profile: try Profile.builtIn("aws-2017"), seed: 2017, scale: 0.05).run(
            Experiment.allCases, into: folder.url)
        let regenerated = try folder.contents(of: folder.url.appendingPathComponent("aws-2017"))
        #expect(!regenerated.isEmpty)
        #expect(try folder.contents(of: committed) == regenerated)
    }
}
