import Foundation
import Store

/// Reads the result files of the FaaS Parallelism Benchmark (Barcelona-Pons & Garcia-Lopez, 2020;
/// `Datasets/faas-parallelism-benchmark-2020`): one file per run of N parallel invocations, named
/// `<benchmark>[_warm]_size=<N>.json`, holding JSON objects separated by commas (a leading blank line,
/// a trailing comma). Three record variants, told apart by the folder (`aws`, `azure`, `gcp`):
///
/// - AWS: client times `pystart_ms`/`pyend_ms`; `func_data` with the function's `initTime_ms`/
///   `endTime_ms`, `funcActivationID` (request id), `containerID` (the `/proc/self/cgroup` line
///   `2:cpu:/sandbox-root-<id>/sandbox-service-<x>/sandbox-<y>`), `mem_limit`, `uptime` (s).
/// - Google: `func_data` with `executionID`, `containerID` (a uuid), and in some runs `uptime`,
///   `meminfo`, `cpuinfo`; or an HTML error page instead of `func_data` (kept as a failed invocation).
/// - Azure: `start`, `end`, `duration`, `invocation`, `instance` at the top level.
/// - IBM Cloud Functions (OpenWhisk): the AWS shape without `containerID`, plus `init_time` (the
///   platform's init duration in ms, 0 when warm: it decides cold or warm), `mem_lim` (MB), `wait_time`
///   and `ow_func_start_ms`/`ow_func_end_ms`/`ow_func_duration_ms` (OpenWhisk's own times, kept in
///   `extra`). The instance is the container's `hostname`.
///
/// The provider is the folder (`aws`, `azure`, `gcp`, `ibm`); a file given outside its folder is known by
/// its records' fields. Each file is one batch of the scalability experiment (batch size N). The
/// instance is the container.
/// The VM: on AWS the `sandbox-root-<id>` of the cgroup path (in 2020 every sandbox is its own
/// Firecracker microVM, and `uptime` is that microVM's: inferring VMs from boot time to the second
/// merges microVMs that booted in the same second, 1,365 "VMs" for 1,618 containers, some holding
/// more memory than a 2017 VM had); elsewhere the boot time (function start minus uptime, to the second).
/// Cold or warm: IBM states it (`init_time`). Elsewhere it is inferred (`first-record-of-container`): in
/// a run whose name does not say `warm` (or `warm2`...), a container's first record in the file is its
/// cold start (records are in completion order, and a container serves one request at a time) and its
/// later records are warm; in a `warm` run only the later records are known to be warm. Azure
/// instances serve many requests at once, so their records stay unclassified.
struct FaasParallelismReader: RecordReader {
    private let records = JSONRecords(shape: .topLevelValues)
    private let template: InvocationRecord
    private let run: Run
    private var seenInstances: Set<String> = []
    /// Outside a provider's folder: the provider the file's records name.
    private var providerInFile: String?

    /// What the file name says.
    struct Run {
        let benchmark: String
        let parallelism: Int
        /// "cold", "warm", or "unknown" when the name does not say.
        let intent: String

        init?(fileName: String) {
            let stem = fileName.hasSuffix(".json") ? String(fileName.dropLast(5)) : fileName
            guard let range = stem.range(of: "_size="), let parallelism = Int(stem[range.upperBound...]),
                parallelism > 0
            else { return nil }
            var tokens = stem[..<range.lowerBound].split(separator: "_").map(String.init)
            if let last = tokens.last, last.hasPrefix("warm"),
                last.dropFirst(4).allSatisfy({ $0.isASCII && $0.isNumber })
            {
                tokens.removeLast()
                intent = "warm"
            } else {
                // `work2g_2_w`: possibly warm, the name is not explicit
                intent = tokens.last == "w" ? "unknown" : "cold"
            }
            benchmark = tokens.joined(separator: "_")
            self.parallelism = parallelism
        }

        init(benchmark: String, parallelism: Int, intent: String) {
            self.benchmark = benchmark
            self.parallelism = parallelism
            self.intent = intent
        }
    }

    init(_ file: FileContext) {
        let components = file.relativePath.split(separator: "/").map(String.init)
        var template = file.template
        if let folder = components.first(where: { ["aws", "azure", "gcp", "google", "ibm"].contains($0) }) {
            template.provider = folder == "gcp" ? "google" : folder
        }
        run = Run(fileName: components.last ?? "") ?? Run(benchmark: "unknown", parallelism: 0, intent: "unknown")
        template.functionName = run.benchmark
        template.experimentKind = "scalability"
        template.experimentParameters = JSONText.object([
            "benchmark": run.benchmark, "parallelism": run.parallelism, "intent": run.intent,
        ])
        template.batchSize = run.parallelism
        template.roundNo = 1
        template.batchNo = 1
        self.template = template
    }

    /// The client's times (`pystart_ms`) or the function's (`func_data`, OpenWhisk's `ow_func_start_ms`).
    static func isSignature(_ keys: Set<String>) -> Bool {
        !keys.isDisjoint(with: ["pystart_ms", "func_data", "ow_func_start_ms"])
    }

    /// Why a file cannot be read as a run, before its content is looked at.
    static func unusableReason(_ relativePath: String) -> String? {
        Run(fileName: (relativePath as NSString).lastPathComponent) == nil
            ? "the file name does not follow <benchmark>_size=<N>.json, so the run's parallelism is unknown" : nil
    }

    mutating func read(_ line: Line, into sink: any RecordSink) throws {
        try records.read(line, into: sink) { part, value in try add(value, line: part.line, into: sink) }
    }

    mutating func finish(into sink: any RecordSink) throws {
        try records.finish(into: sink) { part, value in try add(value, line: part.line, into: sink) }
    }

    private mutating func add(_ object: JSONNode, line: Int, into sink: any RecordSink) throws {
        guard object.kind == .object else { throw RecordProblem("not a JSON object") }
        var record = template
        if record.provider == "unknown" {
            // An error page names no provider; it is the file's, known from the records around it.
            record.provider = Self.provider(of: object) ?? providerInFile ?? "unknown"
            providerInFile = providerInFile ?? (record.provider == "unknown" ? nil : record.provider)
        }
        record.requestSentMs = object["pystart_ms"]?.number
        record.responseReceivedMs = object["pyend_ms"]?.number
        record.roundTripMs = object["pyduration_ms"]?.number
        let functionData = object["func_data"]
        if let function = functionData, function.kind == .object {
            try readFunctionData(function, into: &record)
        } else if let page = functionData?.string {
            record.error = Self.errorSummary(page)
        } else if functionData == nil, object["instance"] != nil {
            record.functionStartMs = object["start"]?.number
            record.functionEndMs = object["end"]?.number
            record.functionDurationMs = object["duration"]?.number
            record.requestID = object["invocation"]?.text
            record.instanceID = object["instance"]?.text
        } else {
            throw RecordProblem(
                "neither func_data (AWS, Google) nor start/end/instance (Azure): not a benchmark record")
        }
        if record.provider == "ibm" { try readOpenWhisk(object, into: &record) }
        guard record.requestSentMs != nil || record.functionStartMs != nil else {
            throw RecordProblem("no client time (pystart_ms) and no function start time")
        }
        if record.error == nil, let instance = record.instanceID, record.provider != "azure" {
            let first = seenInstances.insert(instance).inserted
            if !first || run.intent == "cold" {
                record.inferredCold = .init(isCold: first, rule: .firstRecordOfContainer)
            }
        }
        try CanonicalColumns.validate(record)
        try sink.add(record, line: line)
    }

    /// The provider a record's own fields name, for a file read outside its folder.
    static func provider(of object: JSONNode) -> String? {
        if object["ow_func_start_ms"] != nil || object["init_time"] != nil { return "ibm" }
        if object["instance"] != nil { return "azure" }
        guard let function = object["func_data"], function.kind == .object else { return nil }
        if function["funcActivationID"] != nil { return "aws" }
        return function["executionID"] != nil ? "google" : nil
    }

    /// OpenWhisk's fields: the platform's init duration decides the temperature, memory from `mem_lim`,
    /// the container named by its host name, the rest in `extra`.
    private func readOpenWhisk(_ object: JSONNode, into record: inout InvocationRecord) throws {
        if let initTime = object["init_time"]?.number {
            guard initTime >= 0 else { throw RecordProblem("init_time \(initTime) is negative") }
            record.initDurationMs = initTime
        }
        if let memory = object["mem_lim"]?.number {
            guard let megabytes = Bounded.integer(memory) else {
                throw RecordProblem("mem_lim \(memory) is not an integer within ±1e15")
            }
            record.memoryMB = megabytes
        }
        if record.instanceID == nil, let function = object["func_data"], function.kind == .object {
            record.instanceID = function["hostname"]?.text
        }
        var extra: [String: Any] = [:]
        for key in ["ow_func_start_ms", "ow_func_end_ms", "ow_func_duration_ms", "wait_time"] {
            if let value = object[key]?.number { extra[key] = value }
        }
        record.extra = JSONText.object(extra)
    }

    private func readFunctionData(_ function: JSONNode, into record: inout InvocationRecord) throws {
        record.functionStartMs = function["initTime_ms"]?.number
        record.functionEndMs = function["endTime_ms"]?.number
        record.functionDurationMs = function["duration_ms"]?.number
        record.requestID = (function["funcActivationID"] ?? function["executionID"])?.text
        if let container = function["containerID"]?.text {
            // The AWS cgroup line `2:cpu:/sandbox-root-...`: the path names the container.
            record.instanceID = container.split(separator: ":/", maxSplits: 1).last.map(String.init) ?? container
        }
        record.instancePrivateIP = function["hostnameIP"]?.text
        if let memory = function["mem_limit"]?.number {
            guard let megabytes = Bounded.integer(memory) else {
                throw RecordProblem("mem_limit \(memory) is not an integer within ±1e15")
            }
            record.memoryMB = megabytes
        }
        if let container = record.instanceID, container.hasPrefix("sandbox-root-") {
            record.vmID = String(container.prefix { $0 != "/" })
        }
        if let uptime = function["uptime"]?.number {
            record.vmUptimeSeconds = uptime
            if record.vmID == nil, let start = record.functionStartMs,
                let boot = Bounded.integer((start / 1000 - uptime).rounded())
            {
                record.vmID = "boot-\(boot)"
            }
        }
        if let cpuinfo = function["cpuinfo"]?.string {
            let fields = Self.colonFields(cpuinfo)
            record.ncpu = fields["CPU(s)"].flatMap { Int($0) }
            record.cpuModel = fields["Model name"].flatMap { $0 == "unknown" ? nil : $0 }
        }
    }

    /// `lscpu` output as name -> value.
    private static func colonFields(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[String(line[..<colon]).trimmingWhitespace()] = String(line[line.index(after: colon)...])
                .trimmingWhitespace()
        }
        return fields
    }

    /// The title of an HTML error page that came back instead of the function's result.
    static func errorSummary(_ page: String) -> String {
        if let open = page.range(of: "<title>"),
            let close = page.range(of: "</title>", range: open.upperBound..<page.endIndex)
        {
            return "HTML error page instead of the function's result: " + page[open.upperBound..<close.lowerBound]
        }
        return "text instead of the function's result: " + page.trimmingWhitespace().prefix(80)
    }
}
