import ArgumentParser
import Foundation
import Simulate

struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Write synthetic faas_measure runs from a platform model with known parameters.",
        discussion: """
            Each experiment of the paper becomes run directories under OUT/<profile>/<experiment>/, each \
            with manifest.json, invocations.log and truth.json (the model's parameters and what an \
            analysis should recover). Same seed, same bytes. With --records N, writes one log of N \
            invocations of a mixed workload instead, quickly, for benchmarks.
            """)

    @Option(help: "Built-in profile: \(Profile.builtInNames.joined(separator: ", ")).")
    var profile = "aws-2017"

    @Option(help: "A profile JSON file instead of a built-in one.")
    var profileFile: String?

    @Option(
        help: "Comma-separated experiments, or all: \(Experiment.allCases.map(\.rawValue).joined(separator: ", ")).")
    var experiments = "all"

    @Option(help: "Output directory.")
    var out: String

    @Option(help: "Random seed.")
    var seed: UInt64 = 1

    @Option(help: "Multiplies every experiment's repetitions (1 = the paper's sizes).")
    var scale = 1.0

    @Option(help: "Instead of experiments: write this many invocations of a mixed workload to OUT/records.log.")
    var records: Int?

    func run() throws {
        let model = try profileFile.map { try Profile.load(URL(fileURLWithPath: $0)) } ?? Profile.builtIn(profile)
        let output = URL(fileURLWithPath: out)
        let started = Date()
        if let records {
            guard records > 0 else { throw ValidationError("--records must be positive") }
            try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
            let path = output.appendingPathComponent("records.log").path
            let bytes = try RecordStream(profile: model, seed: seed).write(records: records, to: path)
            print(
                "wrote \(records) invocations (\(bytes) bytes) to \(path) in "
                    + String(format: "%.2f s", Date().timeIntervalSince(started)))
            return
        }
        guard scale > 0 else { throw ValidationError("--scale must be positive") }
        let chosen = try Experiment.parse(experiments)
        let lines = try Simulator(profile: model, seed: seed, scale: scale).run(chosen, into: output)
        print(
            "wrote \(chosen.count) experiments, \(lines) invocations, for profile \(model.name) to "
                + "\(output.path)/\(model.name) in " + String(format: "%.2f s", Date().timeIntervalSince(started)))
    }
}
