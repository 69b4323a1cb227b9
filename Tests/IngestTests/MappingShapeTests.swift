import Foundation
import GRDB
import Store
import Testing

@testable import Ingest

/// The probe shapes of docs/mappings.md ("Shapes"), each a fixture written here from that description
/// and ingested through one mapping, with its exact counts and values.
@Suite struct MappingShapeTests {
    private func mapping(_ text: String) throws -> Mapping {
        try Mapping(json: Data(text.utf8), origin: "m.json")
    }

    /// Records nested in arrays: `results.<wait>[rep][pair].first_result`, one source object giving
    /// 2 waits x 2 repetitions x 2 pairs = 8 invocations, with the keys the wildcards matched.
    @Test func recordsNestedInArrays() throws {
        let workspace = try Workspace()
        var waits: [String] = []
        for (wait, base) in [("0.5", 1_600_000_000.0), ("10", 1_600_000_100.0)] {
            let reps = (0..<2).map { rep in
                let pairs = (0..<2).map { pair in
                    let begin = base + Double(rep * 10 + pair)
                    return
                        #"{"first_result": {"begin": \#(begin), "end": \#(begin + 0.25), "#
                        + #""id": "w\#(wait)-\#(rep)-\#(pair)"}}"#
                }
                return "[" + pairs.joined(separator: ", ") + "]"
            }
            waits.append(#""\#(wait)": [\#(reps.joined(separator: ", "))]"#)
        }
        try workspace.write(
            "nested.json", #"{"function": "sleep", "results": {\#(waits.joined(separator: ", "))}}"# + "\n")
        let mapping = try mapping(
            """
            {"input": "json", "explode": "results.*.*.*",
             "fields": {"provider": {"const": "aws"}, "function": "/function",
               "request_id": "first_result.id",
               "request_sent_ms": {"path": "first_result.begin", "unit": "epoch_s"},
               "round_trip_ms": {"sql": "v('first_result.end') - v('first_result.begin')", "unit": "s"},
               "delay_s": {"key": 1}, "extra.rep": {"key": 2}, "extra.pair": {"key": 3}}}
            """)
        let summary = try workspace.ingest(["nested.json"], options: .init(mapping: mapping)).summary
        #expect(summary.records == 8 && summary.rejected == 0)
        let rows = try workspace.rows(
            "SELECT function, request_id, request_sent_ms, round_trip_ms, delay_s, extra FROM invocation_view "
                + "ORDER BY id"
        )
        #expect(rows.map { $0["function"] as String } == Array(repeating: "sleep", count: 8))
        #expect(
            rows.map { $0["request_id"] as String } == [
                "w0.5-0-0", "w0.5-0-1", "w0.5-1-0", "w0.5-1-1", "w10-0-0", "w10-0-1", "w10-1-0", "w10-1-1",
            ])
        #expect(rows.map { $0["delay_s"] as Double } == [0.5, 0.5, 0.5, 0.5, 10, 10, 10, 10])
        #expect(rows.map { $0["round_trip_ms"] as Double } == Array(repeating: 250, count: 8))
        #expect(rows[3]["request_sent_ms"] as Double == 1_600_000_011_000)
        #expect(rows[3]["extra"] as String == #"{"pair":1,"rep":1}"#)
    }

    /// Values that live in the file's path: runtime, memory and batch size from the name.
    @Test func valuesFromTheFilePath() throws {
        let workspace = try Workspace()
        try workspace.write(
            "runs/nodejs12_512mb_batch20.jsonl", #"{"id": "a", "t": 1}"# + "\n" + #"{"id": "b", "t": 2}"#)
        try workspace.write("runs/python38_1024mb_batch5.jsonl", #"{"id": "c", "t": 3}"#)
        let mapping = try mapping(
            """
            {"input": "json", "fields": {"provider": {"const": "gcp"}, "request_id": "id",
              "runtime": {"file": true, "regex": "([a-z]+[0-9]+)_[0-9]+mb"},
              "memory_mb": {"file": true, "regex": "_([0-9]+)mb_"},
              "batch_size": {"file": true, "regex": "batch([0-9]+)\\\\.jsonl$"}}}
            """)
        let summary = try workspace.ingest(["runs"], options: .init(mapping: mapping)).summary
        #expect(summary.records == 3 && summary.rejected == 0)
        let rows = try workspace.rows("SELECT runtime, memory_mb, batch_size FROM invocation_view ORDER BY request_id")
        #expect(rows.map { $0["runtime"] as String } == ["nodejs12", "nodejs12", "python38"])
        #expect(rows.map { $0["memory_mb"] as Int } == [512, 512, 1024])
        #expect(rows.map { $0["batch_size"] as Int } == [20, 20, 5])
    }

    /// A CSV whose header is on line 5 after a preamble, with a summary section after the data.
    @Test func csvWithAPreambleAndASummary() throws {
        let workspace = try Workspace()
        try workspace.write(
            "bench.csv",
            """
            # Benchmark export
            # tool v2.1
            # region: eu-west-1

            request,sent_ms,latency_ms,memory
            r1,1700000000000,812.5,256
            r2,1700000001000,95.25,256
            r3,1700000002000,101,256

            Summary
            mean latency,336.25
            """)
        let mapping = try mapping(
            """
            {"input": "csv", "header_line": 5, "end_at": "^Summary",
             "fields": {"provider": {"const": "azure"}, "request_id": "request",
               "request_sent_ms": "sent_ms", "round_trip_ms": "latency_ms", "memory_mb": "memory"}}
            """)
        let summary = try workspace.ingest(["bench.csv"], options: .init(mapping: mapping)).summary
        #expect(summary.records == 3 && summary.rejected == 0)
        let rows = try workspace.rows("SELECT line, round_trip_ms, memory_mb FROM invocation_view ORDER BY line")
        #expect(rows.map { $0["line"] as Int } == [6, 7, 8])
        #expect(rows.map { $0["round_trip_ms"] as Double } == [812.5, 95.25, 101])
    }

    /// Log noise between the records: skipped, not counted as rejects.
    @Test func logNoiseIsSkipped() throws {
        let workspace = try Workspace()
        try workspace.write(
            "probe.log",
            """
            INFO 2026-01-01 starting probe
            {"id": "a", "sent": 1000}
            WARN retrying in 1 s
            {"id": "b", "sent": 2000}
            INFO done
            """)
        let mapping = try mapping(
            """
            {"input": "json", "skip_lines": "^(INFO|WARN) ",
             "fields": {"provider": {"const": "aws"}, "request_id": "id", "request_sent_ms": "sent"}}
            """)
        let summary = try workspace.ingest(["probe.log"], options: .init(mapping: mapping)).summary
        #expect(summary.records == 2 && summary.rejected == 0)
        #expect(try workspace.rows("SELECT line FROM invocation_view ORDER BY line").map { $0[0] as Int } == [2, 4])
    }

    /// Arithmetic and fallbacks in SQLite expressions: a duration from two times, the id from `id` or
    /// `ID`, the VM's boot time as clock minus uptime, and its memory from kB; the VM named by boot time.
    @Test func arithmeticFallbacksAndTheVM() throws {
        let workspace = try Workspace()
        try workspace.write(
            "probe.jsonl",
            """
            {"id": "a", "begin": 1700000000.5, "end": 1700000000.75, "clock_ms": 1700000000600, "uptime_s": 3600.4, \
            "mem_kb": 2097152}
            {"ID": "b", "begin": 1700000001.0, "end": 1700000001.5, "clock_ms": 1700000001100, "uptime_s": 3601.0, \
            "mem_kb": 2097152}
            """)
        let mapping = try mapping(
            """
            {"input": "json", "keep_unmapped": false,
             "fields": {"provider": {"const": "aws"},
               "request_id": {"sql": "coalesce(v('id'), v('ID'))"},
               "function_duration_ms": {"sql": "v('end') - v('begin')", "unit": "s"},
               "vm_boot_time_ms": {"sql": "v('clock_ms') - v('uptime_s') * 1000"},
               "vm_memory_mb": {"sql": "v('mem_kb') / 1024"}}}
            """)
        let summary = try workspace.ingest(["probe.jsonl"], options: .init(mapping: mapping)).summary
        #expect(summary.records == 2 && summary.rejected == 0)
        let rows = try workspace.rows(
            "SELECT request_id, function_duration_ms, vm_key, extra FROM invocation_view ORDER BY line")
        #expect(rows.map { $0["request_id"] as String } == ["a", "b"])
        #expect(rows.map { $0["function_duration_ms"] as Double } == [250, 500])
        // Boot times 1699996400.2 s and 1699996400.1 s: the same host to the second.
        #expect(rows.map { $0["vm_key"] as String } == ["boot-1699996400", "boot-1699996400"])
        #expect(rows.map { $0["extra"] as String? } == [nil, nil])
        let vm = try workspace.rows("SELECT key_source, memory_mb, boot_time_s FROM vm")
        #expect(vm.count == 1)
        #expect(vm[0]["key_source"] as String == "boot-time" && vm[0]["memory_mb"] as Int == 2048)
        #expect(vm[0]["boot_time_s"] as Double == 1_699_996_400)
    }

    /// A mapping that declares the paper's convention lets the ids decide where nothing stated does; a
    /// mapped flag still wins.
    @Test func aMappingDeclaresTheRequestIDConvention() throws {
        let workspace = try Workspace()
        try workspace.write(
            "probe.jsonl",
            """
            {"inst": "a", "req": "a"}
            {"inst": "a", "req": "b"}
            {"inst": "c", "req": "c", "kind": "warm"}
            """)
        for declared in [false, true] {
            let store = "store-\(declared).sqlite"
            let mapping = try mapping(
                """
                {"input": "json", "instance_named_by_first_request": \(declared),
                 "fields": {"provider": {"const": "aws"}, "instance_id": "inst", "request_id": "req",
                   "is_cold": {"path": "kind", "map": {"cold": true, "warm": false}}}}
                """)
            _ = try Ingester(store: Store(path: workspace.directory + "/" + store), options: .init(mapping: mapping))
                .run(paths: [workspace.directory + "/probe.jsonl"])
            let rows = try Store(path: workspace.directory + "/" + store).queue.read { db in
                try Row.fetchAll(db, sql: "SELECT is_cold, cold_rule FROM invocation_view ORDER BY line")
            }
            let expected: [(Int?, String)] =
                declared
                ? [
                    (1, "request-id-equals-instance-id"), (0, "request-id-equals-instance-id"),
                    (0, "declared-by-source"),
                ]
                : [(nil, "unknown"), (nil, "unknown"), (0, "declared-by-source")]
            #expect(rows.map { $0[0] as Int? } == expected.map(\.0))
            #expect(rows.map { $0[1] as String } == expected.map(\.1))
        }
    }

    /// Bad input: a field no record has, a path pattern that never matches, an explode over a number,
    /// a division by zero. Each is a reject naming the mapping and the key, with the record's line;
    /// the other records go on.
    @Test func mistakesNameTheMappingTheKeyAndTheLine() throws {
        let workspace = try Workspace()
        try workspace.write(
            "probe.jsonl",
            """
            {"id": "a", "results": [{"n": 4, "d": 2}], "t": 1}
            {"id": "b", "results": 7, "t": 2}
            {"id": "c", "results": [{"n": 1, "d": 0}, {"n": 9, "d": 3}], "t": 3}
            """)
        let mapping = try mapping(
            """
            {"input": "json", "explode": "results.*",
             "fields": {"provider": {"const": "aws"}, "request_id": "/id",
               "region": "colo",
               "runtime": {"file": true, "regex": "_(node|python)[0-9]+"},
               "factorial_ms": {"sql": "v('n') / v('d')"}}}
            """)
        let summary = try workspace.ingest(["probe.jsonl"], options: .init(mapping: mapping)).summary
        let rejects = try workspace.rejects().map { "\($0.line.map(String.init) ?? "-"): \($0.reason)" }
        let path = String((workspace.directory + "/probe.jsonl").prefix(60))  // as much of it as a message shows
        #expect(summary.records == 0)
        #expect(
            rejects
                == [
                    "-: mapping m.json, 'fields.region': no record of this file has 'colo'",
                    "1: mapping m.json, 'fields.runtime': 'TMP/probe.jsonl' does not match /_(node|python)[0-9]+/",
                    "2: explode: step 1 ('*') meets '7', not an array or object",
                    "3: mapping m.json, 'fields.factorial_ms': the expression gave no value although every value it "
                        + "reads is present (a division by zero?)",
                    "3: mapping m.json, 'fields.runtime': 'TMP/probe.jsonl' does not match /_(node|python)[0-9]+/",
                ].map { $0.replacingOccurrences(of: "TMP/probe.jsonl", with: path) })
    }
}
