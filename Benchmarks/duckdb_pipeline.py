"""The DuckDB anchor: a faas_measure log into a DuckDB database file, then the cold and warm start
latency median and p99 by runtime x memory. Prints runtime,memory,cold,median,p99 lines.

Usage: duckdb_pipeline.py LOG DATABASE
"""
import sys

import duckdb

log, database = sys.argv[1], sys.argv[2]
names = ["round", "batch", "tasks", "worker", "region", "runtime", "memory", "function", "instance_id", "request_id",
         "vm_id", "procfs_id", "vm_private_ip", "vm_public_ip", "instance_ip", "uptime_idle", "cpu",
         "function_start", "function_end", "function_duration", "request_sent", "response_received", "round_trip"]
types = {name: "VARCHAR" for name in names}
types.update({"round": "INTEGER", "batch": "INTEGER", "tasks": "INTEGER", "worker": "INTEGER", "memory": "INTEGER",
              "function_start": "DOUBLE", "function_end": "DOUBLE", "function_duration": "DOUBLE",
              "request_sent": "DOUBLE", "response_received": "DOUBLE", "round_trip": "DOUBLE"})
connection = duckdb.connect(database)
connection.execute(f"""
    CREATE TABLE invocation AS SELECT * FROM read_csv(?, delim = '#', header = false, quote = '', escape = '',
        columns = {{{", ".join(f"'{n}': '{t}'" for n, t in types.items())}}})
    """, [log])
rows = connection.execute("""
    SELECT runtime, memory, (request_id = instance_id)::INTEGER AS cold,
           quantile_cont(function_start - request_sent, 0.5), quantile_cont(function_start - request_sent, 0.99)
    FROM invocation GROUP BY ALL ORDER BY ALL
    """).fetchall()
for runtime, memory, cold, median, p99 in rows:
    print(f"{runtime},{memory},{cold},{median!r},{p99!r}")
