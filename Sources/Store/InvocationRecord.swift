/// One invocation as every reader delivers it: the canonical columns of SPEC section 5, with the
/// dimensions still as strings. `StoreWriter` turns the strings into dimension keys.
///
/// Times are epoch milliseconds (client clock for request/response, instance clock for the function's
/// own start/end); durations are milliseconds; uptime is seconds.
public struct InvocationRecord: Sendable, Equatable {
    public var provider: String = "unknown"
    public var account: String?
    public var region: String?
    public var functionName: String?
    public var runtime: String?
    /// Instruction set the function ran on (`x86_64`, `arm64`), when the source says.
    public var architecture: String?
    /// How the function was deployed (`zip`, `image`), when the source says.
    public var packaging: String?
    public var memoryMB: Int?
    public var functionVersion: String?

    public var instanceID: String?
    public var requestID: String?
    public var vmID: String?
    public var procfsInstanceID: String?
    public var vmPrivateIP: String?
    public var vmPublicIP: String?
    public var instancePrivateIP: String?

    public var experimentKind: String?
    /// JSON object text with sorted keys (see `ExperimentParameters`).
    public var experimentParameters: String?
    public var roundNo: Int?
    public var batchNo: Int?
    public var batchSize: Int?
    public var workerNo: Int?
    public var intervalSeconds: Double?
    public var delaySeconds: Double?

    public var requestSentMs: Double?
    public var responseReceivedMs: Double?
    public var roundTripMs: Double?
    public var functionStartMs: Double?
    public var functionEndMs: Double?
    public var functionDurationMs: Double?
    public var initDurationMs: Double?

    /// A temperature the source states itself (canonical `is_cold`, a mapped flag): decides first.
    public var declaredCold: Bool?
    /// Whether the probe follows the paper's convention that an instance is named after the request
    /// it served first, so that the two ids decide the temperature: faas_measure logs do, other
    /// sources only when their manifest or mapping declares it (`instance_named_by_first_request`).
    public var instanceIDIsFirstRequestID = false
    /// A temperature the reader inferred from how the run was made, and the rule that names the
    /// inference: used only when nothing the source states decides.
    public var inferredCold: InferredTemperature?

    public var vmUptimeSeconds: Double?
    /// The host's boot time (epoch ms) when the source states it rather than an uptime: it names the VM
    /// (`boot-<s>`) when no VM id does, and is its boot-time estimate.
    public var vmBootTimeMs: Double?
    /// The host VM's memory, when the source reads it (`/proc/meminfo`).
    public var vmMemoryMB: Int?
    public var vmIdleSeconds: Double?
    public var ncpu: Int?
    public var cpuModel: String?

    public var reportedVersion: String?
    /// The version the client expects to be served after an update (update-consistency runs).
    public var expectedVersion: String?
    public var factorialMs: Double?
    public var cpuTest: CPUTest?
    public var ioRounds: [IORound] = []
    public var network: NetworkTest?

    /// nil for a successful invocation; the platform's or probe's error text otherwise.
    public var error: String?
    /// JSON object text of source fields that have no column.
    public var extra: String?

    public init() {}

    /// Summary of the CPU-utilization test: the busy loop's timestamps, reduced to what the CPU-share
    /// analysis needs (distinct milliseconds within the loop's window).
    public struct CPUTest: Sendable, Equatable {
        public var timestamps: Int
        public var distinctMs: Int
        public var firstMs: Double
        public var lastMs: Double
        public init(timestamps: Int, distinctMs: Int, firstMs: Double, lastMs: Double) {
            self.timestamps = timestamps
            self.distinctMs = distinctMs
            self.firstMs = firstMs
            self.lastMs = lastMs
        }
    }

    /// One `dd` round: elapsed seconds and throughput in MB/s, as the probe reported them.
    public struct IORound: Sendable, Equatable {
        public var seconds: Double
        public var throughputMBs: Double
        public init(seconds: Double, throughputMBs: Double) {
            self.seconds = seconds
            self.throughputMBs = throughputMBs
        }
    }

    /// One iperf result: bandwidth in bits/s and round-trip times in ms.
    public struct NetworkTest: Sendable, Equatable {
        public var bandwidthBps: Double
        public var rttMeanMs: Double?
        public var rttMinMs: Double?
        public var rttMaxMs: Double?
        public init(bandwidthBps: Double, rttMeanMs: Double?, rttMinMs: Double?, rttMaxMs: Double?) {
            self.bandwidthBps = bandwidthBps
            self.rttMeanMs = rttMeanMs
            self.rttMinMs = rttMinMs
            self.rttMaxMs = rttMaxMs
        }
    }

    /// A reader's inference of the temperature (see `inferredCold`).
    public struct InferredTemperature: Sendable, Equatable {
        public var isCold: Bool
        public var rule: Schema.ColdRule
        public init(isCold: Bool, rule: Schema.ColdRule) {
            self.isCold = isCold
            self.rule = rule
        }
    }

    /// The cold/warm decision for this record and the rule that made it, in the precedence of
    /// `docs/formats.md` ("Cold or warm"): what the source states (a flag, then the platform's init
    /// duration, zero meaning warm), then the request-id convention where the source declares it,
    /// then the reader's inference. The split is never guessed from a latency threshold.
    public var coldClassification: (isCold: Bool?, rule: Schema.ColdRule) {
        if let declaredCold {
            return (declaredCold, .declaredBySource)
        }
        if let initDurationMs, initDurationMs >= 0 {
            return (initDurationMs > 0, .platformInitField)
        }
        if error == nil, instanceIDIsFirstRequestID, let instanceID, let requestID, !instanceID.isEmpty,
            !requestID.isEmpty
        {
            return (instanceID == requestID, .requestIdEqualsInstanceId)
        }
        if let inferredCold {
            return (inferredCold.isCold, inferredCold.rule)
        }
        return (nil, .unknown)
    }
}
