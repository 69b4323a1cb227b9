import Foundation
import Store

/// Writes one run directory exactly as the paper's harness would leave it: `manifest.json`, the
/// `#`-separated log (`invocations.log`), and `truth.json` with the model's parameters and the
/// quantities an analysis should recover.
final class RunWriter {
    let directory: URL
    private let platform: Platform
    private var handle: FileHandle
    private var buffer: [UInt8] = []
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
        let profile = platform.profile
        let aws = profile.provider == .aws
        func field(_ text: String) {
            buffer.append(contentsOf: text.utf8)
            buffer.append(0x23)
        }
        func number(_ value: Int) {
            TextBytes.appendInteger(value, to: &buffer)
            buffer.append(0x23)
        }
        func millis(_ value: Double, last: Bool = false) {
            TextBytes.appendFixed(value, digits: 3, to: &buffer)
            buffer.append(last ? 0x0A : 0x23)
        }
        for (position, request) in served.enumerated() {
            let instance = platform.instances[request.instance]
            let vm = platform.vms[instance.vm]
            let function = instance.function
            number(round)
            number(batch)
            number(served.count)
            number(worker + position)
            field(profile.region)
            field(function.runtime)
            number(function.memoryMB)
            field(function.name)
            field(instance.id)
            field(request.cold ? instance.id : ids.uuid())
            field(vm.key ?? "None")
            field(aws ? instance.procfsID : "None")
            field(aws ? vm.privateIP : "None")
            field(aws ? vm.publicIP : "None")
            field(aws ? instance.privateIP : "None")
            if profile.vm.reportsUptime {
                let seconds = request.startMs / 1000 - vm.bootTimeS
                TextBytes.appendFixed(seconds, digits: 2, to: &buffer)
                buffer.append(0x2C)
                TextBytes.appendFixed(seconds * Double(vm.type.ncpu) * 0.93, digits: 2, to: &buffer)
                buffer.append(0x23)
            } else {
                field("None")
            }
            TextBytes.appendInteger(vm.type.ncpu, to: &buffer)
            buffer.append(0x2C)
            field(vm.type.cpuModel)
            for test in tests(request) { field(test) }
            millis(request.startMs)
            millis(request.endMs)
            millis(request.endMs - request.startMs)
            millis(request.sentMs)
            millis(request.receivedMs)
            millis(request.receivedMs - request.sentMs, last: true)
            lines += 1
        }
        if buffer.count > 1 << 20 { flush() }
    }

    /// Request ids are fresh UUIDs, drawn from a stream of their own so that they do not shift the
    /// model's random numbers.
    private var ids: SeededRandom

    /// The first write that failed (a full disk): later writes are dropped and `finish` throws it, so
    /// the experiments need not handle it line by line.
    private var failure: (any Error)?

    private func flush() {
        if failure == nil {
            do {
                try handle.write(contentsOf: buffer)
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

    func finish(truth: SimulationTruth) throws {
        flush()
        if let failure { throw failure }
        try handle.close()
        try truth.json().write(to: directory.appendingPathComponent("truth.json"))
    }
}

enum JSON {
    static func write(_ object: [String: Any], to url: URL) throws {
        let data = try JSONSerialization.data(
            withJSONObject: object, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
        try (data + Data("\n".utf8)).write(to: url)
    }
}
