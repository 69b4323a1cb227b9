import Foundation
import GRDB
import Testing
import Store

@Suite struct StoreWriterTests {
    private let path = NSTemporaryDirectory() + "store-test-" + UUID().uuidString + ".sqlite"

    private func record(instance: String, request: String, sent: Double) -> InvocationRecord {
        var record = InvocationRecord()
        record.provider = "aws"
        record.functionName = "f"
        record.instanceID = instance
        record.requestID = request
        record.vmID = "vm-1"
        record.requestSentMs = sent
        record.responseReceivedMs = sent + 100
        return record
    }

    private struct ReadFailed: Error {}

    @Test func schemaHasEveryTableAndTheColdRules() throws {
        let store = try Store(path: path)
        let tables = try store.queue.read {
            try String.fetchAll($0, sql: "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'grdb%' ORDER BY name")
        }
        #expect(tables == [
            "analysis", "analysis_stage", "cold_rule", "cpu_model", "cpu_sample", "experiment", "function", "instance", "invocation", "invocation_view",
            "io_sample", "metric", "metric_sample", "net_sample", "rejected_record", "snapshot", "source_file", "vm",
        ])
        let rules = try store.queue.read { try String.fetchAll($0, sql: "SELECT name FROM cold_rule ORDER BY id") }
        #expect(rules == Schema.ColdRule.allCases.map(\.name))
    }

    @Test func aFileThatFailsMidwayLeavesNothing() throws {
        let store = try Store(path: path)
        try store.queue.inDatabase { db in
            let writer = try StoreWriter(db)
            let snapshot = try writer.snapshotID(named: "s")
            #expect(throws: ReadFailed.self) {
                try writer.writeFile(snapshotID: snapshot, path: "broken.log", format: "faas-measure", sizeBytes: 10) { sink in
                    try sink.add(record(instance: "i-1", request: "i-1", sent: 1000), line: 1)
                    try sink.reject(line: 2, reason: "bad")
                    throw ReadFailed()
                }
            }
            // The dimension caches forgot the rolled-back ids: a later file re-creates the rows.
            let outcome = try writer.writeFile(snapshotID: snapshot, path: "good.log", format: "faas-measure", sizeBytes: 10) { sink in
                try sink.add(record(instance: "i-1", request: "r-2", sent: 2000), line: 1)
                return "hash-of-good"
            }
            #expect(outcome == .ingested(records: 1, rejected: 0))
        }
        let counts = try store.queue.read { db in
            try ["source_file", "invocation", "instance", "vm", "function", "rejected_record"].map {
                try Int.fetchOne(db, sql: "SELECT count(*) FROM \($0)")!
            }
        }
        #expect(counts == [1, 1, 1, 1, 1, 0])
        #expect(try store.queue.read { try Row.fetchAll($0, sql: "PRAGMA foreign_key_check") }.isEmpty)
    }

    @Test func sameHashInTheSameSnapshotIsADuplicate() throws {
        let store = try Store(path: path)
        try store.queue.inDatabase { db in
            let writer = try StoreWriter(db)
            let snapshot = try writer.snapshotID(named: "s")
            let write = {
                try writer.writeFile(snapshotID: snapshot, path: "a.log", format: "faas-measure", sizeBytes: 1) { sink in
                    try sink.add(record(instance: "i-1", request: "i-1", sent: 1000), line: 1)
                    return "same"
                }
            }
            #expect(try write() == .ingested(records: 1, rejected: 0))
            #expect(try write() == .duplicate)
            // Another snapshot may hold the same content.
            let other = try writer.snapshotID(named: "t")
            #expect(try writer.writeFile(snapshotID: other, path: "a.log", format: "faas-measure", sizeBytes: 1) { _ in "same" }
                == .ingested(records: 0, rejected: 0))
        }
        #expect(try store.queue.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM invocation") } == 1)
    }

    @Test func firstAndLastSeenWidenAcrossFiles() throws {
        let store = try Store(path: path)
        try store.queue.inDatabase { db in
            let writer = try StoreWriter(db)
            let snapshot = try writer.snapshotID(named: "s")
            _ = try writer.writeFile(snapshotID: snapshot, path: "later.log", format: "x", sizeBytes: 1) { sink in
                try sink.add(record(instance: "i-1", request: "r-9", sent: 9000), line: 1)
                return "1"
            }
            _ = try writer.writeFile(snapshotID: snapshot, path: "earlier.log", format: "x", sizeBytes: 2) { sink in
                try sink.add(record(instance: "i-1", request: "i-1", sent: 1000), line: 1)
                try sink.add(record(instance: "i-1", request: "r-5", sent: 5000), line: 2)
                return "2"
            }
        }
        let seen = try store.queue.read { db in
            try ["instance", "vm"].map { try Row.fetchOne(db, sql: "SELECT first_seen_ms, last_seen_ms FROM \($0)")! }
        }
        for row in seen {
            #expect(row[0] == 1000.0 && row[1] == 9100.0)
        }
    }

    @Test func readOnlyStoreRefusesWrites() throws {
        _ = try Store(path: path)
        let readOnly = try Store(readOnlyPath: path)
        #expect(throws: DatabaseError.self) {
            try readOnly.queue.read { try $0.execute(sql: "DELETE FROM snapshot") }
        }
        #expect(throws: StoreOpenError.self) { try Store(readOnlyPath: path + ".missing") }
    }
}
