import Foundation

/// Writes N invocations of a mixed workload (every runtime and memory size of a profile, a pool of
/// warm instances on a few hundred VMs, one request in ten a cold start) as one faas_measure log,
/// fast: bytes are formatted by hand into a buffer that is flushed every megabyte. For benchmarks;
/// the experiments go through `Simulator`.
public struct RecordStream {
    public let profile: Profile
    public let seed: UInt64

    public init(profile: Profile, seed: UInt64) {
        self.profile = profile
        self.seed = seed
    }

    private struct Instance {
        var id: [UInt8]
        var vm: Int
        var function: Int
    }

    /// Writes the log and returns its size in bytes.
    public func write(records: Int, to path: String) throws -> Int {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { throw SimulateError.cannotWrite(path, String(cString: strerror(errno))) }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        do {
            return try write(records: records, to: handle)
        } catch let error as CocoaError {
            throw CocoaError(error.code, userInfo: error.userInfo.merging([NSFilePathErrorKey: path]) { old, _ in old })
        }
    }

    private func write(records: Int, to handle: FileHandle) throws -> Int {

        var random = SeededRandom(seed: seed)
        let functions = profile.runtimeNames.flatMap { runtime in profile.memorySizesMb.map { (runtime, $0) } }
        let functionFields = functions.map { runtime, memory in
            Array("\(profile.region)#\(runtime)#\(memory)#bench-\(runtime)-\(memory)#".utf8)
        }
        let vmFields: [[UInt8]] = (0..<200).map { index in
            let type = profile.vm.types[index % profile.vm.types.count]
            let key = profile.vm.identity ? "sandbox-root-" + random.hex(6) : "None"
            return Array(
                "\(key)#sandbox-\(index)#10.0.\(index / 256).\(index % 256)#None#172.16.\(index / 256).\(index % 256)#"
                    .utf8)
                + Array("\(5000 + index * 37).50,\(9000 + index * 53).25#\(type.ncpu),\(type.cpuModel)#".utf8)
        }
        var pool: [Instance] = []
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 21)
        var written = 0
        var sentMicros = Int64(profile.startTime * 1_000_000)

        for line in 0..<records {
            let cold = pool.isEmpty || random.next() % 10 == 0
            let instance: Instance
            if cold {
                instance = Instance(
                    id: uuidBytes(&random), vm: random.index(vmFields.count), function: random.index(functions.count))
                if pool.count < 2000 { pool.append(instance) } else { pool[random.index(pool.count)] = instance }
            } else {
                instance = pool[random.index(pool.count)]
            }
            sentMicros += 3_000 + Int64(random.next() % 4_000)
            let latencyMicros = Int64((cold ? 150_000 + random.next() % 900_000 : 10_000 + random.next() % 60_000))
            let startMicros = sentMicros + latencyMicros
            let endMicros = startMicros + 2_000 + Int64(random.next() % 40_000)
            let receivedMicros = endMicros + 1_000 + Int64(random.next() % 3_000)

            TextBytes.appendInteger(line / 100, to: &buffer)
            buffer.append(0x23)
            TextBytes.appendInteger(line % 100, to: &buffer)
            buffer.append(0x23)
            buffer.append(contentsOf: "10#".utf8)
            TextBytes.appendInteger(line % 10, to: &buffer)
            buffer.append(0x23)
            buffer.append(contentsOf: functionFields[instance.function])
            buffer.append(contentsOf: instance.id)
            buffer.append(0x23)
            if cold { buffer.append(contentsOf: instance.id) } else { buffer.append(contentsOf: uuidBytes(&random)) }
            buffer.append(0x23)
            buffer.append(contentsOf: vmFields[instance.vm])
            appendMillis(startMicros, &buffer)
            buffer.append(0x23)
            appendMillis(endMicros, &buffer)
            buffer.append(0x23)
            appendMillis(endMicros - startMicros, &buffer)
            buffer.append(0x23)
            appendMillis(sentMicros, &buffer)
            buffer.append(0x23)
            appendMillis(receivedMicros, &buffer)
            buffer.append(0x23)
            appendMillis(receivedMicros - sentMicros, &buffer)
            buffer.append(0x0A)

            if buffer.count >= 1 << 20 {
                try handle.write(contentsOf: buffer)  // throws on a full disk, where write(_:) traps
                written += buffer.count
                buffer.removeAll(keepingCapacity: true)
            }
        }
        try handle.write(contentsOf: buffer)
        return written + buffer.count
    }

    /// Microseconds as milliseconds with three decimals.
    private func appendMillis(_ micros: Int64, _ buffer: inout [UInt8]) {
        TextBytes.appendInteger(Int(micros / 1000), to: &buffer)
        buffer.append(0x2E)
        let fraction = Int(micros % 1000)
        buffer.append(UInt8(48 + fraction / 100))
        buffer.append(UInt8(48 + fraction / 10 % 10))
        buffer.append(UInt8(48 + fraction % 10))
    }

    private func uuidBytes(_ random: inout SeededRandom) -> [UInt8] {
        let hex = Array("0123456789abcdef".utf8)
        var bytes = [UInt8](repeating: 0x2D, count: 36)
        var bits = random.next()
        var more = random.next()
        for position in 0..<36 where ![8, 13, 18, 23].contains(position) {
            bytes[position] = hex[Int(bits & 0xF)]
            bits = bits >> 4 | (more & 0xF) << 60
            more >>= 4
        }
        return bytes
    }
}
