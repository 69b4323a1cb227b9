import Store

/// A value of a canonical JSON Lines or CSV field before it is typed.
enum CanonicalValue {
    case text(String)
    case number(Double)
    case bool(Bool)
    case null

    init(_ constant: Mapping.Constant) {
        switch constant {
        case .text(let text): self = .text(text)
        case .number(let number): self = .number(number)
        case .bool(let flag): self = .bool(flag)
        }
    }
}

/// The canonical invocation fields shared by the JSON Lines and CSV readers (documented in
/// `docs/formats.md`): each name, its type and the record property it sets. Times are epoch ms,
/// durations ms, uptime s.
enum CanonicalColumns {
    /// Sets a column from a value (the column's name is for messages). A struct rather than a bare
    /// closure: a closure kept in a dictionary or array is called through a thunk that copies its
    /// arguments, a retain and release of each string on every field of every record.
    struct Setter: Sendable {
        let apply: @Sendable (inout InvocationRecord, CanonicalValue, String) throws(RecordProblem) -> Void

        func callAsFunction(
            _ record: inout InvocationRecord, _ value: CanonicalValue, _ name: String
        ) throws(RecordProblem) {
            try apply(&record, value, name)
        }
    }

    static let setters: [String: Setter] = [
        "provider": text { $0.provider = $1?.lowercased() ?? "unknown" },
        "account": text { $0.account = $1 },
        "region": text { $0.region = $1 },
        "function": text { $0.functionName = $1 },
        "runtime": text { $0.runtime = $1 },
        "architecture": text { $0.architecture = $1 },
        "packaging": text { $0.packaging = $1 },
        "memory_mb": integer { $0.memoryMB = $1 },
        "version": text { $0.functionVersion = $1 },
        "instance_id": text { $0.instanceID = $1 },
        "request_id": text { $0.requestID = $1 },
        "vm_id": text { $0.vmID = $1 },
        "procfs_instance_id": text { $0.procfsInstanceID = $1 },
        "vm_private_ip": text { $0.vmPrivateIP = $1 },
        "vm_public_ip": text { $0.vmPublicIP = $1 },
        "instance_private_ip": text { $0.instancePrivateIP = $1 },
        "experiment": text { $0.experimentKind = $1 },
        "round_no": integer { $0.roundNo = $1 },
        "batch_no": integer { $0.batchNo = $1 },
        "batch_size": integer { $0.batchSize = $1 },
        "worker_no": integer { $0.workerNo = $1 },
        "interval_s": number { $0.intervalSeconds = $1 },
        "delay_s": number { $0.delaySeconds = $1 },
        "request_sent_ms": number { $0.requestSentMs = $1 },
        "response_received_ms": number { $0.responseReceivedMs = $1 },
        "round_trip_ms": number { $0.roundTripMs = $1 },
        "function_start_ms": number { $0.functionStartMs = $1 },
        "function_end_ms": number { $0.functionEndMs = $1 },
        "function_duration_ms": number { $0.functionDurationMs = $1 },
        "init_duration_ms": number { $0.initDurationMs = $1 },
        "is_cold": flag { $0.declaredCold = $1 },
        "vm_uptime_s": number { $0.vmUptimeSeconds = $1 },
        "vm_boot_time_ms": number { $0.vmBootTimeMs = $1 },
        "vm_memory_mb": integer { $0.vmMemoryMB = $1 },
        "vm_idle_s": number { $0.vmIdleSeconds = $1 },
        "ncpu": integer { $0.ncpu = $1 },
        "cpu_model": text { $0.cpuModel = $1 },
        "reported_version": text { $0.reportedVersion = $1 },
        "expected_version": text { $0.expectedVersion = $1 },
        "factorial_ms": number { $0.factorialMs = $1 },
        "status": Setter { record, value, name throws(RecordProblem) in
            switch value {
            case .null, .text("ok"): break
            case .text("error"): record.error = record.error ?? "error"
            default: throw RecordProblem("field '\(name)' must be \"ok\" or \"error\"")
            }
        },
        "error": text { $0.error = $1 },
    ]

    /// The canonical names in a fixed order, their setters, and the names of each length: a JSON key is
    /// matched by its bytes against the few names of its length, not made a Swift string and hashed
    /// (that was a third of reading canonical JSON Lines).
    static let names: [String] = setters.keys.sorted()
    private static let orderedSetters: [Setter] = names.map { setters[$0]! }
    private static let namesByLength: [[Int]] = {
        precondition(names.count <= UInt64.bitWidth, "JSONLinesReader marks the columns it set in a UInt64")
        var byLength = Array(repeating: [Int](), count: (names.map(\.utf8.count).max() ?? 0) + 1)
        for (index, name) in names.enumerated() { byLength[name.utf8.count].append(index) }
        return byLength
    }()

    /// The index in `names` of the name a JSON key node holds, if it is canonical.
    static func column(of key: JSONDocument.Node, in document: JSONDocument) -> Int? {
        let length = Int(key.end - key.start)
        // An escaped key's bytes are longer than its text: try every name then.
        let candidates = key.flag ? Array(names.indices) : length < namesByLength.count ? namesByLength[length] : []
        return candidates.first { document.stringEquals(key, names[$0]) }
    }

    /// Sets the field of `names[column]`.
    static func assign(column: Int, _ value: CanonicalValue, to record: inout InvocationRecord) throws(RecordProblem) {
        try orderedSetters[column](&record, value, names[column])
    }

    /// Sets the named field; false when the name is not canonical (the caller keeps it in `extra`).
    static func assign(
        _ name: String, _ value: CanonicalValue, to record: inout InvocationRecord
    ) throws(RecordProblem) -> Bool {
        guard let setter = setters[name] else { return false }
        try setter(&record, value, name)
        return true
    }

    /// Checks that hold across fields, once the record is assembled.
    static func validate(_ record: InvocationRecord) throws(RecordProblem) {
        if let sent = record.requestSentMs, let received = record.responseReceivedMs, received < sent {
            throw RecordProblem("response_received_ms is before request_sent_ms")
        }
        if let start = record.functionStartMs, let end = record.functionEndMs, end < start {
            throw RecordProblem("function_end_ms is before function_start_ms")
        }
    }

    // MARK: Typed setters

    private static func text(_ set: @escaping @Sendable (inout InvocationRecord, String?) -> Void) -> Setter {
        Setter { record, value, name throws(RecordProblem) in
            switch value {
            case .null: set(&record, nil)
            case .text(let text): set(&record, text.isEmpty ? nil : text)
            case .number(let number): set(&record, Bounded.text(number))
            case .bool: throw RecordProblem("field '\(name)' must be text, not true/false")
            }
        }
    }

    /// A non-negative number (every numeric canonical field is a time, duration, size or count).
    private static func number(_ set: @escaping @Sendable (inout InvocationRecord, Double?) -> Void) -> Setter {
        Setter { record, value, name throws(RecordProblem) in set(&record, try parseNumber(value, name)) }
    }

    private static func integer(_ set: @escaping @Sendable (inout InvocationRecord, Int?) -> Void) -> Setter {
        Setter { record, value, name throws(RecordProblem) in
            guard let number = try parseNumber(value, name) else { return set(&record, nil) }
            guard let integer = Bounded.integer(number) else {
                throw RecordProblem("field '\(name)' is not an integer within ±1e15: \(number)")
            }
            set(&record, integer)
        }
    }

    private static func parseNumber(_ value: CanonicalValue, _ name: String) throws(RecordProblem) -> Double? {
        let number: Double
        switch value {
        case .null: return nil
        case .number(let value): number = value
        case .text(let text):
            if text.isEmpty { return nil }
            guard let value = Double(text), value.isFinite else {
                throw RecordProblem("field '\(name)' is not a number: '\(text.prefix(40))'")
            }
            number = value
        case .bool: throw RecordProblem("field '\(name)' must be a number, not true/false")
        }
        guard number >= 0 else { throw RecordProblem("field '\(name)' is negative: \(number)") }
        return number
    }

    private static func flag(_ set: @escaping @Sendable (inout InvocationRecord, Bool?) -> Void) -> Setter {
        Setter { record, value, name throws(RecordProblem) in
            switch value {
            case .null: set(&record, nil)
            case .bool(let flag): set(&record, flag)
            case .number(1), .text("1"), .text("true"): set(&record, true)
            case .number(0), .text("0"), .text("false"): set(&record, false)
            case .text(""): set(&record, nil)
            default: throw RecordProblem("field '\(name)' must be true or false")
            }
        }
    }
}
