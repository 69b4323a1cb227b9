import Foundation

/// Runs the built `analyze` executable, which sits beside the test bundle.
enum AnalyzeCommand {
    static let executable = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        .appendingPathComponent("analyze").path

    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    static func start(_ arguments: [String], in directory: String) throws -> (Process, Pipe, Pipe) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        return (process, out, err)
    }

    static func run(_ arguments: [String], in directory: String) throws -> Result {
        let (process, out, err) = try start(arguments, in: directory)
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }
}

func temporaryDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "analyze-e2e-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// Writes faas_measure logs of a plain workload: requests every 5 ms over a pool of instances on
/// 50 VMs, a new instance (cold start) on every tenth request. Deterministic for a seed.
struct LogGenerator {
    struct Written {
        var lines = 0
        var coldStarts = 0
    }

    static func write(path: String, lines: Int, seed: UInt64) throws -> Written {
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        var state = seed
        func next() -> UInt64 {  // SplitMix64
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        let runtimes = ["python2.7", "nodejs6.10", "java8"]
        var pool: [(id: String, vm: Int)] = []
        var written = Written()
        var buffer = ""
        buffer.reserveCapacity(1 << 20)
        for i in 0..<lines {
            let runtime = runtimes[i % 3]
            let memory = 128 << (i / 3 % 4)
            let instance: String, request: String, vm: Int
            if pool.isEmpty || i % 10 == 0 {
                (instance, vm) = ("inst-\(seed)-\(i)", Int(next() % 50))
                request = instance
                pool.append((instance, vm))
                if pool.count > 500 { pool.removeFirst() }
                written.coldStarts += 1
            } else {
                (instance, vm) = pool[Int(next() % UInt64(pool.count))]
                request = "req-\(seed)-\(i)"
            }
            let sent = 1_514_764_800_000 + i * 5
            let start = sent + 20 + Int(next() % 300)
            let end = start + 5 + Int(next() % 50)
            buffer += "\(i / 100)#\(i % 100)#10#\(i % 10)#us-east-1#\(runtime)#\(memory)#fn-\(runtime)#\(instance)#\(request)"
            buffer += "#sandbox-root-\(vm)#sandbox-\(i % 7)#10.0.\(vm).1#None#172.16.0.\(i % 200)#\(5000 + i / 100).25,9000.5"
            buffer += "#2,Intel(R) Xeon(R) CPU E5-2680 v2 @ 2.80GHz#\(start).5#\(end)#\(end - start)#\(sent)#\(end + 12)#\(end + 12 - sent)\n"
            written.lines += 1
            if buffer.utf8.count > 1 << 20 {
                handle.write(Data(buffer.utf8))
                buffer.removeAll(keepingCapacity: true)
            }
        }
        handle.write(Data(buffer.utf8))
        return written
    }
}
