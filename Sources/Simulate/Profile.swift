import Foundation
import Store

/// The parameters of a simulated platform: one JSON file per profile (`Profiles/*.json`, or any file
/// given with `--profile-file`), calibrated on the paper's published numbers. Keys are snake_case.
public struct Profile: Codable, Sendable {
    public var name: String
    public var provider: SimulatedProvider
    public var description: String
    public var region: String
    /// When the simulated measurements start, epoch seconds.
    public var startTime: Double
    public var runtimes: [String: Runtime]
    public var memorySizesMb: [Int]
    public var vm: VMPool
    public var placement: Placement
    public var scaling: Scaling
    public var latency: Latency
    public var lifetime: Lifetime
    public var idle: Idle
    public var consistency: Consistency
    public var performance: Performance
    /// The function of the week-long hourly experiment.
    public var hourly: Hourly

    /// A range written `[low, high]`; decoding checks both ends.
    public struct Bounds: Codable, Sendable {
        public let range: ClosedRange<Double>

        public init(from decoder: any Decoder) throws {
            var container = try decoder.unkeyedContainer()
            let low = try container.decode(Double.self)
            let high = try container.decode(Double.self)
            guard container.isAtEnd, low.isFinite, high.isFinite, low <= high else {
                throw DecodingError.dataCorrupted(
                    .init(codingPath: decoder.codingPath, debugDescription: "expected [low, high] with low <= high"))
            }
            range = low...high
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.unkeyedContainer()
            try container.encode(range.lowerBound)
            try container.encode(range.upperBound)
        }
    }

    /// The providers a profile can model: what the probe sees differs (VM ids, uptime, IPs).
    public enum SimulatedProvider: String, Codable, Sendable {
        case aws, azure, google
    }

    public struct Runtime: Codable, Sendable {
        /// Median cold-start latency (request sent to function start) at 128 MB, alone on its VM.
        public var coldMedianMs128: Double
        /// Median scales with (128 / memory) ^ exponent.
        public var memoryExponent: Double
    }

    public struct VMType: Codable, Sendable {
        public var cpuModel: String
        public var ncpu: Int
        public var memoryMb: Int
        public var weight: Double
    }

    public struct VMPool: Codable, Sendable {
        /// Whether the probe can see a host VM id (AWS cgroup root id, Azure WEBSITE_INSTANCE_ID).
        public var identity: Bool
        /// Whether the probe can read the host's /proc/uptime.
        public var reportsUptime: Bool
        public var types: [VMType]
        /// Memory that instances may use on one VM (the bin-packing capacity).
        public var usableMemoryMb: Int
        /// Uptime of a VM when it is handed out, seconds: uniform in this range (pre-booted pool).
        public var poolUptimeS: Bounds
        /// A VM retires at this uptime, seconds, ending the instances on it (nil: never).
        public var maxUptimeS: Double?
    }

    public struct Placement: Codable, Sendable {
        public var policy: Policy
        public var maxInstancesPerVm: Int?
        /// spread: probability that a new instance goes to a VM already used by another account.
        public var crossAccountProbability: Double?
    }

    public enum Policy: String, Codable, Sendable {
        /// An account's instances fill its own VMs up to the usable memory.
        case binpack
        /// Instances go to VMs of a shared pool, at most `maxInstancesPerVm` each.
        case spread
    }

    public struct Scaling: Codable, Sendable {
        /// At most this many instances of one function at once (nil: no limit).
        public var maxInstances: Int?
        /// From this many concurrent requests on, only `startFraction` of the missing instances start;
        /// the other requests queue on the instances that do.
        public var queueFromConcurrency: Int?
        public var startFraction: Double?
    }

    public struct Latency: Codable, Sendable {
        /// Log-space standard deviation of cold-start latency.
        public var coldSigma: Double
        /// Added per other instance starting at the same time on the same VM.
        public var colevelPenaltyMs: Double
        /// Added when the instance is the first on its VM.
        public var newVmExtraMs: Double
        public var warmMedianMs: Double
        public var warmSigma: Double
        /// Function execution time of a plain request, uniform.
        public var executionMs: Bounds
        /// Network delay each way between client and platform, uniform.
        public var networkOneWayMs: Bounds
        /// Relative day/night swing of cold-start latency over 24 h (0: none).
        public var diurnalAmplitude: Double
    }

    public struct Lifetime: Codable, Sendable {
        /// Median instance lifetime by memory size (key: MB, or "default").
        public var medianMinutes: [String: Double]
        public var sigma: Double
        public var maxMinutes: Double
        /// For an instance invoked at a steady interval (key: seconds): its own median and sigma, as
        /// the paper saw shorter lifetimes under more frequent requests (AWS).
        public var byIntervalS: [String: Distribution]?

        public struct Distribution: Codable, Sendable {
            public var medianMinutes: Double
            public var sigma: Double
        }

        func distribution(memoryMB: Int, intervalS: Double?) -> Distribution {
            if let intervalS, let setting = byIntervalS?[String(Int(intervalS))] { return setting }
            let median = medianMinutes[String(memoryMB)] ?? medianMinutes["default"] ?? maxMinutes / 2
            return Distribution(medianMinutes: median, sigma: sigma)
        }
    }

    public struct Hourly: Codable, Sendable {
        public var runtime: String
        public var memoryMb: Int
        /// The hourly function's median cold start when it is not the runtime's (Azure: the paper's
        /// hourly medians are more than twice its cold-start experiment's).
        public var coldMedianMs: Double?
    }

    public struct Idle: Codable, Sendable {
        /// Idle instances become candidates for recycling after this long.
        public var graceS: Double
        /// Recycling runs every `periodS` (aligned on the epoch) ...
        public var periodS: Double
        /// ... and ends each candidate with this probability (about half of them).
        public var endProbability: Double
        /// No instance stays idle longer than this ...
        public var maxIdleS: Double
        /// ... unless its VM is kept busy by another instance; then up to this.
        public var busyVmMaxIdleS: Double
    }

    public struct Consistency: Codable, Sendable {
        /// After an update, stale instances may serve requests sent within this window.
        public var windowS: Double
        /// Probability that a request sent right at the update is served by an old-version instance;
        /// falls linearly to 0 at the end of the window.
        public var staleProbabilityAtZero: Double
        /// Share of stale cases that are new instances started with the old version.
        public var newInstanceShare: Double
    }

    public struct Performance: Codable, Sendable {
        /// CPU share = memory / this, at most 1 (AWS, Google); nil: share = ncpu / instances on the VM.
        public var fullCpuMemoryMb: Double?
        public var cpuJitter: Double
        /// Aggregate disk and network throughput of one VM, split among its instances under test.
        public var vmIoMbS: Double
        public var vmNetworkMbps: Double
        /// I/O and network throughput also scale with memory / this (Google), nil: not at all.
        public var throughputFullMemoryMb: Double?
        public var throughputJitter: Double
    }

    /// Median cold-start latency alone on a VM, before the diurnal swing.
    func coldMedianMs(runtime: String, memoryMB: Int) -> Double {
        guard let parameters = runtimes[runtime] else { return 0 }
        return parameters.coldMedianMs128 * pow(128 / Double(memoryMB), parameters.memoryExponent)
    }

    /// The hourly function's median cold start before the day/night swing.
    var hourlyColdMedianMs: Double {
        hourly.coldMedianMs ?? coldMedianMs(runtime: hourly.runtime, memoryMB: hourly.memoryMb)
    }

    /// The runtimes in a stable order.
    var runtimeNames: [String] { runtimes.keys.sorted() }

    // MARK: Loading

    public static let builtInNames = ["aws-2017", "aws-2018", "azure-2017", "azure-2018", "google-2017", "google-2018"]

    public static func builtIn(_ name: String) throws -> Profile {
        guard let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Profiles") else {
            throw SimulateError.unknownProfile(name, known: builtInNames)
        }
        return try load(url)
    }

    public static func load(_ url: URL) throws -> Profile {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let profile: Profile
        do {
            profile = try decoder.decode(Profile.self, from: Data(contentsOf: url))
        } catch let error as DecodingError {
            throw SimulateError.badProfile(url.path, Self.describe(error))
        }
        // The name is a folder of the output and, prefixed, the runs' snapshot: both follow the snapshot-name rule.
        if let problem = SnapshotName.problem(profile.name) ?? SnapshotName.problem("simulated-\(profile.name)") {
            throw SimulateError.badProfile(url.path, "'name' \(profile.name.debugDescription): \(problem)")
        }
        return profile
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map(String.init) ?? JSONKey.snakeCase($0.stringValue) }.joined(
                separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            return
                "missing key '\(path(context).isEmpty ? "" : path(context) + ".")\(JSONKey.snakeCase(key.stringValue))'"
        case .typeMismatch(_, let context), .valueNotFound(_, let context): return "wrong type at '\(path(context))'"
        case .dataCorrupted(let context) where !context.codingPath.isEmpty:
            return "invalid value at '\(path(context))' (\(context.debugDescription))"
        case .dataCorrupted(let context): return "not valid JSON (\(context.debugDescription))"
        @unknown default: return "\(error)"
        }
    }
}

public enum SimulateError: Error, CustomStringConvertible {
    case unknownProfile(String, known: [String])
    case badProfile(String, String)
    case unknownExperiment(String, known: [String])
    case cannotWrite(String, String)

    public var description: String {
        switch self {
        case .unknownProfile(let name, let known):
            "unknown profile '\(name)' (built in: \(known.joined(separator: ", ")))"
        case .badProfile(let path, let reason): "\(path): invalid profile: \(reason)"
        case .unknownExperiment(let name, let known):
            "unknown experiment '\(name)' (known: \(known.joined(separator: ", ")), or all)"
        case .cannotWrite(let path, let reason): "\(path): cannot write: \(reason)"
        }
    }
}
