import Foundation
import GRDB
import Store
import Testing

@testable import Ingest

/// Spot checks of the readers of the public collections in `Datasets/`, against numbers computed from
/// the raw files by independent scripts (quoted with each test; Python 3 with numpy, whose default
/// quantile is type 7).
@Suite struct PublicDatasetTests {
    static let datasets = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Datasets").path

    /// Ingests a file or folder of `Datasets/` the way `make ingest` does (its manifest decides).
    private func ingest(_ relative: String, in workspace: Workspace) throws -> Ingester.Summary {
        // The manifest sits at the collection's root, so ingest the collection and pick the file by path.
        try workspace.ingest([Self.datasets + "/" + relative]).summary
    }

    // def load(f): t = open(f).read().strip().rstrip(','); return json.loads('[' + t + ']')
    // a = load('aws/run-experiment/results/sleep_warm_size=1000.json')
    // len(a), len({o['func_data']['containerID'] for o in a})           -> 1000, 791
    // g = load('gcp/run-experiment/results/sleep_size=1000.json')
    // sum(isinstance(o['func_data'], str) for o in g)                    -> 7
    // z = load('azure/run-experiment/results/sleep_size=50.json'); len({o['instance'] for o in z}) -> 4
    @Test func faasParallelismContainersErrorPagesAndTemperature() throws {
        let workspace = try Workspace()
        let summary = try ingest("faas-parallelism-benchmark-2020", in: workspace)
        #expect(summary.records == 2939 + 4179 + 2268)
        #expect(summary.rejected == 0 && summary.failed == 0)
        func file(_ name: String) -> String {
            "i.source_file_id = (SELECT id FROM source_file WHERE path LIKE '%/\(name)')"
        }
        let warm1000 = file("aws/run-experiment/results/sleep_warm_size=1000.json")
        #expect(try workspace.int("SELECT count(*) FROM invocation i WHERE \(warm1000)") == 1000)
        #expect(try workspace.int("SELECT count(DISTINCT instance_id) FROM invocation i WHERE \(warm1000)") == 791)
        // A warm run: a container's later records are warm, its first stays unknown.
        #expect(try workspace.int("SELECT count(*) FROM invocation i WHERE \(warm1000) AND is_cold = 0") == 209)
        #expect(try workspace.int("SELECT count(*) FROM invocation i WHERE \(warm1000) AND is_cold IS NULL") == 791)
        // One sandbox-root each.
        #expect(try workspace.int("SELECT count(DISTINCT vm_id) FROM invocation i WHERE \(warm1000)") == 791)
        #expect(try workspace.int("SELECT min(batch_size) FROM invocation i WHERE \(warm1000)") == 1000)
        // A cold run: every container's first record is its cold start.
        let cold100 = file("aws/run-experiment/results/work_size=100.json")
        #expect(try workspace.int("SELECT count(*) FROM invocation i WHERE \(cold100) AND is_cold = 1") == 100)
        let google1000 = file("gcp/run-experiment/results/sleep_size=1000.json")
        #expect(try workspace.int("SELECT count(*) FROM invocation i WHERE \(google1000) AND status = 'error'") == 7)
        #expect(
            try workspace.rows("SELECT DISTINCT error FROM invocation i WHERE \(google1000) AND status = 'error'").map {
                $0[0] as String
            }
                == ["HTML error page instead of the function's result: 500 Server Error"])
        let azure50 = file("azure/run-experiment/results/sleep_size=50.json")
        #expect(try workspace.int("SELECT count(DISTINCT instance_id) FROM invocation i WHERE \(azure50)") == 4)
        #expect(
            try workspace.int(
                "SELECT count(*) FROM invocation i JOIN function f ON f.id = i.function_id WHERE \(azure50) AND "
                    + "f.provider = 'azure'"
            ) == 50)
    }

    // d = json.load(open('data/2022/2022-09-04.json')); go1x 128 MB:
    // np.quantile([69.74, 91.13, 80.89, 82.28, 88.37, 78.33, 82.88, 87.68, 82.93, 92.7], .5) -> 82.905;
    // averageColdStartDuration 83.693
    // 2024: every file's lambda-perf-python312-zip-128-x86_64 'i' values pooled: 120 values, median 90.64
    @Test func lambdaPerfInitDurationsByDayAndSchema() throws {
        let workspace = try Workspace()
        let summary = try ingest("lambda-perf", in: workspace)
        #expect(summary.rejected == 0 && summary.failed == 0)
        let snapshots = try workspace.rows("SELECT name FROM snapshot ORDER BY name").map { $0[0] as String }
        #expect(
            snapshots == [
                "lambda-perf-2022", "lambda-perf-2023", "lambda-perf-2024", "lambda-perf-2025", "lambda-perf-2026",
            ])
        let go = try workspace.rows(
            """
            SELECT i.init_duration_ms FROM invocation i JOIN function f ON f.id = i.function_id JOIN experiment e ON \
            e.id = i.experiment_id
            WHERE f.runtime = 'go1x' AND f.memory_mb = 128 AND e.parameters = '{"day":"2022-09-04"}' ORDER BY i.round_no
            """
        ).map { $0[0] as Double }
        #expect(go == [69.74, 91.13, 80.89, 82.28, 88.37, 78.33, 82.88, 87.68, 82.93, 92.7])
        #expect(TypeSeven.median(go) == 82.905)
        #expect(
            try workspace.int(
                "SELECT count(*) FROM invocation WHERE is_cold = 1 AND cold_rule_id = 2 AND init_duration_ms > 0")
                == workspace.int("SELECT count(*) FROM invocation"))
        let average = try workspace.rows(
            """
            SELECT value FROM metric WHERE metric = 'coldstart.init_duration_ms' AND runtime = 'go1x' AND memory_mb = \
            128
              AND setting LIKE 'day=2022-09-04,%'
            """
        ).map { $0[0] as Double }
        #expect(average == [83.693])
        let python = try workspace.rows(
            """
            SELECT i.init_duration_ms FROM invocation i JOIN function f ON f.id = i.function_id JOIN snapshot s ON \
            s.id = i.snapshot_id
            WHERE s.name = 'lambda-perf-2024' AND f.name = 'lambda-perf-python312-zip-128-x86_64'
            """
        ).map { $0[0] as Double }
        #expect(python.count == 120)
        #expect(TypeSeven.median(python) == 90.64)
        // v2 and v3 names: architecture and packaging are fields of their own, never part of the runtime.
        let variants = Set(
            try workspace.rows(
                "SELECT DISTINCT runtime || '|' || architecture || '|' || packaging FROM function WHERE runtime LIKE "
                    + "'python312%'"
            ).map { $0[0] as String })
        #expect(
            variants == [
                "python312|x86_64|zip", "python312|arm64|zip", "python312|x86_64|image", "python312|arm64|image",
            ])
        let folded = try workspace.rows("SELECT count(*) FROM function WHERE runtime LIKE '% %'").map { $0[0] as Int }
        #expect(folded == [0])
    }

    // rows = [r for r in csv.reader(open('results.csv')) if r[0] == 'aws-coldstart-java-dev-memory-1024']
    // len(rows), np.quantile([float(r[2]) for r in rows], .5) -> 596, 534.365
    // 'Wed Jun 07 2017 02:05:00 GMT+0100 (BST)' is 2017-06-07T01:05:00Z = 1496797500000 ms
    @Test func coldstartComparison2017ThroughItsMapping() throws {
        let workspace = try Workspace()
        let summary = try ingest("lambda-coldstart-comparison-2017", in: workspace)
        #expect(summary.records == 26824 && summary.rejected == 0)
        let java = try workspace.rows(
            """
            SELECT i.function_duration_ms FROM invocation i JOIN function f ON f.id = i.function_id
            WHERE f.runtime = 'java' AND f.memory_mb = 1024 AND f.name = 'aws-coldstart-java-dev-memory-1024'
            """
        ).map { $0[0] as Double }
        #expect(java.count == 596)
        #expect(TypeSeven.median(java) == 534.365)
        let first = try workspace.rows("SELECT extra FROM invocation ORDER BY id LIMIT 1")[0][0] as String
        #expect(first == #"{"minute_ms":1496797500000,"package":"default"}"#)
        #expect(try workspace.int("SELECT count(DISTINCT json_extract(extra, '$.package')) FROM invocation") == 6)
    }

    // p = json.load(open('latest_2021-01-07_feb74c7/data/raw/coldstart_aws_python.json'))['points']
    // len(p), np.quantile([q[0] * 1000 for q in p], .5)                    -> 678, 215.43107666666666
    // s = json.load(open('.../coldstart_azure_scatter.json'))['points']; len(s), sum('blue' in q[2] for q in s) -> 300,
    // 192
    // json.load(open('.../coldstart_aws_interval.json'))['points'][6]      -> [6, 0.40606060606060607]
    // find . -name coldstart_aws_bylanguage.json | wc -l                  -> 18 (one per snapshot)
    @Test func mikhailioSamplesScatterIntervalsAndSnapshots() throws {
        let workspace = try Workspace()
        let summary = try ingest("mikhailio-coldstarts", in: workspace)
        #expect(summary.rejected == 0)
        #expect(try workspace.int("SELECT count(*) FROM snapshot") == 18)
        let latest = "(SELECT id FROM snapshot WHERE name = 'mikhailio-2021-01-07')"
        let python = try workspace.rows(
            """
            SELECT i.round_trip_ms FROM invocation i JOIN function f ON f.id = i.function_id
            WHERE i.snapshot_id = \(latest) AND f.provider = 'aws' AND f.runtime = 'python'
            """
        ).map { $0[0] as Double }
        #expect(python.count == 678)
        #expect(abs(TypeSeven.median(python) - 215.43107666666666) < 1e-9)
        #expect(
            try workspace.int(
                """
                SELECT count(*) FROM invocation i JOIN function f ON f.id = i.function_id
                WHERE i.snapshot_id = \(latest) AND f.provider = 'azure' AND f.name = 'coldstart_azure_scatter' AND \
                is_cold = 1
                """) == 192)
        let interval = try workspace.rows(
            """
            SELECT value FROM metric WHERE snapshot_id = \(latest) AND provider = 'aws' AND metric = \
            'idle.cold_probability' AND setting = 'idle=6min'
            """
        ).map { $0[0] as Double }
        #expect(interval == [0.40606060606060607])
        // Summary files are rejected whole, with their reason, before their content is read.
        let reasons = try workspace.rows("SELECT DISTINCT reason FROM rejected_record").map { $0[0] as String }
        #expect(reasons == [MikhailioReader.summaryReason])
        #expect(
            try workspace.int("SELECT count(*) FROM rejected_record WHERE path LIKE '%coldstart_aws_bylanguage.json'")
                == 18)
    }

    /// One record of the benchmark's IBM Cloud Functions part (OpenWhisk), as issue 16 describes it:
    /// the AWS shape without `containerID`, plus OpenWhisk's fields at the top level.
    private static func openWhiskRecord(start: Double, host: String, initTime: Double, memory: Int) -> String {
        """
        {
            "pystart_ms": \(start), "pyend_ms": \(start + 1500), "pyduration_ms": 1500.0,
            "ow_func_start_ms": \(start + 40), "ow_func_end_ms": \(start + 1440), "ow_func_duration_ms": 1400,
            "wait_time": 12, "init_time": \(initTime), "mem_lim": \(memory),
            "func_data": {
                "initTime_ms": \(start + 60), "endTime_ms": \(start + 1420), "duration_ms": 1360.0,
                "funcActivationID": "act-\(Int(start))", "hostname": "\(host)", "hostnameIP": "172.30.0.\(host.count)",
                "uptime": "86400.25"
            }
        },
        """
    }

    /// The IBM part: provider from the folder (or, alone, from the records), memory from `mem_lim`, the
    /// container from `hostname`, and cold exactly when `init_time > 0` (the platform's statement, not
    /// the first-record inference: a container's first record can have `init_time = 0`).
    @Test func faasParallelismIBMPart() throws {
        let workspace = try Workspace()
        let cold: [(host: String, initTime: Double)] = [
            ("wsk-a", 312.5), ("wsk-b", 0), ("wsk-a", 0), ("wsk-c", 280.25),
        ]
        let warm: [(host: String, initTime: Double)] = [("wsk-a", 0), ("wsk-a", 0), ("wsk-d", 95)]
        let text = { (records: [(host: String, initTime: Double)], memory: Int) in
            "\n"
                + records.enumerated().map { index, record in
                    Self.openWhiskRecord(
                        start: 1_588_000_000_000 + Double(index) * 100, host: record.host, initTime: record.initTime,
                        memory: memory)
                }.joined(separator: "\n") + "\n"
        }
        try workspace.write("ibm/run-experiment/results/sleep_size=4.json", text(cold, 256))
        try workspace.write("ibm/run-experiment/results/sleep_warm2_size=3.json", text(warm, 256))
        try workspace.write("alone/work2g_warm_size=50.json", text(warm, 2048))
        let summary = try workspace.ingest(["ibm", "alone"]).summary
        #expect(summary.records == 10 && summary.rejected == 0 && summary.failed == 0)
        let rows = try workspace.rows(
            """
            SELECT provider, memory_mb, instance_key, is_cold, cold_rule, init_duration_ms, batch_size, extra,
                   experiment_parameters
            FROM invocation_view ORDER BY source_path, line
            """)
        try #require(rows.count == 10)
        let records = warm + cold + warm  // paths sort: alone/, then ibm/'s cold run, then its warm2 run
        #expect(rows.map { $0["provider"] as String } == Array(repeating: "ibm", count: 10))
        #expect(rows.map { $0["memory_mb"] as Int } == [2048, 2048, 2048] + Array(repeating: 256, count: 7))
        #expect(rows.map { $0["init_duration_ms"] as Double } == records.map(\.initTime))
        #expect(rows.map { $0["is_cold"] as Int } == records.map { $0.initTime > 0 ? 1 : 0 })
        #expect(Set(rows.map { $0["cold_rule"] as String }) == ["platform-init-field"])
        #expect(rows.map { $0["instance_key"] as String } == records.map(\.host))
        #expect(rows.map { $0["batch_size"] as Int } == [50, 50, 50, 4, 4, 4, 4, 3, 3, 3])
        #expect(
            rows[3]["extra"] as String
                == #"{"ow_func_duration_ms":1400,"ow_func_end_ms":1588000001440,"ow_func_start_ms":1588000000040,"#
                + #""wait_time":12}"#
        )
        #expect((rows[7]["experiment_parameters"] as String).contains(#""intent":"warm""#))
    }

    /// One file of a collection, copied out of `Datasets/` (no manifest above it) to `copy`.
    struct AloneFile: Sendable, CustomTestStringConvertible {
        let source: String
        let copy: String
        let format: Format
        let provider: String
        var testDescription: String { copy }
    }

    static let aloneFiles = [
        AloneFile(
            source: "lambda-perf/data/2024/2024-01-01.json", copy: "2024-01-01.json", format: .lambdaPerf,
            provider: "aws"),
        AloneFile(
            source: "mikhailio-coldstarts/latest_2021-01-07_feb74c7/data/raw/coldstart_gcp_nodeps.json",
            copy: "data/raw/coldstart_gcp_nodeps.json", format: .mikhailio, provider: "google"),
        AloneFile(
            source: "mikhailio-coldstarts/latest_2021-01-07_feb74c7/data/coldstart_azure_scatter.json",
            copy: "coldstart_azure_scatter.json", format: .mikhailio, provider: "azure"),
        AloneFile(
            source: "faas-parallelism-benchmark-2020/aws/run-experiment/results/sleep_size=100.json",
            copy: "sleep_size=100.json", format: .faasParallelism, provider: "aws"),
        AloneFile(
            source: "faas-parallelism-benchmark-2020/azure/run-experiment/results/sleep_size=50.json",
            copy: "sleep_size=50.json", format: .faasParallelism, provider: "azure"),
        AloneFile(
            source: "faas-parallelism-benchmark-2020/gcp/run-experiment/results/sleep_size=1000.json",
            copy: "sleep_size=1000.json", format: .faasParallelism, provider: "google"),
    ]

    /// Every column of every invocation but the row id and the file's place.
    private static func records(in workspace: Workspace) throws -> [[String]] {
        try workspace.rows("SELECT * FROM invocation_view ORDER BY line, id").map { row in
            row.columnNames.filter { !["id", "source_path", "snapshot"].contains($0) }.map {
                "\(row[$0] as DatabaseValue)"
            }
        }
    }

    /// docs/formats.md, "Detection": a collection's file given alone, with no manifest and no
    /// `--format`, is read as it is with `--format` (the provider, outside its folder, from the records).
    @Test(arguments: aloneFiles) func givenAloneAsWithFormat(_ file: AloneFile) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Self.datasets + "/" + file.source))
        let detected = try Workspace()
        let forced = try Workspace()
        try detected.write(file.copy, bytes: Array(data))
        try forced.write(file.copy, bytes: Array(data))
        let summary = try detected.ingest([file.copy]).summary
        try forced.ingest([file.copy], options: .init(format: file.format))
        #expect(summary.records > 0 && summary.rejected == 0 && summary.failed == 0)
        #expect(
            try detected.rows("SELECT DISTINCT format FROM source_file").map { $0[0] as String } == [
                file.format.rawValue
            ])
        #expect(try Self.records(in: detected) == Self.records(in: forced))
        #expect(
            try detected.rows("SELECT DISTINCT provider FROM invocation_view").map { $0[0] as String } == [
                file.provider
            ])
    }

    /// The 2017 benchmark's header-less CSV, alone, is known by its first line (the built-in mapping's
    /// `detect` pattern): the same records as with `--mapping`.
    @Test func builtInMappingGivenAlone() throws {
        let data = try Data(
            contentsOf: URL(fileURLWithPath: Self.datasets + "/lambda-coldstart-comparison-2017/results.csv"))
        let detected = try Workspace()
        let mapped = try Workspace()
        try detected.write("results.csv", bytes: Array(data))
        try mapped.write("results.csv", bytes: Array(data))
        let summary = try detected.ingest(["results.csv"]).summary
        try mapped.ingest(["results.csv"], options: .init(mapping: Mapping(named: "lambda-coldstart-comparison-2017")))
        #expect(summary.records == 26824 && summary.rejected == 0)
        #expect(try Self.records(in: detected) == Self.records(in: mapped))
    }

    /// Ingesting the public collections twice gives the same database: the second run adds nothing.
    @Test func ingestingTwiceChangesNothing() throws {
        let workspace = try Workspace()
        let paths = [
            "faas-parallelism-benchmark-2020", "lambda-perf", "lambda-coldstart-comparison-2017",
            "mikhailio-coldstarts",
        ]
        .map { Self.datasets + "/" + $0 }
        let first = try workspace.ingest(paths).summary
        let digest = """
            SELECT (SELECT count(*) FROM invocation), (SELECT count(*) FROM metric), (SELECT count(*) FROM \
            rejected_record),
                   (SELECT count(*) FROM source_file), (SELECT total(coalesce(init_duration_ms, 0) + \
            coalesce(round_trip_ms, 0)) FROM invocation)
            """
        let before = try workspace.rows(digest)[0]
        let second = try workspace.ingest(paths).summary
        #expect(try workspace.rows(digest)[0] == before)
        #expect(second.records == 0 && second.ingested == 0)
        #expect(second.skipped == first.ingested + first.skipped)
    }
}

/// Type-7 median, written out here so the tests do not lean on the code under test.
enum TypeSeven {
    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        let h = Double(sorted.count - 1) * 0.5
        let low = sorted[Int(h.rounded(.down))]
        let high = sorted[Int(h.rounded(.up))]
        return low + (h - h.rounded(.down)) * (high - low)
    }
}
