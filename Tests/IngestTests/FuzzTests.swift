import Foundation
import GRDB
import Store
import Testing

@testable import Ingest
@testable import Statistics

/// Seeded mutations of valid input in every format: ingest never crashes, the store stays intact,
/// nothing is lost without a word (every line of a line-based format is a record or a reject), and
/// every line the mutations left alone is stored. Bounded: a fixed number of rounds a format, well
/// under a minute in all.
@Suite struct FuzzTests {

    /// Bytes and tokens that break parsers: separators, quotes, brackets, control bytes, invalid
    /// UTF-8, numbers no field can hold.
    static let hostile: [[UInt8]] =
        [
            "#", ",", "\"", "{", "}", "[", "]", ":", "\\", "\r", "\u{1B}", "\u{0}", "None", "-1", "1e308", "-1e300",
            "1e19",
            "NaN", "9999999999999999999999", "\u{FFFF}", "é", "<img>", String(repeating: "x", count: 3000),
        ].map { Array($0.utf8) } + [[0xFF], [0xC3], [0xED, 0xA0, 0x80]]

    /// Mutates one line: flips, deletes, inserts a hostile token, or cuts it short; it stays one line.
    static func mutate(_ line: [UInt8], _ random: inout StatisticsRandom, allowQuotes: Bool) -> [UInt8] {
        mutateBytes(line, &random, allowQuotes: allowQuotes).filter { $0 != UInt8(ascii: "\n") }
    }

    static func mutateBytes(_ bytes: [UInt8], _ random: inout StatisticsRandom, allowQuotes: Bool) -> [UInt8] {
        var line = bytes
        for _ in 0...random.index(below: 3) {
            let position = line.isEmpty ? 0 : random.index(below: line.count)
            switch random.index(below: 4) {
            case 0 where !line.isEmpty: line[position] ^= UInt8(1 << random.index(below: 8))
            case 1 where !line.isEmpty:
                line.removeSubrange(position..<min(line.count, position + 1 + random.index(below: 8)))
            case 2:
                var token = hostile[random.index(below: hostile.count)]
                if !allowQuotes { token.removeAll { $0 == UInt8(ascii: "\"") } }
                line.insert(contentsOf: token, at: position)
            default: line = Array(line.prefix(position))
            }
        }
        return allowQuotes ? line : line.filter { $0 != UInt8(ascii: "\"") }
    }

    /// Ingests `lines` (some mutated) and checks the invariants; `id` finds an untouched line's record.
    /// Returns the number of rejects, so that a caller can see the mutations reached the reject paths.
    @discardableResult
    private func check(
        format: Format, name: String, header: String?, lines: [[UInt8]], mutated: Set<Int>,
        idColumn: String, ids: [String]
    ) throws -> Int {
        let workspace = try Workspace()
        var bytes: [UInt8] = header.map { Array(($0 + "\n").utf8) } ?? []
        for line in lines { bytes += line + [UInt8(ascii: "\n")] }
        try workspace.write(name, bytes: bytes)
        let (summary, events) = try workspace.ingest([name], options: .init(snapshot: "fuzz", format: format))
        #expect(summary.failed == 0, "\(events)")
        #expect(try workspace.int("SELECT count(*) FROM pragma_integrity_check WHERE integrity_check = 'ok'") == 1)
        // Blank lines are neither; every other line is one or the other.
        let blank = lines.filter { $0.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D } }.count
        #expect(summary.records + summary.rejected == lines.count - blank, "\(format): \(summary)")
        let stored = Set(try workspace.rows("SELECT \(idColumn) FROM invocation_view").compactMap { $0[0] as String? })
        for index in lines.indices where !mutated.contains(index) {
            #expect(stored.contains(ids[index]), "\(format): untouched line \(index + 1) lost")
        }
        return summary.rejected
    }

    @Test(arguments: [Format.faasMeasure, .jsonLines, .csv])
    func lineFormatsLoseNothing(format: Format) throws {
        var random = StatisticsRandom(seed: 2018 + UInt64(format.rawValue.count))
        var rejected = 0
        for round in 0..<150 {
            let count = 30
            let ids = (0..<count).map { "req-\(round)-\($0)" }
            var lines: [[UInt8]] = ids.enumerated().map { index, id in
                let sent = 1_514_764_800_000 + index * 1000
                switch format {
                case .faasMeasure:
                    var line = LogLine()
                    line.request = id
                    line.timing = ["\(sent + 100).5", "\(sent + 200)", "99.5", "\(sent)", "\(sent + 260)", "260"]
                    return Array(line.text.utf8)
                case .jsonLines:
                    return Array(
                        (#"{"provider":"aws","function":"f","runtime":"python3.12","memory_mb":128,"#
                            + #""request_id":"\#(id)","request_sent_ms":\#(sent),"function_start_ms":\#(sent + 150),"#
                            + #""response_received_ms":\#(sent + 300),"is_cold":false}"#)
                            .utf8)
                default:
                    return Array("aws,f,python3.12,128,\(id),\(sent),\(sent + 150),\(sent + 300)".utf8)
                }
            }
            var mutated = Set<Int>()
            for _ in 0..<random.index(below: 8) {
                let index = random.index(below: count)
                mutated.insert(index)
                lines[index] = Self.mutate(lines[index], &random, allowQuotes: format != .csv)
            }
            rejected += try check(
                format: format, name: format == .csv ? "fuzz.csv" : format == .jsonLines ? "fuzz.jsonl" : "fuzz.log",
                header: format == .csv
                    ? "provider,function,runtime,memory_mb,request_id,request_sent_ms,function_start_ms,"
                        + "response_received_ms"
                    : nil,
                lines: lines, mutated: mutated, idColumn: "request_id", ids: ids)
        }
        #expect(rejected > 100, "the mutations reach the reject paths")
    }

    /// CSV quotes may join lines into one record by design, so only the store's integrity and the
    /// absence of a crash are checked; and so for the public collections' whole-file JSON.
    @Test func quotesAndCollectionsNeverCrash() throws {
        var random = StatisticsRandom(seed: 7)
        let datasets = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Datasets")
        let samples: [(Format, String, [UInt8])] = try [
            (
                .lambdaPerf, "2026-01-01.json",
                Array(
                    Data(contentsOf: datasets.appendingPathComponent("lambda-perf/data/2026-01-01.json")).prefix(20_000)
                )
            ),
            (
                .faasParallelism, "aws/run-experiment/results/sleep_size=50.json",
                Array(
                    Data(
                        contentsOf: datasets.appendingPathComponent(
                            "faas-parallelism-benchmark-2020/aws/run-experiment/results/sleep_size=50.json")
                    ).prefix(20_000))
            ),
            (
                .mikhailio, "history/2019-03-27_x/data/coldstart_aws_interval.json",
                Array(
                    Data(
                        contentsOf: datasets.appendingPathComponent(
                            "mikhailio-coldstarts/history/2019-03-27_ec1429c/data/coldstart_aws_interval.json")))
            ),
            (
                .csv, "q.csv",
                Array("provider,function,request_sent_ms,note\naws,f,1,\"a\nb\"\naws,g,2,x\naws,h,3,\"\"\"\"\n".utf8)
            ),
            (
                .metricsCSV, "m.csv",
                Array(
                    ("metric,provider,runtime,memory_mb,setting,statistic,value,unit,n\ncoldstart.latency_ms,aws,java8,"
                        + "128,,median,167,ms,10\n")
                        .utf8)
            ),
        ]
        for (format, name, original) in samples {
            for _ in 0..<80 {
                let workspace = try Workspace()
                var bytes = original
                for _ in 0...random.index(below: 6) {
                    bytes = Self.mutateBytes(bytes, &random, allowQuotes: true)
                    if bytes.isEmpty { bytes = original }
                }
                try workspace.write(name, bytes: bytes)
                _ = try workspace.ingest([name], options: .init(snapshot: "fuzz", format: format))
                #expect(
                    try workspace.int("SELECT count(*) FROM pragma_integrity_check WHERE integrity_check = 'ok'") == 1)
            }
        }
    }
}
