import Foundation
import Store

/// Reads the chart inputs behind mikhail.io's "Serverless Cold Starts" pages (Mikhail Shilkov,
/// 2018-2021; `Datasets/mikhailio-coldstarts`). A scheduler called HTTP-triggered hello-world functions
/// at random intervals and measured end-to-end HTTP latency on the client; every file is a JSON object
/// with a `points` array. Which kind a file is follows from its name:
///
/// - `raw/coldstart_<cloud>_<scenario>.json`: `[[seconds]]`, one cold start per point: a cold
///   invocation with `round_trip_ms`, experiment `coldstart` with parameter `scenario` (a language, a
///   memory size, a dependency size, VPC, ...; languages and memory sizes also set runtime and memory).
/// - `*scatter.json`: `[[minutes since the previous request, seconds, "point {fill-color: blue|red}"]]`:
///   blue is a cold start, red a warm one (per the page text); experiment `idle-scatter` with
///   `interval_s`.
/// - `coldstart_<cloud>_interval.json`: `[[idle minute, probability of a cold start]]`: metric rows
///   `idle.cold_probability` (the page's own summary, no samples behind it).
///
/// Other files are summaries drawn from these (medians and quartiles by dimension, labelled series of
/// a blog post): the whole file is rejected with that reason (`unusableReason`) rather than read as
/// samples, before its content is looked at (some summaries have the very bytes of a raw file).
struct MikhailioReader: RecordReader {
    enum Kind: Equatable {
        case samples(scenario: String)
        case scatter(name: String)
        case interval
        case summary
    }

    static let summaryReason =
        "a chart's summary (medians and quartiles by dimension, or a labelled series), "
        + "drawn from samples published elsewhere: not read as measurements"

    /// Every chart's data file is an object that starts with `points`.
    static func isSignature(_ keys: [String]) -> Bool { keys.first == "points" }

    static func kind(of path: String) -> Kind {
        let name = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        if name.hasPrefix("coldstart_"), path.contains("raw/") {
            return .samples(
                scenario: name.split(separator: "_", maxSplits: 2).dropFirst(2).first.map(String.init) ?? name)
        }
        if name.hasSuffix("scatter") {
            let folder = (path as NSString).deletingLastPathComponent
            return .scatter(
                // `coldstart_aws_scatter` says what it is; `new_scatter` needs its article's folder.
                name: folder.isEmpty || folder.hasSuffix("data") || name.hasPrefix("coldstart_")
                    ? name : (folder as NSString).lastPathComponent + "/" + name)
        }
        return name.hasPrefix("coldstart_") && name.hasSuffix("_interval") ? .interval : .summary
    }

    private let records = JSONRecords(shape: .membersOfTopObject)
    private let template: InvocationRecord
    let kind: Kind

    /// Languages as the file names spell them, and the runtime name they stand for.
    static let languages = [
        "js": "javascript", "python": "python", "java": "java", "csharp": "csharp", "go": "go",
        "ruby": "ruby", "ps": "powershell", "powershell": "powershell", "fsharp": "fsharp",
    ]

    init(_ file: FileContext) {
        var template = file.template
        if let cloud = Self.cloud(in: file.relativePath) { template.provider = cloud }
        kind = Self.kind(of: file.relativePath)
        switch kind {
        case .samples(let scenario):
            template.experimentKind = "coldstart"
            template.experimentParameters = JSONText.object(["scenario": scenario])
            template.functionName = "\(template.provider) \(scenario)"
            template.runtime = Self.languages[scenario]
            template.memoryMB = Int(scenario)
            template.declaredCold = true
        case .scatter(let series):
            template.experimentKind = "idle-scatter"
            template.experimentParameters = JSONText.object(["series": series])
            template.functionName = series
        case .interval, .summary:
            break
        }
        self.template = template
    }

    /// `aws`, `azure` or `google`, from a `_<cloud>_` part of the file name or a folder naming the cloud.
    static func cloud(in path: String) -> String? {
        let name = (path as NSString).lastPathComponent
        for (token, cloud) in [("aws", "aws"), ("azure", "azure"), ("gcp", "google")] where name.contains("_\(token)_")
        {
            return cloud
        }
        let lowered = path.lowercased()
        for (token, cloud) in [
            ("aws-lambda", "aws"), ("azure-functions", "azure"), ("google-cloud-functions", "google"),
        ] where lowered.contains(token) {
            return cloud
        }
        return nil
    }

    mutating func read(_ line: Line, into sink: any RecordSink) throws {
        try records.read(line, into: sink) { part, value in try add(part, value, into: sink) }
    }

    mutating func finish(into sink: any RecordSink) throws {
        try records.finish(into: sink) { part, value in try add(part, value, into: sink) }
    }

    private func add(_ part: JSONStream.Part, _ value: JSONNode, into sink: any RecordSink) throws {
        guard part.key == "points", part.isElement else { return }
        guard value.kind == .array else { throw RecordProblem("a point is not an array") }
        let point = value.elements
        switch kind {
        case .samples:
            guard point.count == 1, let seconds = point[0].number, seconds >= 0 else {
                throw RecordProblem("a cold-start sample is [seconds]")
            }
            var record = template
            record.roundTripMs = seconds * 1000
            try sink.add(record, line: part.line)
        case .scatter:
            guard point.count == 3, let minutes = point[0].number, let seconds = point[1].number,
                minutes >= 0, seconds >= 0, let style = point[2].string
            else { throw RecordProblem("a scatter point is [minutes, seconds, style]") }
            var record = template
            record.intervalSeconds = minutes * 60
            record.roundTripMs = seconds * 1000
            if style.contains("blue") {
                record.declaredCold = true
            } else if style.contains("red") {
                record.declaredCold = false
            } else {
                throw RecordProblem("style '\(style.prefix(60))' is neither blue (cold) nor red (warm)")
            }
            try sink.add(record, line: part.line)
        case .interval:
            guard point.count == 2, let minute = point[0].number,
                let probability = point[1].number,
                minute >= 0, Bounded.contains(minute), (0...1).contains(probability)
            else { throw RecordProblem("an interval point is [minute (0 to 1e15), probability between 0 and 1]") }
            try sink.add(
                Metric(
                    .coldProbability, provider: template.provider,
                    setting: "idle=\(Bounded.text(minute))min",
                    statistic: .fraction, value: probability, unit: "fraction", source: "mikhail.io"), line: part.line)
        case .summary:
            break
        }
    }
}
