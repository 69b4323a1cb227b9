import GRDB

/// Turns the repeated strings of invocation records into keys of the dimension tables
/// (`function`, `instance`, `vm`, `cpu_model`, `experiment`), inserting rows on first sight.
///
/// Lookups go through in-memory caches. The instance cache is bounded (an ingest of tens of millions
/// of records must keep flat memory): when it fills it is emptied and misses fall back to the index of
/// instance key hashes. Every cache must be emptied when a transaction rolls back, since the ids it
/// holds may belong to rows that no longer exist: see `forget()`.
final class Dimensions {
    struct FunctionKey: Hashable, Sendable {
        var provider: String, account: String?, region: String?, name: String?
        var runtime: String?, memoryMB: Int?, version: String?, architecture: String?, packaging: String?
    }

    struct ProviderScopedKey: Hashable, Sendable {
        var provider: String, key: String

        /// The hash `instance.key_hash` stores for this key.
        var storedHash: Int64 { Self.storedHash(provider: provider.utf8, key: key.utf8) }

        /// SipHash-2-4 of the provider's bytes, a 0 byte and the key's bytes, under a fixed key (the
        /// ASCII of "analyze-instance", little-endian): the same in every run (docs/schema.md). Bytes,
        /// not strings, so that the migration hashes a key with a NUL in it as the writer does.
        static func storedHash(provider: some Collection<UInt8>, key: some Collection<UInt8>) -> Int64 {
            var bytes = [UInt8]()
            bytes.reserveCapacity(provider.count + 1 + key.count)
            bytes.append(contentsOf: provider)
            bytes.append(0)
            bytes.append(contentsOf: key)
            let hasher = SipHash(key0: 0x2d65_7a79_6c61_6e61, key1: 0x6563_6e61_7473_6e69)
            return Int64(bitPattern: bytes.withUnsafeBytes { hasher.hash($0) })
        }
    }

    struct ExperimentKey: Hashable, Sendable {
        var kind: String, parameters: String
    }

    /// Under three quarters of 2^18 entries, the load at which the dictionary would double (see `SeenTimes.limit`).
    private static let instanceCacheLimit = 190_000

    // Read and written for every invocation, by the one thread that holds the transaction: the
    // runtime's access checks on them were a fortieth of its work.
    @exclusivity(unchecked) private var functions: [Hashed<FunctionKey>: Int64] = [:]
    @exclusivity(unchecked) private var instances: [Hashed<ProviderScopedKey>: Int64] = [:]
    @exclusivity(unchecked) private var vms: [Hashed<ProviderScopedKey>: Int64] = [:]
    @exclusivity(unchecked) private var cpuModels: [Hashed<String>: Int64] = [:]
    @exclusivity(unchecked) private var experiments: [Hashed<ExperimentKey>: Int64] = [:]

    private let insertFunction, selectFunction: PreparedStatement
    private let insertInstance, selectInstance: PreparedStatement
    private let insertVM, selectVM: PreparedStatement
    private let insertCPUModel, selectCPUModel: PreparedStatement
    private let insertExperiment, selectExperiment: PreparedStatement

    init(_ db: Database) throws {
        insertFunction = try PreparedStatement(
            db,
            """
            INSERT INTO function (provider, account, region, name, runtime, memory_mb, version, architecture, packaging)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
            """)
        selectFunction = try PreparedStatement(
            db,
            """
            SELECT id FROM function WHERE provider = ?1 AND ifnull(account, '') = ifnull(?2, '')
              AND ifnull(region, '') = ifnull(?3, '') AND ifnull(name, '') = ifnull(?4, '')
              AND ifnull(runtime, '') = ifnull(?5, '') AND ifnull(memory_mb, -1) = ifnull(?6, -1)
              AND ifnull(version, '') = ifnull(?7, '') AND ifnull(architecture, '') = ifnull(?8, '')
              AND ifnull(packaging, '') = ifnull(?9, '')
            """)
        insertInstance = try PreparedStatement(
            db,
            """
            INSERT INTO instance (key_hash, provider, instance_key, function_id, vm_id, procfs_instance_id, private_ip)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
            """)
        selectInstance = try PreparedStatement(
            db, "SELECT id FROM instance WHERE key_hash = ?1 AND provider = ?2 AND instance_key = ?3")
        insertVM = try PreparedStatement(
            db,
            """
            INSERT INTO vm (provider, vm_key, key_source, cpu_model_id, ncpu, boot_time_s, private_ip, public_ip,
                            memory_mb)
            VALUES (?1, ?2, ?8, ?3, ?4, ?5, ?6, ?7, ?9)
            """)
        selectVM = try PreparedStatement(db, "SELECT id FROM vm WHERE provider = ?1 AND vm_key = ?2")
        insertCPUModel = try PreparedStatement(db, "INSERT INTO cpu_model (name) VALUES (?1)")
        selectCPUModel = try PreparedStatement(db, "SELECT id FROM cpu_model WHERE name = ?1")
        insertExperiment = try PreparedStatement(db, "INSERT INTO experiment (kind, parameters) VALUES (?1, ?2)")
        selectExperiment = try PreparedStatement(db, "SELECT id FROM experiment WHERE kind = ?1 AND parameters = ?2")
    }

    /// Empties every cache; called after a rollback.
    func forget() {
        functions = [:]
        instances = [:]
        vms = [:]
        cpuModels = [:]
        experiments = [:]
    }

    func functionID(_ key: Hashed<FunctionKey>) throws -> Int64 {
        if let id = functions[key] { return id }
        let id = try findOrInsert(select: selectFunction, insert: insertFunction) { statement in
            statement.bind(key.key.provider, at: 1)
            statement.bind(key.key.account, at: 2)
            statement.bind(key.key.region, at: 3)
            statement.bind(key.key.name, at: 4)
            statement.bind(key.key.runtime, at: 5)
            statement.bind(key.key.memoryMB, at: 6)
            statement.bind(key.key.version, at: 7)
            statement.bind(key.key.architecture, at: 8)
            statement.bind(key.key.packaging, at: 9)
        }
        functions[key] = id
        return id
    }

    func cpuModelID(_ name: Hashed<String>?) throws -> Int64? {
        guard let name else { return nil }
        if let id = cpuModels[name] { return id }
        let id = try findOrInsert(select: selectCPUModel, insert: insertCPUModel) { $0.bind(name.key, at: 1) }
        cpuModels[name] = id
        return id
    }

    func experimentID(_ key: Hashed<ExperimentKey>?) throws -> Int64? {
        guard let key else { return nil }
        if let id = experiments[key] { return id }
        let id = try findOrInsert(select: selectExperiment, insert: insertExperiment) {
            $0.bind(key.key.kind, at: 1)
            $0.bind(key.key.parameters, at: 2)
        }
        experiments[key] = id
        return id
    }

    /// The host VM of the record, created with the record's CPU, IPs and boot-time estimate on first sight.
    func vmID(_ key: Hashed<ProviderScopedKey>?, _ record: InvocationRecord, cpuModelID: Int64?) throws -> Int64? {
        guard let key else { return nil }
        if let id = vms[key] { return id }
        let id = try findOrInsert(select: selectVM, insert: insertVM, key: key.key) { statement in
            statement.bind(cpuModelID, at: 3)
            statement.bind(record.ncpu, at: 4)
            statement.bind(Self.bootTimeEstimate(record), at: 5)
            statement.bind(record.vmPrivateIP, at: 6)
            statement.bind(record.vmPublicIP, at: 7)
            statement.bind(record.vmID == nil ? "boot-time" : "vm-id", at: 8)
            statement.bind(record.vmMemoryMB, at: 9)
        }
        vms[key] = id
        return id
    }

    func instanceID(
        _ key: Hashed<ProviderScopedKey>?, _ record: InvocationRecord, functionID: Int64, vmID: Int64?
    ) throws -> Int64? {
        guard let key else { return nil }
        if let id = instances[key] { return id }
        // The index holds each key's hash, not the key: 1M keys of 10M `#` lines as text made an index past
        // the page cache, searched with every miss. Keys are compared in the rows the hash finds.
        let hash = key.key.storedHash
        selectInstance.bind(hash, at: 1)
        selectInstance.bind(key.key.provider, at: 2)
        selectInstance.bind(key.key.key, at: 3)
        let id: Int64
        if let found = try selectInstance.firstInt64() {
            id = found
        } else {
            insertInstance.bind(hash, at: 1)
            insertInstance.bind(key.key.provider, at: 2)
            insertInstance.bind(key.key.key, at: 3)
            insertInstance.bind(functionID, at: 4)
            insertInstance.bind(vmID, at: 5)
            insertInstance.bind(record.procfsInstanceID, at: 6)
            insertInstance.bind(record.instancePrivateIP, at: 7)
            try insertInstance.execute()
            id = insertInstance.lastInsertedRowID
        }
        if instances.count >= Self.instanceCacheLimit { instances.removeAll(keepingCapacity: true) }
        instances[key] = id
        return id
    }

    /// Host boot time in epoch seconds, to 1 s: as the source states it, else the instance's clock when
    /// it read `/proc/uptime` (function start, else the client's request time) minus the uptime it read.
    static func bootTimeEstimate(_ record: InvocationRecord) -> Double? {
        if let boot = record.vmBootTimeMs { return (boot / 1000).rounded() }
        guard let uptime = record.vmUptimeSeconds, let clock = record.functionStartMs ?? record.requestSentMs else {
            return nil
        }
        return (clock / 1000 - uptime).rounded()
    }

    /// `findOrInsert` for a provider-scoped key bound as parameters 1 and 2; `bindRest` binds the
    /// insert's other columns.
    private func findOrInsert(
        select: PreparedStatement, insert: PreparedStatement, key: ProviderScopedKey,
        bindRest: @escaping (PreparedStatement) -> Void
    ) throws -> Int64 {
        try findOrInsert(select: select, insert: insert) { statement in
            statement.bind(key.provider, at: 1)
            statement.bind(key.key, at: 2)
            if statement === insert { bindRest(statement) }
        }
    }

    /// Binds the key columns into `select`, returns the existing id or inserts through `insert`
    /// (whose leading parameters are the same key columns) and returns the new id.
    private func findOrInsert(
        select: PreparedStatement, insert: PreparedStatement, bind: (PreparedStatement) -> Void
    ) throws -> Int64 {
        bind(select)
        if let id = try select.firstInt64() { return id }
        bind(insert)
        try insert.execute()
        return insert.lastInsertedRowID
    }
}

/// A dictionary key with its hash value computed once, where it was made.
struct Hashed<Key: Hashable & Sendable>: Hashable, Sendable {
    let key: Key
    private let hash: Int

    init(_ key: consuming Key) {
        hash = key.hashValue
        self.key = key
    }

    func hash(into hasher: inout Hasher) { hasher.combine(hash) }
    static func == (a: Hashed, b: Hashed) -> Bool { a.hash == b.hash && a.key == b.key }
}

/// A record's keys into the dimension tables, hashed. Readers make them on the parsing thread, so the
/// thread that holds the transaction only compares them: hashing the key strings there took about a
/// tenth of its time.
public struct DimensionKeys: Sendable {
    let function: Hashed<Dimensions.FunctionKey>
    let instance: Hashed<Dimensions.ProviderScopedKey>?
    let vm: Hashed<Dimensions.ProviderScopedKey>?
    let cpuModel: Hashed<String>?
    let experiment: Hashed<Dimensions.ExperimentKey>?

    public init(_ record: borrowing InvocationRecord) {
        function = Hashed(
            Dimensions.FunctionKey(
                provider: record.provider, account: record.account, region: record.region, name: record.functionName,
                runtime: record.runtime, memoryMB: record.memoryMB, version: record.functionVersion,
                architecture: record.architecture, packaging: record.packaging))
        instance = record.instanceID.map { Hashed(Dimensions.ProviderScopedKey(provider: record.provider, key: $0)) }
        // Without a VM id, a stated boot time names the host, to the second (as the paper identified VMs).
        let vmKey =
            record.vmID ?? record.vmBootTimeMs.flatMap { Bounded.integer(($0 / 1000).rounded()) }.map { "boot-\($0)" }
        vm = vmKey.map { Hashed(Dimensions.ProviderScopedKey(provider: record.provider, key: $0)) }
        cpuModel = record.cpuModel.map(Hashed.init)
        experiment = record.experimentKind.map {
            Hashed(Dimensions.ExperimentKey(kind: $0, parameters: record.experimentParameters ?? "{}"))
        }
    }
}
