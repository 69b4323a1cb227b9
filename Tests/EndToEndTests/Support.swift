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
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        return (process, out, err)
    }

    static func run(_ arguments: [String], in directory: String) throws -> Result {
        let (process, out, err) = try start(arguments, in: directory)
        // Drain stderr on another thread: a child that fills one pipe while we wait on the other would block forever.
        nonisolated(unsafe) var stderr = Data()
        let drained = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            stderr = err.fileHandleForReading.readDataToEndOfFile()
            drained.signal()
        }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        drained.wait()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }
}

func temporaryDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "analyze-e2e-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// Writes a faas_measure log of `lines` invocations with `analyze simulate --records` and counts in
/// the file itself, independently of the ingest, what the store should end up with.
struct GeneratedLog {
    let path: String
    var lines = 0
    /// Lines whose request id equals the instance id (fields 9 and 8): the instances' first requests.
    var coldStarts = 0
    var runtimes: [String: Int] = [:]

    init(lines count: Int, seed: UInt64, into directory: String, name: String) throws {
        let run = try AnalyzeCommand.run(
            ["simulate", "--records", String(count), "--seed", String(seed), "--out", directory], in: directory)
        guard run.status == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: run.stderr])
        }
        path = directory + "/" + name
        try FileManager.default.moveItem(atPath: directory + "/records.log", toPath: path)

        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        var partial: [UInt8] = []
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            partial.append(contentsOf: chunk)
            var start = 0
            for index in partial.indices where partial[index] == UInt8(ascii: "\n") {
                tally(partial[start..<index])
                start = index + 1
            }
            partial.removeFirst(start)
        }
    }

    private mutating func tally(_ line: ArraySlice<UInt8>) {
        let fields = line.split(separator: UInt8(ascii: "#"), omittingEmptySubsequences: false)
        lines += 1
        if fields[8] == fields[9] { coldStarts += 1 }
        runtimes[String(decoding: fields[5], as: UTF8.self), default: 0] += 1
    }
}
