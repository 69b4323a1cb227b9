import Foundation

/// Writes one run directory exactly as the paper's harness would leave it: `manifest.json`, the
/// `#`-separated log (`invocations.log`), and `truth.json` with the model's parameters and the
/// quantities an analysis should recover.
final class RunWriter {
    let directory: URL
    private let platform: Platform
    private var handle: FileHandle
    private var buffer = ""
    private(set) var lines = 0

    init(directory: URL, platform: Platform, manifest: [String: Any], seed: UInt64) throws {
        self.directory = directory
        self.platform = platform
        ids = SeededRandom(seed: seed ^ 0x5EED_1D5)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try JSON.write(manifest, to: directory.appendingPathComponent("manifest.json"))
        let log = directory.appendingPathComponent("invocations.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        handle = try FileHandle(forWritingTo: log)
    }

    /// Appends one line per served request. `tests` are the optional test-result fields.
    func write(
        _ served: [Platform.Served], round: Int, batch: Int, worker: Int = 0,
        tests: (Platform.Served) -> [String] = { _ in [] }
    ) {
        for (position, request) in served.enumerated() {
            let instance = platform.instances[request.instance]
            let vm = platform.vms[instance.vm]
            let profile = platform.profile
            let function = instance.function
            let requestID = request.cold ? instance.id : requestUUID()
            let aws = profile.provider == "aws"
            var uptime = "None"
            if profile.vm.reportsUptime {
                let seconds = request.startMs / 1000 - vm.bootTimeS
                uptime = Format.fixed(seconds, 2) + "," + Format.fixed(seconds * Double(vm.type.ncpu) * 0.93, 2)
            }
            var fields: [String] = [
                String(round), String(batch), String(served.count), String(worker + position),
                profile.region, function.runtime, String(function.memoryMB), function.name,
                instance.id, requestID, vm.key ?? "None", aws ? instance.procfsID : "None",
                aws ? vm.privateIP : "None", aws ? vm.publicIP : "None", aws ? instance.privateIP : "None",
                uptime, "\(vm.type.ncpu),\(vm.type.cpuModel)",
            ]
            fields += tests(request)
            fields += [
                Format.fixed(request.startMs, 3), Format.fixed(request.endMs, 3),
                Format.fixed(request.endMs - request.startMs, 3),
                Format.fixed(request.sentMs, 3), Format.fixed(request.receivedMs, 3),
                Format.fixed(request.receivedMs - request.sentMs, 3),
            ]
            buffer += fields.joined(separator: "#")
            buffer += "\n"
            lines += 1
        }
        if buffer.utf8.count > 1 << 20 { flush() }
    }

    /// Request ids are fresh UUIDs; drawn from a stream of their own so that they do not shift the
    /// model's random numbers.
    private var ids: SeededRandom
    private func requestUUID() -> String { ids.uuid() }

    /// The first write that failed (a full disk): later writes are dropped and `finish` throws it, so
    /// the experiments need not handle it line by line.
    private var failure: (any Error)?

    private func flush() {
        if failure == nil {
            do {
                try handle.write(contentsOf: Data(buffer.utf8))
            } catch let error as CocoaError {
                let log = directory.appendingPathComponent("invocations.log").path
                failure = CocoaError(
                    error.code, userInfo: error.userInfo.merging([NSFilePathErrorKey: log]) { old, _ in old })
            } catch {
                failure = error
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }

    func finish(truth: [String: Any]) throws {
        flush()
        if let failure { throw failure }
        try handle.close()
        try JSON.write(truth, to: directory.appendingPathComponent("truth.json"))
    }
}

enum Format {
    /// Fixed-point text with `digits` decimals, the same on every platform.
    static func fixed(_ value: Double, _ digits: Int) -> String {
        String(format: "%.\(digits)f", value)
    }
}

enum JSON {
    static func write(_ object: [String: Any], to url: URL) throws {
        let data = try JSONSerialization.data(
            withJSONObject: object, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
        try (data + Data("\n".utf8)).write(to: url)
    }
}
