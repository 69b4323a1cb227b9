/// The one range check for numbers that become times, durations, sizes, counts or integers
/// (docs/formats.md, "Numbers"): finite and within ±1e15, which holds every epoch millisecond until
/// the year 33,000 and is exact as a Double. Readers turn a value outside it into a reject naming the
/// field; nothing past ingest then meets an infinity or an integer overflow.
public enum Bounded {
    public static let limit = 1e15

    public static func contains(_ value: Double) -> Bool { value.isFinite && abs(value) <= limit }

    /// The value as an integer when it is one within the range, else nil.
    public static func integer(_ value: Double) -> Int? {
        contains(value) && value == value.rounded() ? Int(value) : nil
    }

    /// A number for a label: `6` for 6.0, `0.5` for 0.5, and any value, even out of range, as text.
    public static func text(_ value: Double) -> String {
        integer(value).map(String.init) ?? String(value)
    }
}

extension InvocationRecord {
    /// The first numeric field outside `Bounded`, named as in the canonical format, with its value.
    /// Runs for every record a reader delivers: field by field, with no array built per record.
    public var outOfRange: (field: String, value: Double)? {
        func check(_ name: String, _ value: Double?) -> (field: String, value: Double)? {
            guard let value, !Bounded.contains(value) else { return nil }
            return (name, value)
        }
        func check(_ name: String, _ value: Int?) -> (field: String, value: Double)? {
            check(name, value.map(Double.init))
        }
        if let bad = check("request_sent_ms", requestSentMs) { return bad }
        if let bad = check("response_received_ms", responseReceivedMs) { return bad }
        if let bad = check("round_trip_ms", roundTripMs) { return bad }
        if let bad = check("function_start_ms", functionStartMs) { return bad }
        if let bad = check("function_end_ms", functionEndMs) { return bad }
        if let bad = check("function_duration_ms", functionDurationMs) { return bad }
        if let bad = check("init_duration_ms", initDurationMs) { return bad }
        if let bad = check("interval_s", intervalSeconds) { return bad }
        if let bad = check("delay_s", delaySeconds) { return bad }
        if let bad = check("vm_uptime_s", vmUptimeSeconds) { return bad }
        if let bad = check("vm_idle_s", vmIdleSeconds) { return bad }
        if let bad = check("factorial_ms", factorialMs) { return bad }
        if let bad = check("memory_mb", memoryMB) { return bad }
        if let bad = check("ncpu", ncpu) { return bad }
        if let bad = check("round", roundNo) { return bad }
        if let bad = check("batch", batchNo) { return bad }
        if let bad = check("batch_size", batchSize) { return bad }
        if let bad = check("worker", workerNo) { return bad }
        if let cpuTest {
            if let bad = check("cpu_first_ms", cpuTest.firstMs) { return bad }
            if let bad = check("cpu_last_ms", cpuTest.lastMs) { return bad }
        }
        for round in ioRounds {
            if let bad = check("io_seconds", round.seconds) { return bad }
            if let bad = check("io_throughput_mb_s", round.throughputMBs) { return bad }
        }
        if let network {
            if let bad = check("net_bandwidth_bps", network.bandwidthBps) { return bad }
            if let bad = check("net_rtt_mean_ms", network.rttMeanMs) { return bad }
            if let bad = check("net_rtt_min_ms", network.rttMinMs) { return bad }
            if let bad = check("net_rtt_max_ms", network.rttMaxMs) { return bad }
        }
        return nil
    }
}

extension InvocationRecord {
    /// Longest text of a dimension (function, runtime, instance and VM ids...), in UTF-8 bytes. These
    /// strings are stored once per distinct value but keyed and compared often; a provider is also
    /// part of every instance and VM key, so it is shorter still.
    public static let maxDimensionBytes = 1024
    public static let maxProviderBytes = 64

    /// The first dimension text longer than its limit, named as in the canonical format, with its length.
    public var oversizedText: (field: String, bytes: Int, limit: Int)? {
        if provider.utf8.count > Self.maxProviderBytes {
            return ("provider", provider.utf8.count, Self.maxProviderBytes)
        }
        func check(_ name: String, _ text: String?) -> (field: String, bytes: Int, limit: Int)? {
            guard let bytes = text?.utf8.count, bytes > Self.maxDimensionBytes else { return nil }
            return (name, bytes, Self.maxDimensionBytes)
        }
        if let bad = check("account", account) { return bad }
        if let bad = check("region", region) { return bad }
        if let bad = check("function", functionName) { return bad }
        if let bad = check("runtime", runtime) { return bad }
        if let bad = check("architecture", architecture) { return bad }
        if let bad = check("packaging", packaging) { return bad }
        if let bad = check("function_version", functionVersion) { return bad }
        if let bad = check("instance_id", instanceID) { return bad }
        if let bad = check("request_id", requestID) { return bad }
        if let bad = check("vm_id", vmID) { return bad }
        if let bad = check("procfs_instance_id", procfsInstanceID) { return bad }
        if let bad = check("cpu_model", cpuModel) { return bad }
        if let bad = check("experiment", experimentKind) { return bad }
        return nil
    }
}

extension Metric {
    /// The first number of the row outside `Bounded` (the value, its CI, n or memory), named as in a
    /// metrics file, with its value.
    public var outOfRange: (field: String, value: Double)? {
        let fields: [(String, Double?)] = [
            ("value", value), ("ci_low", ciLow), ("ci_high", ciHigh), ("n", n.map(Double.init)),
            ("memory_mb", memoryMB.map(Double.init)),
        ]
        for case (let name, let value?) in fields where !Bounded.contains(value) { return (name, value) }
        return nil
    }
}
