import Foundation
import GRDB
import Store

@testable import Ingest

/// A fresh temporary directory with a store in it, removed when the test ends.
final class Workspace {
    let directory: String
    let dbPath: String

    init() throws {
        directory = NSTemporaryDirectory() + "analyze-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        dbPath = directory + "/analyze.sqlite"
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        try write(name, bytes: Array(text.utf8))
    }

    @discardableResult
    func write(_ name: String, bytes: [UInt8]) throws -> String {
        let path = directory + "/" + name
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }

    func store() throws -> Store { try Store(path: dbPath) }

    /// Ingests the paths (relative to the workspace) and returns the summary and per-file events.
    @discardableResult
    func ingest(
        _ paths: [String], options: Ingester.Options = .init()
    ) throws -> (summary: Ingester.Summary, events: [Ingester.FileEvent]) {
        var events: [Ingester.FileEvent] = []
        let summary = try Ingester(store: store(), options: options).run(
            paths: paths.map { $0.hasPrefix("/") ? $0 : directory + "/" + $0 }, onFile: { events.append($0) })
        return (summary, events)
    }

    func rows(_ sql: String) throws -> [Row] {
        try store().queue.read { try Row.fetchAll($0, sql: sql) }
    }

    func int(_ sql: String) throws -> Int {
        try store().queue.read { try Int.fetchOne($0, sql: sql) } ?? -1
    }

    /// (line, reason) of every rejected record, in order.
    func rejects() throws -> [(line: Int?, reason: String)] {
        try rows("SELECT line, reason FROM rejected_record ORDER BY path, line").map { ($0["line"], $0["reason"]) }
    }
}

/// One faas_measure line (SPEC 4.1) with plausible defaults, to vary one field at a time.
struct LogLine {
    var round = "1", batch = "1", tasks = "2", worker = "0"
    var region = "us-east-1", runtime = "python2.7", memory = "128", function = "fn-a"
    var instance = "4f1c-inst-1", request = "4f1c-inst-1", vm = "sandbox-root-vm1", procfs = "sandbox-1"
    var vmPrivateIP = "10.0.0.1", vmPublicIP = "54.0.0.1", instanceIP = "172.16.0.2"
    var uptime = "1200.5,2300.25", cpu = "2,Intel(R) Xeon(R) CPU E5-2680 v2 @ 2.80GHz"
    var tests: [String] = []
    var timing = ["1514764800100.5", "1514764800200", "99.5", "1514764800000", "1514764800260", "260"]

    var text: String {
        ([
            round, batch, tasks, worker, region, runtime, memory, function, instance, request, vm, procfs,
            vmPrivateIP, vmPublicIP, instanceIP, uptime, cpu,
        ] + tests + timing).joined(separator: "#")
    }

    /// A warm request to the same instance, `seconds` later.
    func warm(request id: String, after seconds: Double) -> LogLine {
        var line = self
        line.request = id
        line.timing = timing.enumerated().map { index, value in
            [0, 1, 3, 4].contains(index) ? String(format: "%.1f", Double(value)! + seconds * 1000) : value
        }
        return line
    }
}

/// Typed column access for expectations (plain `row["x"] == value` is too slow to type-check).
extension Row {
    func text(_ column: String) -> String? { self[column] }
    func int(_ column: String) -> Int? { self[column] }
    func double(_ column: String) -> Double? { self[column] }
}
