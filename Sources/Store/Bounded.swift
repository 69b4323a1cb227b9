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
    public var outOfRange: (field: String, value: Double)? {
        var fields: [(String, Double?)] = [
            ("request_sent_ms", requestSentMs), ("response_received_ms", responseReceivedMs),
            ("round_trip_ms", roundTripMs),
            ("function_start_ms", functionStartMs), ("function_end_ms", functionEndMs),
            ("function_duration_ms", functionDurationMs), ("init_duration_ms", initDurationMs),
            ("interval_s", intervalSeconds), ("delay_s", delaySeconds), ("vm_uptime_s", vmUptimeSeconds),
            ("vm_idle_s", vmIdleSeconds), ("factorial_ms", factorialMs),
            ("memory_mb", memoryMB.map(Double.init)), ("ncpu", ncpu.map(Double.init)),
            ("round", roundNo.map(Double.init)),
            ("batch", batchNo.map(Double.init)), ("batch_size", batchSize.map(Double.init)),
            ("worker", workerNo.map(Double.init)),
        ]
        if let cpuTest {
            fields += [("cpu_first_ms", cpuTest.firstMs), ("cpu_last_ms", cpuTest.lastMs)]
        }
        for round in ioRounds {
            fields += [("io_seconds", round.seconds), ("io_throughput_mb_s", round.throughputMBs)]
        }
        if let network {
            fields += [
                ("net_bandwidth_bps", network.bandwidthBps), ("net_rtt_mean_ms", network.rttMeanMs),
                ("net_rtt_min_ms", network.rttMinMs), ("net_rtt_max_ms", network.rttMaxMs),
            ]
        }
        for case (let name, let value?) in fields where !Bounded.contains(value) { return (name, value) }
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
        let fields: [(String, String?)] = [
            ("account", account), ("region", region), ("function", functionName), ("runtime", runtime),
            ("function_version", functionVersion), ("instance_id", instanceID), ("request_id", requestID),
            ("vm_id", vmID),
            ("procfs_instance_id", procfsInstanceID), ("cpu_model", cpuModel), ("experiment", experimentKind),
        ]
        for case (let name, let text?) in fields where text.utf8.count > Self.maxDimensionBytes {
            return (name, text.utf8.count, Self.maxDimensionBytes)
        }
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
