import Foundation
import Store

/// The optional test results a faas_measure line can carry between field 16 and the timing fields.
public enum FaasMeasureTest: String, CaseIterable, Sendable {
    /// CPU-utilization busy loop: epoch-ms timestamps joined by `;`.
    case cpu
    /// `dd` rounds: `seconds,throughput;seconds,throughput;...` (throughput in MB/s).
    case io
    /// iperf: `bps,mean_rtt,min_rtt,max_rtt`.
    case net
    /// Factorial computation time in ms.
    case factorial
    /// The version (or role) the instance says it runs, in update-consistency runs.
    case version
    /// The version the client expects after the update (written by the client, after `version`).
    case expected
}

/// Reads the paper's own log format (SPEC 4.1): one invocation per line, fields separated by `#`.
///
///     0-3   round, sub-round (batch), tasks in the batch, worker       integers
///     4-7   region, runtime, memory MB, function name
///     8-11  instance id, request id, VM id, procfs instance id
///     12-14 VM private IP, VM public IP, instance private IP           `None` = unknown
///     15    uptime,idle (host /proc/uptime s)     16  ncpu,cpu model
///     17..  optional test results (see `FaasMeasureTest`)
///     last 6: function start, end, duration ms; request sent, response received, round trip ms
///
/// A line with `ERROR` in the payload is kept as a failed invocation.
struct FaasMeasureReader: RecordReader {
    static let fixedFields = 17
    static let timingFields = 6
    static let minimumFields = fixedFields + timingFields

    private let template: InvocationRecord
    private let tests: [FaasMeasureTest]?
    private var fields = ByteFields()
    private var parts = ByteFields()
    private var timestamps: [Double] = []
    private var lastRegion: (region: String, provider: String)?
    /// Function names, VM ids and CPU models repeat on many lines: one storage each (`StringInterner`).
    private var interner = StringInterner()

    init(template: InvocationRecord, tests: [FaasMeasureTest]?) {
        var template = template
        template.instanceIDIsFirstRequestID = true  // faas_measure names an instance after its first request
        self.template = template
        self.tests = tests
    }

    /// Whether a line looks like this format: enough `#`-separated fields, numeric leading ids.
    /// Of a line too long to see whole, the fixed fields must be there.
    static func matches(_ line: UnsafeBufferPointer<UInt8>, isWholeLine: Bool = true) -> Bool {
        var fields = ByteFields()
        fields.split(line, separator: UInt8(ascii: "#"))
        guard fields.count >= 9, ByteNumber.int(fields[0]) != nil, ByteNumber.int(fields[1]) != nil else {
            return false
        }
        return fields.count >= (isWholeLine ? minimumFields : fixedFields)
            || (8..<fields.count).contains { isError(fields[$0]) }
    }

    mutating func read(_ line: Line, into sink: any RecordSink) throws {
        if line.bytes.isEmpty { return }
        if let problem = TextCheck.problem(in: line.bytes) {
            return try sink.reject(line: line.number, reason: problem, raw: TextCheck.printable(line.bytes))
        }
        fields.split(line.bytes, separator: UInt8(ascii: "#"))
        do {
            // Filled in place and moved on: returned from a function, the record was copied twice more.
            var record = template
            try parse(line, into: &record)
            try sink.add(consume record, line: line.number)
        } catch let problem as RecordProblem {
            try sink.reject(line: line.number, reason: problem.reason, raw: String(decoding: line.bytes, as: UTF8.self))
        }
    }

    private static func isError(_ field: UnsafeBufferPointer<UInt8>) -> Bool {
        field.count >= 5 && field.prefix(5).elementsEqual("ERROR".utf8)
    }

    private mutating func parse(_ line: Line, into record: inout InvocationRecord) throws(RecordProblem) {
        let n = fields.count
        let truncated = line.unterminated ? " (the file ends inside this line: truncated?)" : ""
        guard n >= 9 else {
            throw RecordProblem(
                "too few fields: \(n) (a faas_measure line has at least \(Self.minimumFields))\(truncated)")
        }
        record.roundNo = try integer(0, "round id")
        record.batchNo = try integer(1, "sub-round id")
        record.batchSize = try integer(2, "tasks in the batch")
        record.workerNo = try integer(3, "worker id")
        record.region = fields.optionalString(4)
        record.runtime = fields.optionalString(5)
        record.memoryMB = try integer(6, "memory MB")
        record.functionName = fields.optionalString(7, interning: &interner)
        if record.provider == "unknown", let region = record.region { record.provider = provider(ofRegion: region) }

        if let errorField = (8..<n).first(where: { Self.isError(fields[$0]) }) {
            return try parseFailure(errorField: errorField, into: &record)
        }
        guard n >= Self.minimumFields else {
            throw RecordProblem(
                "too few fields: \(n) (a faas_measure line has at least \(Self.minimumFields))\(truncated)")
        }
        record.instanceID = fields.optionalString(8)
        record.requestID = fields.optionalString(9)
        record.vmID = fields.optionalString(10, interning: &interner)
        record.procfsInstanceID = fields.optionalString(11)
        record.vmPrivateIP = fields.optionalString(12)
        record.vmPublicIP = fields.optionalString(13)
        record.instancePrivateIP = fields.optionalString(14)
        try parseUptime(into: &record)
        try parseCPUInfo(into: &record)
        try parseTests(Self.fixedFields..<(n - Self.timingFields), into: &record)
        try parseTiming(from: n - Self.timingFields, into: &record, required: true)
    }

    /// A failed invocation: the client fields, the error text, and whatever timing is still there
    /// (the six timing fields, or the client's three).
    private mutating func parseFailure(
        errorField: Int, into record: inout InvocationRecord
    ) throws(RecordProblem) {
        record.error = String(fields.string(errorField).prefix(500))
        let n = fields.count
        if n - Self.timingFields > errorField {
            try parseTiming(from: n - Self.timingFields, into: &record, required: false)
        } else if n - 3 > errorField {
            try parseClientTiming(from: n - 3, into: &record, required: false)
        }
    }

    /// `Provider.guess`, remembered for the last region (a log rarely changes region).
    private mutating func provider(ofRegion region: String) -> String {
        if let lastRegion, lastRegion.region == region { return lastRegion.provider }
        let provider = Provider.guess(fromRegion: region)
        lastRegion = (region, provider)
        return provider
    }

    private func integer(_ index: Int, _ name: String) throws(RecordProblem) -> Int? {
        let field = fields[index]
        if field.isEmpty || ByteNumber.equals(field, "None") { return nil }
        guard let value = ByteNumber.int(field) else {
            throw RecordProblem("field \(index) (\(name)) is not an integer: '\(fields.string(index).prefix(40))'")
        }
        guard value >= 0 else { throw RecordProblem("field \(index) (\(name)) is negative: \(value)") }
        return value
    }

    private func number(_ index: Int, _ name: String, required: Bool) throws(RecordProblem) -> Double? {
        let field = fields[index]
        if !required, field.isEmpty || ByteNumber.equals(field, "None") { return nil }
        guard let value = ByteNumber.double(field) else {
            throw RecordProblem("field \(index) (\(name)) is not a number: '\(fields.string(index).prefix(40))'")
        }
        guard value >= 0 else { throw RecordProblem("field \(index) (\(name)) is negative: \(fields.string(index))") }
        return value
    }

    private mutating func parseUptime(into record: inout InvocationRecord) throws(RecordProblem) {
        let field = fields[15]
        if field.isEmpty || ByteNumber.equals(field, "None") { return }
        parts.split(field, separator: UInt8(ascii: ","))
        guard parts.count == 2, let uptime = ByteNumber.double(parts[0]), let idle = ByteNumber.double(parts[1]),
            uptime >= 0, idle >= 0
        else {
            throw RecordProblem(
                "field 15 (uptime,idle) is not two non-negative numbers: '\(fields.string(15).prefix(40))'")
        }
        record.vmUptimeSeconds = uptime
        record.vmIdleSeconds = idle
    }

    /// `ncpu,model`; the model string may itself contain commas, spaces, `@` and `(R)`.
    private mutating func parseCPUInfo(into record: inout InvocationRecord) throws(RecordProblem) {
        let field = fields[16]
        if field.isEmpty || ByteNumber.equals(field, "None") { return }
        guard let comma = field.firstIndex(of: UInt8(ascii: ",")),
            let ncpu = ByteNumber.int(UnsafeBufferPointer(rebasing: field[..<comma])), ncpu > 0
        else {
            throw RecordProblem(
                "field 16 (ncpu,model) does not start with a vCPU count: '\(fields.string(16).prefix(40))'")
        }
        record.ncpu = ncpu
        let model = UnsafeBufferPointer(rebasing: field[(comma + 1)...])
        record.cpuModel = model.isEmpty ? nil : interner.string(model)
    }

    private mutating func parseTiming(
        from first: Int, into record: inout InvocationRecord, required: Bool
    ) throws(RecordProblem) {
        record.functionStartMs = try number(first, "function start ms", required: required)
        record.functionEndMs = try number(first + 1, "function end ms", required: required)
        record.functionDurationMs = try number(first + 2, "function duration ms", required: required)
        if let start = record.functionStartMs, let end = record.functionEndMs, end < start {
            throw RecordProblem("function end (field \(first + 1)) is before function start (field \(first))")
        }
        try parseClientTiming(from: first + 3, into: &record, required: required)
    }

    private func parseClientTiming(
        from first: Int, into record: inout InvocationRecord, required: Bool
    ) throws(RecordProblem) {
        record.requestSentMs = try number(first, "request sent ms", required: required)
        record.responseReceivedMs = try number(first + 1, "response received ms", required: required)
        record.roundTripMs = try number(first + 2, "round trip ms", required: required)
        if let sent = record.requestSentMs, let received = record.responseReceivedMs, received < sent {
            throw RecordProblem("response received (field \(first + 1)) is before request sent (field \(first))")
        }
    }

    // MARK: Optional test results

    private mutating func parseTests(_ range: Range<Int>, into record: inout InvocationRecord) throws(RecordProblem) {
        if let tests, tests.count != range.count {
            throw RecordProblem("\(range.count) optional test fields, but the manifest's 'tests' names \(tests.count)")
        }
        var failed: [String] = []
        var unrecognized: [String] = []
        for (position, index) in range.enumerated() {
            let field = fields[index]
            let test = tests?[position]
            if field.isEmpty || ByteNumber.equals(field, "None") {
                failed.append(test?.rawValue ?? "field \(index)")
                continue
            }
            guard let kind = test ?? inferTest(field, record: record) else {
                unrecognized.append(fields.string(index))
                continue
            }
            try parse(kind, field: index, into: &record)
        }
        var extra: [String: Any] = [:]
        if !failed.isEmpty { extra["failed_tests"] = failed }
        if !unrecognized.isEmpty { extra["unrecognized_fields"] = unrecognized }
        record.extra = JSONText.object(extra)
    }

    /// The test a field holds, judged by its shape when no manifest names the order.
    private mutating func inferTest(_ field: UnsafeBufferPointer<UInt8>, record: InvocationRecord) -> FaasMeasureTest? {
        parts.split(field, separator: UInt8(ascii: ";"))
        let first = parts[0]
        let commas = first.count { $0 == UInt8(ascii: ",") }
        switch commas {
        case 1: return .io
        case 3: return .net
        case 0:
            guard let value = ByteNumber.double(first) else {
                // Text: the reported version, then the expected one.
                guard parts.count == 1 else { return nil }
                return record.reportedVersion == nil ? .version : record.expectedVersion == nil ? .expected : nil
            }
            // Epoch-millisecond timestamps are > 1e11; a factorial time in ms is far below that.
            return parts.count > 1 || value > 1e11 ? .cpu : .factorial
        default: return nil
        }
    }

    private mutating func parse(
        _ test: FaasMeasureTest, field index: Int, into record: inout InvocationRecord
    ) throws(RecordProblem) {
        let field = fields[index]
        let bad = RecordProblem(
            "field \(index) (\(test.rawValue) test) is malformed: '\(fields.string(index).prefix(60))'")
        switch test {
        case .cpu:
            parts.split(field, separator: UInt8(ascii: ";"))
            timestamps.removeAll(keepingCapacity: true)
            for i in 0..<parts.count {
                guard let value = ByteNumber.double(parts[i]), value >= 0 else { throw bad }
                timestamps.append(value)
            }
            timestamps.sort()
            var distinct = 0
            var previous = -1.0
            for value in timestamps where value.rounded(.down) != previous {
                distinct += 1
                previous = value.rounded(.down)
            }
            record.cpuTest = .init(
                timestamps: timestamps.count, distinctMs: distinct, firstMs: timestamps[0],
                lastMs: timestamps[timestamps.count - 1])
        case .io:
            parts.split(field, separator: UInt8(ascii: ";"))
            var rounds: [InvocationRecord.IORound] = []
            for i in 0..<parts.count {
                let pair = parts[i]
                guard let comma = pair.firstIndex(of: UInt8(ascii: ",")),
                    let seconds = ByteNumber.double(UnsafeBufferPointer(rebasing: pair[..<comma])),
                    let throughput = ByteNumber.double(UnsafeBufferPointer(rebasing: pair[(comma + 1)...])),
                    seconds >= 0, throughput >= 0
                else { throw bad }
                rounds.append(.init(seconds: seconds, throughputMBs: throughput))
            }
            record.ioRounds = rounds
        case .net:
            parts.split(field, separator: UInt8(ascii: ","))
            guard parts.count == 4 else { throw bad }
            var values: [Double?] = []
            for i in 0..<4 {
                if ByteNumber.equals(parts[i], "None") {
                    values.append(nil)
                    continue
                }
                guard let value = ByteNumber.double(parts[i]), value >= 0 else { throw bad }
                values.append(value)
            }
            guard let bandwidth = values[0] else { throw bad }
            record.network = .init(
                bandwidthBps: bandwidth, rttMeanMs: values[1], rttMinMs: values[2], rttMaxMs: values[3])
        case .factorial:
            guard let value = ByteNumber.double(field), value >= 0 else { throw bad }
            record.factorialMs = value
        case .version:
            record.reportedVersion = fields.string(index)
        case .expected:
            record.expectedVersion = fields.string(index)
        }
    }
}

/// Why one record was rejected; becomes the `reason` of its `rejected_record` row.
struct RecordProblem: Error {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}
