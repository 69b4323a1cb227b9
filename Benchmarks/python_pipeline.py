"""The hand-written Python anchor: split a faas_measure log's lines, insert them into SQLite with
executemany in one transaction, then the cold and warm start latency median and p99 by runtime x
memory (type-7 quantiles). Prints runtime,memory,cold,median,p99 lines.

Usage: python_pipeline.py LOG DATABASE
"""
import sqlite3
import sys

log, database = sys.argv[1], sys.argv[2]
connection = sqlite3.connect(database)
connection.execute("""
    CREATE TABLE invocation (runtime TEXT, memory INTEGER, function TEXT, instance_id TEXT, request_id TEXT, vm_id TEXT,
                             function_start REAL, request_sent REAL, response_received REAL)""")


def rows():
    with open(log, encoding="utf-8") as lines:
        for line in lines:
            f = line.rstrip("\n").split("#")
            yield f[5], int(f[6]), f[7], f[8], f[9], f[10], float(f[-6]), float(f[-3]), float(f[-2])


with connection:
    connection.executemany("INSERT INTO invocation VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows())


def quantile(values, p):
    """Type 7: h = (n - 1)p, x[floor h] + (h - floor h)(x[ceil h] - x[floor h])."""
    h = (len(values) - 1) * p
    low = int(h)
    high = min(low + 1, len(values) - 1)
    return values[low] + (h - low) * (values[high] - values[low])


groups = {}
for runtime, memory, cold, latency in connection.execute(
        "SELECT runtime, memory, request_id = instance_id, function_start - request_sent FROM invocation"):
    groups.setdefault((runtime, memory, cold), []).append(latency)
for (runtime, memory, cold), values in sorted(groups.items()):
    values.sort()
    print(f"{runtime},{memory},{cold},{quantile(values, 0.5)!r},{quantile(values, 0.99)!r}")
