import Foundation
import GRDB
import Testing

@testable import Store

/// The 64-bit hash that finds an instance's row (`instance.key_hash`).
@Suite struct InstanceKeyHashTests {
    /// The reference vectors of SipHash-2-4 (key 00 01 ... 0f, message 00 01 ... of each length), for the
    /// lengths that end on, before and after an eight-byte word.
    @Test(
        arguments: [
            (0, 0x726f_db47_dd0e_0e31), (1, 0x74f8_39c5_93dc_67fd), (7, 0xab02_00f5_8b01_d137),
            (8, 0x93f5_f579_9a93_2462), (15, 0xa129_ca61_49be_45e5), (16, 0x3f2a_cc7f_57c2_9bdb),
            (63, 0x958a_324c_eb06_4572),
        ] as [(Int, UInt64)])
    func sipHashMatchesTheReferenceVectors(length: Int, expected: UInt64) {
        let hasher = SipHash(key0: 0x0706_0504_0302_0100, key1: 0x0f0e_0d0c_0b0a_0908)
        let message = (0..<length).map { UInt8($0) }
        #expect(message.withUnsafeBytes { hasher.hash($0) } == expected)
        #expect(message.withUnsafeBytes { hasher.hash($0) } == expected, "a second input from the same key")
    }

    /// What stores hold: a change of key, byte layout or separator would leave every stored instance
    /// unfound and duplicated at the next ingest. The values come from an independent implementation
    /// (Python, checked against the reference vectors) of SipHash-2-4 keyed with "analyze-instance".
    @Test(
        arguments: [
            ("aws", "i-1", -1_141_984_345_920_462_781), ("", "", 4_962_579_292_787_040_792),
            ("aws", "a\u{0}b", 4_907_444_615_886_399_028),
            ("google", "d53cef09-bd8c-512a-371f-daa09f2f99fd", -4_028_553_418_219_930_586),
        ] as [(String, String, Int64)])
    func storedHashIsPinned(provider: String, key: String, expected: Int64) {
        #expect(Dimensions.ProviderScopedKey(provider: provider, key: key).storedHash == expected)
    }

    /// The provider and the key are kept apart by a 0 byte, so moving a character across does not collide.
    @Test func providerAndKeyAreSeparated() {
        let hash = { (provider: String, key: String) in
            Dimensions.ProviderScopedKey(provider: provider, key: key).storedHash
        }
        #expect(hash("aws", "i-1") == hash("aws", "i-1"))
        #expect(hash("aws", "i-1") != hash("aws", "i-2"))
        #expect(hash("aws", "xi-1") != hash("awsx", "i-1"))
        #expect(
            hash("aws", "a-much-longer-instance-key-0123456789")
                != hash("azure", "a-much-longer-instance-key-0123456789"))
    }

    /// Two keys whose hashes collide keep rows of their own: a row forged with another key's hash is
    /// passed over, by a writer whose cache knows neither.
    @Test func aRowWithTheSameHashButAnotherKeyIsNotReused() throws {
        let path = NSTemporaryDirectory() + "key-hash-" + UUID().uuidString + ".sqlite"
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let store = try Store(path: path)
        try store.queue.write { db in
            try db.execute(
                sql: "INSERT INTO instance (id, provider, instance_key, key_hash) VALUES (1, 'aws', 'forged', ?)",
                arguments: [Dimensions.ProviderScopedKey(provider: "aws", key: "i-2").storedHash])
        }
        for file in ["a", "b"] {
            try store.queue.inDatabase { db in
                let writer = try StoreWriter(db)
                let snapshot = try writer.snapshotID(named: "s")
                _ = try writer.writeFile(snapshotID: snapshot, path: file, format: "x", sizeBytes: 1) { sink in
                    var record = InvocationRecord()
                    record.provider = "aws"
                    record.functionName = "f"
                    record.instanceID = "i-2"
                    record.requestSentMs = 1000
                    try sink.add(record, line: 1)
                    return file
                }
            }
        }
        let rows = try store.queue.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT n.id, n.instance_key FROM invocation i JOIN instance n ON n.id = i.instance_id "
                    + "ORDER BY i.id")
        }
        #expect(rows.map { "\($0[0] as Int64) \($0[1] as String)" } == ["2 i-2", "2 i-2"])
        #expect(try store.queue.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM instance") } == 2)
    }
}
