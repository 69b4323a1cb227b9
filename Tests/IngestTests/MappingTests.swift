import Foundation
import GRDB
import Store
import Testing

@testable import Ingest

/// Declarative mappings: a probe format no built-in reader knows, ingested from a mapping written
/// only from docs/mappings.md; and mapping files with mistakes, whose errors name key and line.
@Suite struct MappingTests {
    /// A made-up probe: nested keys, seconds-based epoch timestamps, microsecond durations, a VM id
    /// inside a cgroup line, a temperature spelled as text, a constant provider.
    static let probe = """
        {"req": {"id": "r-1", "sent": 1700000000.25}, "fn": {"start": 1700000000.5, "dur_us": 1500, "mem": "512"}, \
        "host": {"cgroup": "12:cpu:/sandbox-root-AbC123/x"}, "kind": "cold", "note": "first"}
        {"req": {"id": "r-2", "sent": 1700000060}, "fn": {"start": 1700000060.125, "dur_us": 250}, "host": {"cgroup": \
        "12:cpu:/sandbox-root-AbC123/x"}, "kind": "warm"}
        {"req": {"id": "r-3", "sent": 1700000120}, "fn": {"start": 1700000120.5}, "host": {"cgroup": "no sandbox \
        here"}, "kind": "cold"}
        {"req": {"id": "r-4", "sent": 1700000180}, "fn": {"start": 1700000180.5}, "host": {"cgroup": \
        "12:cpu:/sandbox-root-Z9/x"}, "kind": "lukewarm"}

        """

    static let mapping = """
        {
          "input": "json",
          "fields": {
            "provider": { "const": "aws" },
            "request_id": "req.id",
            "request_sent_ms": { "path": "req.sent", "unit": "epoch_s" },
            "function_start_ms": { "path": "fn.start", "unit": "epoch_s" },
            "function_duration_ms": { "path": "fn.dur_us", "unit": "us" },
            "memory_mb": { "path": "fn.mem", "default": 256 },
            "vm_id": { "path": "host.cgroup", "regex": "sandbox-root-([A-Za-z0-9]+)" },
            "is_cold": { "path": "kind", "map": { "cold": true, "warm": false } }
          }
        }
        """

    /// A backtracking pattern runs past its budget: the record is rejected with the reason, never
    /// given the field's default as if it had not matched (the engine's own give-up took 1.3 s).
    @Test func aBacktrackingRegexIsARejectNotADefault() throws {
        let workspace = try Workspace()
        let evil = String(repeating: "a", count: 30) + "b"
        try workspace.write(
            "probe/out.jsonl",
            """
            {"id": "r-1", "tag": "aaaa"}
            {"id": "r-2", "tag": "\(evil)"}
            {"id": "r-3", "tag": "xyz"}

            """)
        let mapping = try Mapping(
            json: Data(
                """
                {"input": "json", "fields": {"provider": {"const": "aws"}, "request_id": "id",
                  "runtime": {"path": "tag", "regex": "^(a+)+$", "default": "none"}}}
                """.utf8), origin: "evil.mapping.json")
        let started = Date()
        let summary = try workspace.ingest(["probe"], options: .init(mapping: mapping)).summary
        #expect(Date().timeIntervalSince(started) < 1.3, "the budget, not the engine's own limit, stopped it")
        #expect(summary.records == 2 && summary.rejected == 1)
        #expect(
            try workspace.rows("SELECT runtime FROM invocation_view ORDER BY line").map { $0[0] as String } == [
                "aaaa", "none",
            ])
        let reasons = try workspace.rejects().map(\.reason)
        #expect(
            reasons.count == 1
                && reasons[0].hasPrefix(
                    "mapping evil.mapping.json, 'fields.runtime': /^(a+)+$/ ran past its matching budget on 'aaaa"),
            "\(reasons)")
    }

    @Test func madeUpProbeFormatIngestsThroughAMapping() throws {
        let workspace = try Workspace()
        try workspace.write("probe/out.jsonl", Self.probe)
        let mapping = try Mapping(json: Data(Self.mapping.utf8), origin: "probe.mapping.json")
        let summary = try workspace.ingest(["probe"], options: .init(mapping: mapping)).summary
        #expect(summary.records == 2)
        #expect(summary.rejected == 2)
        let rows = try workspace.rows(
            """
            SELECT i.request_id, i.request_sent_ms, i.function_start_ms, i.function_duration_ms, f.memory_mb, \
            v.vm_key, i.is_cold, i.extra, f.provider
            FROM invocation i JOIN function f ON f.id = i.function_id LEFT JOIN vm v ON v.id = i.vm_id ORDER BY i.line
            """)
        #expect(rows.map { $0[0] as String } == ["r-1", "r-2"])
        #expect(rows.map { $0[1] as Double } == [1_700_000_000_250, 1_700_000_060_000])
        #expect(rows.map { $0[2] as Double } == [1_700_000_000_500, 1_700_000_060_125])
        #expect(rows.map { $0[3] as Double } == [1.5, 0.25])
        #expect(rows.map { $0[4] as Int } == [512, 256])
        #expect(rows.map { $0[5] as String } == ["AbC123", "AbC123"])
        #expect(rows.map { $0[6] as Int } == [1, 0])
        #expect(rows.map { $0[7] as String? } == [#"{"note":"first"}"#, nil])
        #expect(rows.map { $0[8] as String } == ["aws", "aws"])
        let rejects = try workspace.rejects()
        #expect(rejects.map(\.line) == [3, 4])
        #expect(
            rejects[0].reason
                == "mapping probe.mapping.json, 'fields.vm_id': 'no sandbox here' does not match "
                + "/sandbox-root-([A-Za-z0-9]+)/"
        )
        #expect(
            rejects[1].reason
                == "mapping probe.mapping.json, 'fields.is_cold': 'lukewarm' is not one of the mapped values "
                + "(cold, warm)"
        )
    }

    @Test func csvWithoutHeaderTimeFormatsAndExtraColumns() throws {
        let workspace = try Workspace()
        try workspace.write(
            "runs.csv",
            """
            fn-python-256,2017-06-07 02:05:00,12.5
            fn-java-1024,Wed Jun 07 2017 02:05:00 GMT+0100 (BST),900
            fn-java-1024,yesterday,900

            """)
        let mapping = try Mapping(
            json: Data(
                """
                {
                  "input": "csv", "header": false, "columns": ["name", "when", "ms"],
                  "fields": {
                    "runtime": { "path": "name", "regex": "^fn-([a-z]+)-" },
                    "memory_mb": { "path": "name", "regex": "-([0-9]+)$" },
                    "init_duration_ms": "ms",
                    "request_sent_ms": { "path": "when", "format": "yyyy-MM-dd HH:mm:ss", "timezone": "Europe/London" },
                    "extra.label": { "path": "name", "regex": "^fn-(.*)$" }
                  }
                }
                """.utf8), origin: "m.json")
        // The second row's time is JavaScript-formatted, so this mapping rejects it: the same minute written two ways.
        let summary = try workspace.ingest(["runs.csv"], options: .init(mapping: mapping)).summary
        #expect(summary.records == 1 && summary.rejected == 2)
        let row = try workspace.rows("SELECT request_sent_ms, init_duration_ms, is_cold, extra FROM invocation")[0]
        #expect(row[0] as Double == 1_496_797_500_000)  // 02:05 BST = 01:05 UTC
        #expect(row[1] as Double == 12.5)
        #expect(row[2] as Int == 1)  // an init duration means a cold start
        #expect(row[3] as String == #"{"label":"python-256"}"#)
        #expect(try workspace.rejects().map(\.line) == [2, 3])
    }

    @Test(arguments: [
        (
            #"{"input": "xml", "fields": {"runtime": "r"}}"#,
            "m.json:1: 'input': must be \"json\" (JSON Lines or concatenated JSON objects) or \"csv\""
        ),
        (
            "{\n  \"input\": \"json\",\n  \"fields\": {\n    \"runtme\": \"r\"\n  }\n}",
            "m.json:4: 'fields.runtme': not a canonical column (see docs/formats.md) nor extra.<name>"
        ),
        (
            "{\n  \"input\": \"json\",\n  \"fields\": {\n    \"memory_mb\": {\n      \"path\": \"m\",\n      "
                + "\"unit\": \"epoch_s\"\n    }\n  }\n}",
            "m.json:6: 'fields.memory_mb.unit': 'epoch_s' does not fit memory_mb (MB, GB)"
        ),
        (
            "{\n  \"input\": \"json\",\n  \"fields\": {\n    \"vm_id\": { \"path\": \"c\", \"regex\": \"([\" }\n  }\n}",
            "m.json:4: 'fields.vm_id.regex': not a valid regular expression"
        ),
        (
            "{\n  \"input\": \"json\",\n  \"fields\": {\n    \"vm_id\": { \"pth\": \"c\" }\n  }\n}",
            "m.json:4: 'fields.vm_id.pth': unknown key (known: const, default, file, format, key, map, path, regex, "
                + "required, sql, timezone, unit)"
        ),
        (
            "{\n  \"input\": \"json\",\n  \"fields\": {\n    \"round_trip_ms\": { \"sql\": \"v('end') - \" }\n  }\n}",
            "m.json:4: 'fields.round_trip_ms.sql': not a usable SQLite expression: near \")\": syntax error"
        ),
        (
            "{\n  \"input\": \"json\",\n  \"fields\": {\n    \"region\": "
                + "{ \"sql\": \"(SELECT name FROM sqlite_master)\" }\n  }\n}",
            "m.json:4: 'fields.region.sql': not a usable SQLite expression: access to sqlite_master.name is prohibited"
        ),
        (
            "{\n  \"input\": \"json\",\n  \"fields\": {\n    \"region\": { \"key\": 1 }\n  }\n}",
            "m.json:4: 'fields.region.key': needs an \"explode\" path with a '*'"
        ),
        (
            "{\"input\": \"json\", \"explode\": \"results\", \"fields\": {\"region\": \"r\"}}",
            "m.json:1: 'explode': a path with at least one '*' step (\"results.*\"), for JSON input"
        ),
        ("{\n  \"input\": \"json\",\n  \"fields\": {\n    \"region\" \"r\"\n  }\n}", "m.json:4: not valid JSON"),
    ])
    func mappingErrorsNameKeyAndLine(text: String, message: String) throws {
        #expect(throws: MappingError.self) { try Mapping(json: Data(text.utf8), origin: "m.json") }
        do {
            _ = try Mapping(json: Data(text.utf8), origin: "m.json")
        } catch {
            #expect("\(error)" == message)
        }
    }

    /// The built-in mapping is an ordinary mapping file, shipped with the tool.
    @Test func builtInMappingLoadsByName() throws {
        let mapping = try Mapping(named: "lambda-coldstart-comparison-2017")
        #expect(mapping.input == .csv && !mapping.header)
        #expect(mapping.fields.map(\.target).contains("runtime"))
    }
}

/// The splitter behind the JSON-shaped readers.
@Suite struct JSONStreamTests {
    private func parts(_ text: String, _ shape: JSONStream.Shape) -> (parts: [String], error: String?) {
        var stream = JSONStream(shape: shape)
        var parts: [String] = []
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        do {
            for (index, line) in lines.enumerated() {
                let bytes = Array(line.utf8)
                try bytes.withUnsafeBufferPointer { buffer in
                    try stream.feed(Line(number: index + 1, bytes: buffer, unterminated: false)) { part in
                        parts.append(
                            "\(part.line):\(part.key ?? "-"):\(part.isElement ? "e" : "m"):"
                                + String(decoding: part.bytes, as: UTF8.self))
                    }
                }
            }
            try stream.finish(lastLine: lines.count) { part in
                parts.append("\(part.line):" + String(decoding: part.bytes, as: UTF8.self))
            }
            return (parts, nil)
        } catch let broken as JSONStream.BrokenStructure {
            return (parts, "\(broken.line): \(broken.reason)")
        } catch {
            return (parts, "\(error)")
        }
    }

    @Test func commaSeparatedObjectsWithLeadingBlankLineAndTrailingComma() {
        let result = parts("\n{\n \"a\": \"x,}\\\"\",\n \"b\": [1, {\"c\": 2}]\n},\n{\"a\": 2},\n", .topLevelValues)
        #expect(result.error == nil)
        #expect(result.parts == ["2:-:m:{\n \"a\": \"x,}\\\"\",\n \"b\": [1, {\"c\": 2}]\n}", "6:-:m:{\"a\": 2}"])
    }

    @Test func membersOfTheTopObjectAndElementsOfItsArrays() {
        let result = parts(
            #"{"metadata": {"at": "2022"}, "n": 3, "points": [[1.5], 2, "s"], "empty": []}"#, .membersOfTopObject)
        #expect(result.error == nil)
        #expect(
            result.parts == [
                #"1:metadata:m:{"at": "2022"}"#, "1:n:m:3", "1:points:e:[1.5]", "1:points:e:2", #"1:points:e:"s""#,
            ])
    }

    @Test func truncatedAndUnbalancedTextIsReportedWithItsLine() {
        #expect(
            parts("{\"a\": 1},\n{\"a\": [2,\n", .topLevelValues).error
                == "2: the file ends inside a JSON value (truncated?)")
        #expect(parts("{\"a\": 1]}", .topLevelValues).error == "1: ']' does not match an open bracket")
        #expect(parts("[1, 2]", .membersOfTopObject).error == "1: expected a JSON object at the top level")
    }
}
