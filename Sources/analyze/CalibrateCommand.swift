import ArgumentParser
import Calibration
import Foundation
import Store

struct CalibrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "Check the simulator's profiles against the paper's numbers, with a tolerance per metric.",
        discussion: """
            Reads the paper's numbers (snapshot paper-2018), the snapshots simulated-aws-2017, \
            simulated-azure-2017 and simulated-google-2017 (every experiment at the paper's scale), and \
            simulated-aws-2018, simulated-azure-2018 and simulated-google-2018 (the May 2018 reruns' cold \
            starts), as `make ingest` writes them; analyzes those that need it. For every published number: \
            the profile parameter set from it, the model's value in truth.json, the recovered value with its CI \
            and n, and a verdict (docs/simulator.md). Exit status 1 when a calibrated number is outside its \
            tolerance or not recovered.
            """)

    @OptionGroup var store: StoreOptions

    @Option(help: "Output directory: report.md, report.html and calibration.csv.")
    var out: String

    func run() throws {
        let calibration = try Calibration(store: try Store(path: store.db, create: false))
        try CalibrationReport(calibration).write(to: URL(fileURLWithPath: out))
        let missed = calibration.rows.filter { $0.verdict == .outside || $0.verdict == .notRecovered }
        let targets = calibration.rows.filter { $0.verdict != .reference }.count
        print("wrote \(out)/report.md: \(targets - missed.count) of \(targets) calibrated numbers within tolerance")
        for row in missed {
            FileHandle.standardError.write(
                Data(
                    "\(row.verdict.rawValue): \(row.paper.provider ?? "") \(CalibrationReport.label(row.paper))\n".utf8)
            )
        }
        if !missed.isEmpty { throw ExitCode(1) }
    }
}
