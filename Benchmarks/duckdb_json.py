"""The DuckDB anchors of the JSON inputs: read the files with `read_json` into a DuckDB database file
(one row per invocation), then the median by runtime x memory. Prints the row count, then
runtime,memory,median lines, so that the bench can check both against `analyze`.

- lambda-perf DIRECTORY DATABASE: every day file under DIRECTORY (three schema versions: `r`/`runtime`,
  `m`/`memorySize`, `i`/`initDurations`), one row per Init Duration; median Init Duration.
- probe FILE DATABASE: json_inputs.py's nested probe records, one row each, with the mapping's fields
  (`round_trip_ms` = t.end - t.sent in ms); median round trip.

Usage: duckdb_json.py lambda-perf|probe INPUT DATABASE
"""
import os
import sys

import duckdb

kind, source, database = sys.argv[1], sys.argv[2], sys.argv[3]
connection = duckdb.connect(database)
if kind == "lambda-perf":
    files = sorted(os.path.join(folder, name) for folder, _, names in os.walk(source) for name in names
                   if name.endswith(".json") and name[:4].isdigit())
    connection.execute("""
        CREATE TABLE invocation AS
        WITH entry AS (
            SELECT unnest(runtimeData) AS e FROM read_json(?, columns = {'runtimeData': 'JSON[]'}, maximum_object_size = 67108864))
        SELECT coalesce(e->>'r', e->>'runtime') AS runtime, coalesce(e->>'m', e->>'memorySize')::INTEGER AS memory,
               unnest(from_json(coalesce(e->'i', e->'initDurations'), '["DOUBLE"]')) AS init_duration_ms
        FROM entry
        """, [files])
    value = "init_duration_ms"
else:
    connection.execute("""
        CREATE TABLE invocation AS
        SELECT 'aws' AS provider, fn AS function, rt AS runtime, mem AS memory, req.id AS request_id, inst AS instance_id,
               t.sent * 1000 AS request_sent_ms, t.start * 1000 AS function_start_ms,
               (t."end" - t.sent) * 1000 AS round_trip_ms, kind = 'cold' AS is_cold
        FROM read_json(?, format = 'newline_delimited')
        """, [source])
    value = "round_trip_ms"
print(connection.execute("SELECT count(*) FROM invocation").fetchone()[0])
for runtime, memory, median in connection.execute(
        f"SELECT runtime, memory, quantile_cont({value}, 0.5) FROM invocation GROUP BY ALL ORDER BY ALL").fetchall():
    print(f"{runtime},{memory},{median!r}")
