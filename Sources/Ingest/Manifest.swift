import Foundation
import Store

/// A run directory's `manifest.json`: what the log lines themselves do not say. It applies to every
/// file in its directory and below, unless a deeper manifest takes over. Documented in
/// `docs/formats.md`. All keys are optional:
///
/// ```json
/// {
///   "snapshot": "aws-2017-lifetime",
///   "description": "Instance lifetime, 5 s interval",
///   "provider": "aws",
///   "account": "tenant-a",
///   "function_version": "v1",
///   "experiment": "lifetime",
///   "parameters": { "interval_s": 5 },
///   "tests": ["cpu", "io", "net", "factorial", "version"]
/// }
/// ```
///
/// A collection in another layout says how to read it and how to split it into snapshots:
/// `"format": "lambda-perf"` (or `"mapping": "<built-in name or file.json>"`), and
/// `"snapshot_pattern": "^(\\d{4})"` with `"snapshot": "lambda-perf-$1"`: the pattern is matched
/// against each file's path relative to the manifest, its groups fill `$1`, `$2`... of the name.
public struct Manifest: Sendable {
    public var snapshot: String?
    public var description: String?
    /// The `analyze simulate` profile that wrote the run: its data are a model's, not measurements.
    public var simulatedProfile: String?
    /// The text of the `truth.json` beside a simulated run's manifest, read with it (checked to decode as
    /// `SimulationTruth`); nil for measurements and for runs without one.
    public var simulationTruth: String?
    /// What each record stands for when it is not one invocation (`"aggregate": {"statistic": "max",
    /// "period_s": 60}`: a per-minute maximum).
    public var aggregate: RecordAggregate?
    public var provider: String?
    public var account: String?
    public var functionVersion: String?
    public var experiment: String?
    /// The experiment's parameters as a JSON object with sorted keys.
    public var parametersJSON: String?
    public var intervalSeconds: Double?
    public var delaySeconds: Double?
    /// The order of the optional test-result fields in faas_measure lines; nil to infer from shape.
    public var tests: [FaasMeasureTest]?
    /// The format of every file under the manifest, instead of detecting it.
    public var format: Format?
    /// The mapping every file under the manifest is read with.
    public var mapping: Mapping?
    public var snapshotPattern: NSRegularExpression?
    /// The source follows the paper's convention that an instance is named after its first request, so
    /// the request-id rule decides cold or warm where nothing the source states does (docs/formats.md).
    public var instanceNamedByFirstRequest = false
    /// The manifest's directory (paths in it are relative to it); nil when there is no manifest.
    public var directory: String?

    public init() {}

    static let knownKeys: Set<String> = [
        "snapshot", "description", "provider", "account", "function_version", "experiment", "parameters", "tests",
        "format", "mapping", "snapshot_pattern", "simulated_profile", "aggregate", "instance_named_by_first_request",
    ]

    public init(contentsOf path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw IngestError.cannotOpen(path: path, reason: "unreadable")
        }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw IngestError.badManifest(path: path, reason: "not valid JSON (\(error.localizedDescription))")
        }
        guard let root = object as? [String: Any] else {
            throw IngestError.badManifest(path: path, reason: "the top level must be a JSON object")
        }
        if let unknown = root.keys.sorted().first(where: { !Self.knownKeys.contains($0) }) {
            throw IngestError.badManifest(
                path: path,
                reason: "unknown key '\(unknown)' (known: \(Self.knownKeys.sorted().joined(separator: ", ")))")
        }
        func text(_ key: String) throws -> String? {
            guard let value = root[key] else { return nil }
            guard let text = value as? String else {
                throw IngestError.badManifest(path: path, reason: "'\(key)' must be a string")
            }
            return text
        }
        snapshot = try text("snapshot")
        description = try text("description")
        simulatedProfile = try text("simulated_profile")
        provider = try text("provider")?.lowercased()
        account = try text("account")
        functionVersion = try text("function_version")
        experiment = try text("experiment")
        directory = (path as NSString).deletingLastPathComponent
        if simulatedProfile != nil, let directory { simulationTruth = try Self.simulationTruth(in: directory) }
        if let name = try text("format") {
            guard let format = Format(rawValue: name), format != .mapping else {
                throw IngestError.badManifest(
                    path: path, reason: "unknown format '\(name)' (known: \(Format.selectable))")
            }
            self.format = format
        }
        if let name = try text("mapping") {
            do {
                mapping = try Mapping(named: name, relativeTo: directory)
            } catch {
                throw IngestError.badManifest(path: path, reason: "mapping: \(error)")
            }
        }
        if let pattern = try text("snapshot_pattern") {
            guard let regex = try? NSRegularExpression(pattern: pattern) else {
                throw IngestError.badManifest(
                    path: path, reason: "'snapshot_pattern' is not a valid regular expression")
            }
            guard snapshot != nil else {
                throw IngestError.badManifest(path: path, reason: "'snapshot_pattern' needs a 'snapshot' name using $1")
            }
            snapshotPattern = regex
        } else if let snapshot, let problem = SnapshotName.problem(snapshot) {
            throw IngestError.badManifest(path: path, reason: "'snapshot' \(snapshot.debugDescription): \(problem)")
        }
        if let parameters = root["parameters"] {
            guard let dictionary = parameters as? [String: Any] else {
                throw IngestError.badManifest(path: path, reason: "'parameters' must be an object")
            }
            let json = try JSONSerialization.data(withJSONObject: dictionary, options: [.sortedKeys])
            parametersJSON = String(decoding: json, as: UTF8.self)
            for (key, target) in [("interval_s", \Manifest.intervalSeconds), ("delay_s", \Manifest.delaySeconds)] {
                guard let value = dictionary[key] else { continue }
                guard let number = value as? NSNumber, !JSONText.isBool(number) else {
                    throw IngestError.badManifest(path: path, reason: "'parameters.\(key)' must be a number of seconds")
                }
                self[keyPath: target] = number.doubleValue
            }
        }
        if let value = root["instance_named_by_first_request"] {
            guard let flag = value as? NSNumber, JSONText.isBool(flag) else {
                throw IngestError.badManifest(
                    path: path, reason: "'instance_named_by_first_request' must be true or false")
            }
            instanceNamedByFirstRequest = flag.boolValue
        }
        if let value = root["aggregate"] {
            let statistic = ((value as? [String: Any])?["statistic"] as? String).map(Statistic.init)
            let period = (value as? [String: Any])?["period_s"] as? NSNumber
            guard let statistic, let period, !JSONText.isBool(period),
                let aggregate = RecordAggregate(statistic: statistic, periodSeconds: period.doubleValue)
            else {
                throw IngestError.badManifest(
                    path: path,
                    reason: "'aggregate' must be {\"statistic\": one of max, min, mean, median or pN, \"period_s\": "
                        + "seconds above 0}")
            }
            self.aggregate = aggregate
        }
        if let tests = root["tests"] {
            guard let names = tests as? [String] else {
                throw IngestError.badManifest(path: path, reason: "'tests' must be an array of strings")
            }
            self.tests = try names.map { name in
                guard let test = FaasMeasureTest(rawValue: name) else {
                    throw IngestError.badManifest(
                        path: path,
                        reason:
                            "unknown test '\(name)' in 'tests' (known: "
                            + "\(FaasMeasureTest.allCases.map(\.rawValue).joined(separator: ", ")))"
                    )
                }
                return test
            }
        }
    }

    /// `truth.json` in `directory`, checked to read as the simulator writes it; nil when there is none.
    static func simulationTruth(in directory: String) throws -> String? {
        let path = (directory as NSString).appendingPathComponent("truth.json")
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        guard size <= Self.largestTruth, let data = FileManager.default.contents(atPath: path) else {
            throw IngestError.badTruth(path: path, reason: "unreadable or over \(Self.largestTruth >> 20) MB")
        }
        do {
            _ = try SimulationTruth.decode(data)
        } catch let DecodingError.keyNotFound(key, _) {
            throw IngestError.badTruth(path: path, reason: "no '\(JSONKey.snakeCase(key.stringValue))'")
        } catch {
            throw IngestError.badTruth(path: path, reason: "not the simulator's truth.json (\(error))")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// The simulator writes a few kB per run.
    static let largestTruth = 16 << 20

    /// The file's path relative to the manifest's directory (the path as given when there is no manifest).
    func relativePath(of file: String) -> String {
        let standardized = (file as NSString).standardizingPath
        if let directory, standardized.hasPrefix((directory as NSString).standardizingPath + "/") {
            return String(standardized.dropFirst((directory as NSString).standardizingPath.count + 1))
        }
        return file
    }

    /// The snapshot a file belongs to: the manifest's name, with `$1`... filled from `snapshot_pattern`.
    func snapshot(forRelativePath relativePath: String) throws -> String? {
        guard let snapshot, let snapshotPattern else { return snapshot }
        let range = NSRange(relativePath.startIndex..., in: relativePath)
        guard let match = snapshotPattern.firstMatch(in: relativePath, range: range) else {
            throw IngestError.badManifest(
                path: ((directory ?? "") as NSString).appendingPathComponent("manifest.json"),
                reason: "'\(relativePath)' does not match snapshot_pattern '\(snapshotPattern.pattern)'")
        }
        let name = snapshotPattern.replacementString(for: match, in: relativePath, offset: 0, template: snapshot)
        if let problem = SnapshotName.problem(name) {
            throw IngestError.badManifest(
                path: ((directory ?? "") as NSString).appendingPathComponent("manifest.json"),
                reason: "'\(relativePath)' gives the snapshot name \(name.debugDescription): \(problem)")
        }
        return name
    }

    /// The record every reader starts from for a file under this manifest.
    var template: InvocationRecord {
        var record = InvocationRecord()
        if let provider { record.provider = provider }
        record.account = account
        record.functionVersion = functionVersion
        record.experimentKind = experiment ?? (parametersJSON == nil ? nil : "unspecified")
        record.experimentParameters = parametersJSON
        record.intervalSeconds = intervalSeconds
        record.delaySeconds = delaySeconds
        record.instanceIDIsFirstRequestID = instanceNamedByFirstRequest
        return record
    }
}
