import Foundation
import Store

/// Reads lambda-perf's daily files (maxday/lambda-perf; `Datasets/lambda-perf`): every day each
/// runtime's hello-world function is deployed afresh and invoked ten times cold; a file holds, per
/// runtime x memory (x architecture, x packaging), the ten Init Durations of the REPORT lines and three
/// averages. Three schema versions:
///
/// - v1 (2022-09 .. 2023-03): `runtime`, `initDurations`, `memorySize`, `averageMemoryUsed`,
///   `averageDuration`, `averageColdStartDuration` (+ `displayName` from 2023-03);
/// - v2 (2023-04 .. 2023-12): v1 + `architecture`;
/// - v3 (from 2023-12-25): `r` runtime id, `p` packaging, `d` display name, `i` init durations, `m`
///   memory, `a` architecture, `mu`, `ad`, `acd` (the averages).
///
/// Each Init Duration becomes one cold invocation (`init_duration_ms`; the time of day is not
/// published, the day is kept as the experiment parameter `day`). The averages become metric rows
/// (`memory.used_mb`, `duration.reported_ms`, `coldstart.init_duration_ms`, statistic `mean`), not
/// samples. The runtime is the id without the benchmark's prefix and suffixes (`python311`); the
/// architecture and packaging are fields of their own, `x86_64` and `zip` where v1 names neither,
/// because the benchmark then deployed zip packages on x86_64 only.
struct LambdaPerfReader: RecordReader {
    private let records = JSONRecords(shape: .membersOfTopObject)
    private let template: InvocationRecord
    private var day: String?

    /// A day's file is one object with `metadata` and `runtimeData`.
    static func isSignature(_ keys: Set<String>) -> Bool { keys.contains("runtimeData") }

    init(_ file: FileContext) {
        var template = file.template
        template.provider = "aws"
        template.experimentKind = "coldstart"
        self.template = template
        let name = (file.relativePath as NSString).lastPathComponent
        if name.count == 15, name.hasSuffix(".json"), Self.isDay(name.prefix(10)) { day = String(name.prefix(10)) }
    }

    mutating func read(_ line: Line, into sink: any RecordSink) throws {
        try records.read(line, into: sink) { part, value in try handle(part, value, into: sink) }
    }

    mutating func finish(into sink: any RecordSink) throws {
        try records.finish(into: sink) { part, value in try handle(part, value, into: sink) }
    }

    private mutating func handle(_ part: JSONStream.Part, _ value: JSONNode, into sink: any RecordSink) throws {
        switch (part.key, part.isElement) {
        case ("metadata", false):
            if day == nil, let generated = value["generatedAt"]?.string,
                Self.isDay(generated.prefix(10))
            {
                day = String(generated.prefix(10))
            }
        case ("runtimeData", true):
            guard let day else {
                throw RecordProblem(
                    "the day is unknown: neither a YYYY-MM-DD.json file name nor metadata.generatedAt before "
                        + "runtimeData"
                )
            }
            guard value.kind == .object else {
                throw RecordProblem("a runtimeData entry is not a JSON object")
            }
            try add(value, day: day, line: part.line, into: sink)
        default:
            break  // other members carry no measurement
        }
    }

    private func add(_ entry: JSONNode, day: String, line: Int, into sink: any RecordSink) throws {
        func field(_ v3: String, _ older: String) -> JSONNode? { entry[v3] ?? entry[older] }
        guard let id = field("r", "runtime")?.text else { throw RecordProblem("no runtime id (r / runtime)") }
        guard let size = field("m", "memorySize")?.number, let memory = Bounded.integer(size), memory > 0
        else {
            throw RecordProblem("no memory size (m / memorySize) for \(id)")
        }
        guard let durations = field("i", "initDurations"), durations.kind == .array else {
            throw RecordProblem("no init durations (i / initDurations) for \(id)")
        }
        let architecture = field("a", "architecture")?.text ?? Metric.defaultArchitecture
        let packaging = entry["p"]?.text ?? Metric.defaultPackaging
        let runtime = Self.runtime(id: id)

        var record = template
        record.functionName = id
        record.runtime = runtime
        record.architecture = architecture
        record.packaging = packaging
        record.memoryMB = memory
        record.experimentParameters = JSONText.object("day", day)
        record.extra = JSONText.object("display_name", field("d", "displayName")?.text ?? id)
        let elements = durations.elements
        for (index, value) in elements.enumerated() {
            guard let duration = value.number, duration > 0 else {
                throw RecordProblem("init duration #\(index + 1) of \(id) is not a positive number")
            }
            var invocation = record
            invocation.initDurationMs = duration
            invocation.roundNo = index + 1
            try sink.add(invocation, line: line)
        }
        let setting = "day=\(day), average published by lambda-perf"
        let averages: [(String, String, MetricID, String)] = [
            ("mu", "averageMemoryUsed", .memoryUsed, "MB"),
            ("ad", "averageDuration", .reportedDuration, "ms"),
            ("acd", "averageColdStartDuration", .coldStartInitDuration, "ms"),
        ]
        for (v3, older, metric, unit) in averages {
            guard let value = field(v3, older)?.number else { continue }
            try sink.add(
                Metric(
                    metric, provider: "aws", runtime: runtime, architecture: architecture, packaging: packaging,
                    memoryMB: memory, setting: setting,
                    statistic: .mean, value: value, unit: unit, n: elements.count, source: "lambda-perf"), line: line)
        }
    }

    /// `lambda-perf-python311-zip-128-arm64` -> `python311`; `lambda-perf-go1x` -> `go1x`.
    static func runtime(id: String) -> String {
        var parts = (id.hasPrefix("lambda-perf-") ? String(id.dropFirst(12)) : id).split(separator: "-").map(
            String.init)
        if let last = parts.last, ["x86_64", "arm64"].contains(last) { parts.removeLast() }
        if let last = parts.last, Int(last) != nil { parts.removeLast() }
        if let last = parts.last, ["zip", "image"].contains(last), parts.count > 1 { parts.removeLast() }
        return parts.joined(separator: "-")
    }

    private static func isDay(_ text: Substring) -> Bool {
        text.count == 10
            && text.enumerated().allSatisfy { index, character in
                index == 4 || index == 7 ? character == "-" : character.isASCII && character.isNumber
            }
    }
}
