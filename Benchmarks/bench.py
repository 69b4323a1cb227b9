#!/usr/bin/env python3
"""End-to-end benchmark of `analyze` against two anchors a user might write instead (`make bench`).

For each size (1M and 10M invocations of `analyze simulate --records`, faas_measure format) it times:
  - `analyze ingest` into a fresh database (wall, records/s, peak RSS from /usr/bin/time -v),
  - `analyze metrics` and `analyze report` on the result (the report renders what metrics stored), and
    `analyze report` again on the same store with its stored analysis dropped (analyses included),
  - DuckDB (the `duckdb` package, in its own virtual environment): read_csv(delim='#') into a database
    file, then cold/warm latency medians and p99 by runtime x memory (duckdb_pipeline.py),
  - plain Python: split lines, sqlite3.executemany in one transaction, the same medians
    (python_pipeline.py),
and checks that the three agree on every median and p99 to the printed digit. Then the JSON readers'
pace in records/s: the public collections in Datasets/ (lambda-perf, the FaaS Parallelism Benchmark)
through their built-in readers, and 1M generated invocations as canonical JSON Lines and as a probe's
nested JSON through a mapping (json_inputs.py). Each figure is the median of several runs, after a
warm-up run of each size, left out of them; the sizes take turns, one run each. Last, every analysis
stage on the paper's experiments (`analyze simulate`'s aws-2017 profile at scales 1 and 10), since the
mixed workload leaves six of the ten stages without data. Writes Benchmarks/results.md.

Usage: bench.py --analyze PATH [--sizes 1000000,10000000] [--runs 3] [--big-runs 3] [--work DIR]
"""
import argparse
import csv
import datetime
import io
import json
import os
import platform
import re
import sqlite3
import statistics
import subprocess
import sys
import venv

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DUCKDB_VERSION = "2.0.1"
HISTORY_RECORDS = 6_700_000  # lambda-perf's whole history, 2022-09 .. 2026-04
EXPERIMENT_SCALES = (1, 10)  # `analyze simulate --scale`: 1 is the paper's sizes (913k invocations for aws-2017)
DIGITS = 4  # medians and p99 are compared and printed with 4 decimals (0.1 us)
LABELS = {"ingest": "ingest", "metrics": "metrics", "report": "report after metrics", "report_fresh": "report alone",
          "duckdb": "DuckDB", "python": "Python pipeline"}


def measure(command, env=None):
    """Runs a command under /usr/bin/time -v: wall seconds, peak RSS MB, user and system CPU seconds, stdout."""
    result = subprocess.run(["/usr/bin/time", "-v"] + command, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{result.stderr[-2000:]}")
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)", result.stderr)
    hours, minutes, seconds = int(wall.group(1) or 0), int(wall.group(2)), float(wall.group(3))
    rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr).group(1))
    user = float(re.search(r"User time \(seconds\): ([\d.]+)", result.stderr).group(1))
    system = float(re.search(r"System time \(seconds\): ([\d.]+)", result.stderr).group(1))
    return {"wall": hours * 3600 + minutes * 60 + seconds, "rss": rss_kb / 1024, "user": user, "system": system,
            "out": result.stdout}


def timed(command, env=None):
    """`measure`'s wall seconds, peak RSS MB and stdout."""
    measured = measure(command, env)
    return measured["wall"], measured["rss"], measured["out"]


def remove_store(path):
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)


def duckdb_python(work):
    """A virtual environment with duckdb, made once."""
    env_dir = os.path.join(work, "venv")
    python = os.path.join(env_dir, "bin", "python")
    if not os.path.exists(python):
        venv.create(env_dir, with_pip=True)
        subprocess.run([python, "-m", "pip", "install", "--quiet", f"duckdb=={DUCKDB_VERSION}"], check=True)
    return python


def ours_medians(analyze, db):
    """Cold and warm latency median and p99 by runtime x memory from `analyze metrics`."""
    out = subprocess.run([analyze, "metrics", "--db", db, "--format", "csv"], capture_output=True, text=True,
                         check=True).stdout
    medians = {}
    for row in csv.DictReader(io.StringIO(out)):
        if row["metric"] not in ("coldstart.latency_ms", "warmstart.latency_ms") or not row["runtime"]:
            continue
        if row["statistic"] not in ("median", "p99"):
            continue
        cold = 1 if row["metric"].startswith("cold") else 0
        medians[(row["runtime"], int(row["memory_mb"]), cold, row["statistic"])] = float(row["value"])
    return medians


def anchor_medians(stdout):
    """runtime,memory,cold,median,p99 lines printed by the anchors."""
    medians = {}
    for line in stdout.strip().splitlines():
        runtime, memory, cold, median, p99 = line.split(",")
        medians[(runtime, int(memory), int(cold), "median")] = float(median)
        medians[(runtime, int(memory), int(cold), "p99")] = float(p99)
    return medians


def same(a, b):
    return a.keys() == b.keys() and all(f"{a[k]:.{DIGITS}f}" == f"{b[k]:.{DIGITS}f}" for k in a)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--analyze", required=True)
    parser.add_argument("--sizes", default="1000000,10000000")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure for sizes up to 1M")
    parser.add_argument("--big-runs", type=int, default=3, help="runs per figure above 1M")
    parser.add_argument("--work", default=os.path.join(ROOT, ".build-bench"))
    parser.add_argument("--out", default=os.path.join(HERE, "results.md"))
    args = parser.parse_args()
    args.source = source_state()
    os.makedirs(args.work, exist_ok=True)
    analyze = os.path.abspath(args.analyze)
    python_duckdb = duckdb_python(args.work)
    sizes = []
    for size in [int(s) for s in args.sizes.split(",")]:
        data_dir = os.path.join(args.work, f"records-{size}")
        log = os.path.join(data_dir, "records.log")
        if not os.path.exists(log):
            subprocess.run([analyze, "simulate", "--records", str(size), "--seed", "2018", "--out", data_dir],
                           check=True)
        sizes.append({"size": size, "log": log, "runs": args.runs if size <= 1_000_000 else args.big_runs,
                      "figures": {key: [] for key in FIGURES}, "stage_runs": [], "agree": True, "groups": 0})
    # One warm-up run of each size first, left out of the medians: the first 10M run of a session was
    # the slowest in every figure (notes.md, step 26), with its input coming into the page cache. It
    # cannot keep memory backed for the runs after it: this VM hands memory freed for a few seconds
    # back to its host (step 30). Then the sizes take turns, one run each, so that a slower spell of
    # the machine falls on every size alike rather than on the one that ran then (the 10M/1M ratio
    # is a target).
    for state in sizes:
        print(f"{state['size']:,} records, warm-up run", file=sys.stderr)
        warm_up = {**state, "figures": {key: [] for key in FIGURES}, "stage_runs": []}
        one_run(analyze, python_duckdb, warm_up, args)
        state["warm_up"] = warm_up["figures"]
        state["agree"] = warm_up["agree"]
    for run in range(max(state["runs"] for state in sizes)):
        for state in sizes:
            if run < state["runs"]:
                print(f"{state['size']:,} records, run {run + 1}/{state['runs']}", file=sys.stderr)
                one_run(analyze, python_duckdb, state, args)
    results = [{"size": state["size"], "size_mb": os.path.getsize(state["log"]) / 1e6, "runs": state["runs"],
                "groups": state["groups"], "agree": state["agree"], "warm_up": state["warm_up"],
                "stages": {title: statistics.median(run[title] for run in state["stage_runs"])
                           for title in state["stage_runs"][0]},
                **{key: statistics.median(values) for key, values in state["figures"].items()},
                **{key + "_all": values for key, values in state["figures"].items()}}
               for state in sizes]
    json_results = json_readers(analyze, args)
    history = lambda_perf_history(analyze, args)
    experiments = experiment_stages(analyze, args)
    write(results, json_results, history, experiments, args)
    if not all(r["agree"] for r in results):
        sys.exit("the three pipelines disagree on some median (see stderr)")


def source_state():
    """The commit measured, read before the runs, and whether the tree differed from it (the notes and
    results aside: they do not change what runs)."""
    try:
        commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True).stdout.strip()
        changed = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--", ".", ":!Benchmarks/results.md",
                                  ":!Benchmarks/notes.md"], capture_output=True, text=True).stdout.strip()
    except OSError:
        return "an unknown commit (no git)"
    if not commit:
        return "an unknown commit (not a git checkout)"
    return f"commit {commit}" + (" with uncommitted changes" if changed else "")


OURS = ("ingest", "metrics", "report", "report_fresh")
FIGURES = tuple(f"{key}{suffix}" for key in OURS for suffix in ("", "_rss", "_user", "_system")) + (
    "duckdb", "duckdb_rss", "python", "python_rss")


def record(figures, key, command):
    """Runs one of our commands: its wall time, peak RSS and user and system CPU time join the figures."""
    measured = measure(command)
    for suffix, field in (("", "wall"), ("_rss", "rss"), ("_user", "user"), ("_system", "system")):
        figures[key + suffix].append(measured[field])


def one_run(analyze, python_duckdb, state, args):
    """One run of every pipeline on one size's log, its figures appended to the size's state."""
    log, figures = state["log"], state["figures"]
    db = os.path.join(args.work, "analyze.sqlite")
    remove_store(db)
    record(figures, "ingest", [analyze, "ingest", log, "--db", db])
    record(figures, "metrics", [analyze, "metrics", "--db", db, "--format", "csv"])
    state["stage_runs"].append(stage_seconds(db))
    record(figures, "report", [analyze, "report", "--db", db, "--out", os.path.join(args.work, "report")])
    with sqlite3.connect(db) as connection:  # no current analysis: the report runs every stage itself
        connection.execute("DELETE FROM analysis")
    record(figures, "report_fresh", [analyze, "report", "--db", db, "--out", os.path.join(args.work, "report")])
    ours = ours_medians(analyze, db)
    duck_db = os.path.join(args.work, "duck.db")
    for path in (duck_db, duck_db + ".wal"):
        if os.path.exists(path):
            os.remove(path)
    wall, rss, out = timed([python_duckdb, os.path.join(HERE, "duckdb_pipeline.py"), log, duck_db])
    figures["duckdb"].append(wall)
    figures["duckdb_rss"].append(rss)
    duck = anchor_medians(out)
    py_db = os.path.join(args.work, "python.sqlite")
    remove_store(py_db)
    wall, rss, out = timed([sys.executable, os.path.join(HERE, "python_pipeline.py"), log, py_db])
    figures["python"].append(wall)
    figures["python_rss"].append(rss)
    plain = anchor_medians(out)
    state["groups"] = len(ours) // 2
    state["agree"] = state["agree"] and same(ours, duck) and same(ours, plain) and len(ours) > 0
    if not state["agree"]:
        for key in sorted(ours.keys() | duck.keys() | plain.keys()):
            print(key, ours.get(key), duck.get(key), plain.get(key), file=sys.stderr)


def stage_seconds(db):
    """Each analysis stage's seconds as `analyze metrics` stored them (analysis_stage), by title in stage order."""
    with sqlite3.connect(db) as connection:
        return dict(connection.execute("SELECT title, seconds FROM analysis_stage ORDER BY position").fetchall())


def stages(results):
    """Per-stage seconds at each size, and how each grows from the smallest size to the largest."""
    if not results or not results[0]["stages"]:
        return []
    first, last = results[0], results[-1]
    lines = ["", "## Analysis stages, this run", "",
             "Seconds of each stage of `analyze metrics` (median of the runs), as it stores them in `analysis_stage`. "
             "Two stages run at once on two connections, so the stages add up to more than the wall time.", "",
             "| stage | " + " | ".join(f"{r['size']:,} (s)" for r in results)
             + (f" | {last['size'] // first['size']}x records: time ratio |" if len(results) > 1 else " |"),
             "|---|" + "---:|" * len(results) + ("---:|" if len(results) > 1 else "")]
    for title in first["stages"]:
        cells = [f"{r['stages'].get(title, 0):.2f}" for r in results]
        if len(results) > 1:
            base = first["stages"][title]
            cells.append(f"{last['stages'].get(title, 0) / base:.1f}" if base >= 0.05 else "(under 0.05 s)")
        lines.append(f"| {title} | " + " | ".join(cells) + " |")
    return lines


def stored_records(db):
    """Invocations in the store."""
    with sqlite3.connect(db) as connection:
        return connection.execute("SELECT count(*) FROM invocation").fetchone()[0]


def json_readers(analyze, args):
    """Each JSON reader's pace, with DuckDB's read_json on the same files where it has an anchor: a list of
    dicts (label, records, seconds, all, and duckdb, duckdb_all, duckdb_rows for the anchored ones)."""
    generated = os.path.join(args.work, "json-1000000")
    if not os.path.exists(os.path.join(generated, "probe.mapping.json")):
        subprocess.run([sys.executable, os.path.join(HERE, "json_inputs.py"), "1000000", generated], check=True)
    lambda_perf = os.path.join(ROOT, "Datasets", "lambda-perf")
    probe = os.path.join(generated, "probe.jsonl")
    cases = [
        ("lambda-perf, built-in reader (Datasets/lambda-perf)", [lambda_perf], ("lambda-perf", lambda_perf)),
        ("FaaS Parallelism Benchmark, built-in reader (Datasets/faas-parallelism-benchmark-2020)",
         [os.path.join(ROOT, "Datasets", "faas-parallelism-benchmark-2020")], None),
        ("canonical JSON Lines, built-in reader (1M generated)", [os.path.join(generated, "canonical.jsonl")], None),
        ("the same records in a probe's nested JSON, through a mapping",
         [probe, "--mapping", os.path.join(generated, "probe.mapping.json")], ("probe", probe)),
    ]
    python = duckdb_python(args.work)
    db = os.path.join(args.work, "json.sqlite")
    duck = os.path.join(args.work, "json.duckdb")
    # Runs alternate between the cases (run 1 of each, then run 2 of each...), so that a slow spell of the
    # machine does not fall on one case only.
    times = {label: [] for label, _, _ in cases}
    anchor_times = {label: [] for label, _, _ in cases}
    anchor_rows, records = {}, {}
    for run in range(args.runs):
        for label, arguments, anchor in cases:
            print(f"JSON: {label}, run {run + 1}/{args.runs}", file=sys.stderr)
            remove_store(db)
            times[label].append(timed([analyze, "ingest", "--db", db] + arguments)[0])
            records[label] = stored_records(db)
            if anchor:
                remove_store(duck)
                seconds, _, out = timed([python, os.path.join(HERE, "duckdb_json.py"), anchor[0], anchor[1], duck])
                anchor_times[label].append(seconds)
                anchor_rows[label] = int(out.split()[0])
    results = []
    for label, _, anchor in cases:
        result = {"label": label, "records": records[label], "seconds": statistics.median(times[label]),
                  "all": times[label]}
        if anchor:
            result.update(duckdb=statistics.median(anchor_times[label]), duckdb_all=anchor_times[label],
                          duckdb_rows=anchor_rows[label])
        results.append(result)
    return results


def lambda_perf_history(analyze, args):
    """Issue 18's second memory case: a JSON snapshot of the size of lambda-perf's whole history (6.7M
    records, generated from the shipped days by lambda_perf_history.py), ingested once; metrics, report after
    metrics and report alone (stored analysis dropped), each with its wall time and peak RSS."""
    directory = os.path.join(args.work, f"lambda-perf-history-{HISTORY_RECORDS}")
    if not os.path.exists(directory):
        subprocess.run([sys.executable, os.path.join(HERE, "lambda_perf_history.py"), str(HISTORY_RECORDS),
                        directory + ".tmp"], check=True)
        os.rename(directory + ".tmp", directory)
    db = os.path.join(args.work, "history.sqlite")
    remove_store(db)
    print("JSON snapshot of lambda-perf's size: ingest, metrics, report", file=sys.stderr)
    result = {"files": len(os.listdir(directory))}
    result["ingest"], result["ingest_rss"], _ = timed([analyze, "ingest", directory, "--format", "lambda-perf",
                                                       "--db", db])
    result["records"] = stored_records(db)
    result["metrics"], result["metrics_rss"], _ = timed([analyze, "metrics", "--db", db, "--format", "csv"])
    report = os.path.join(args.work, "history-report")
    result["report"], result["report_rss"], _ = timed([analyze, "report", "--db", db, "--out", report])
    with sqlite3.connect(db) as connection:
        connection.execute("DELETE FROM analysis")
    result["report_fresh"], result["report_fresh_rss"], _ = timed([analyze, "report", "--db", db, "--out", report])
    remove_store(db)
    return result


def targets(results, history):
    """The issue's targets against this run's medians, met or missed."""
    def status(met):
        return "met" if met else "missed"
    lines = ["", "## Targets (issues 8 and 18), this run", "", "| target | measured | status |", "|---|---|---|"]
    by_size = {r["size"]: r for r in results}
    small = by_size.get(1_000_000)
    if small:
        ratio = small["ingest"] / small["duckdb"]
        lines.append(f"| `analyze ingest` of 1M at or below DuckDB's wall time | {small['ingest']:.2f} s against "
                     f"{small['duckdb']:.2f} s: "
                     f"ratio {ratio:.2f} | {status(ratio <= 1)} |")
        lines.append(f"| `analyze ingest` of 1M within 2x of DuckDB's wall time (issue 18) | ratio {ratio:.2f} | "
                     f"{status(ratio <= 2)} |")
        speedup = small["python"] / small["ingest"]
        lines.append(f"| ingest at least 4x faster than the Python pipeline | {small['python']:.2f} s / "
                     f"{small['ingest']:.2f} s = {speedup:.2f}x | "
                     f"{status(speedup >= 4)} |")
        lines.append(f"| `analyze report` on 1M under 2 s | after metrics {small['report']:.2f} s; alone (analyses "
                     f"included) {small['report_fresh']:.2f} s | after metrics {status(small['report'] < 2)}, alone "
                     f"{status(small['report_fresh'] < 2)} |")
    analyses = ", ".join([f"metrics {r['metrics_rss']:.0f} MB and report alone {r['report_fresh_rss']:.0f} MB at "
                          f"{r['size']:,}"
                          for r in results] + [f"metrics {history['metrics_rss']:.0f} MB and report alone "
                                               f"{history['report_fresh_rss']:.0f} MB on the JSON snapshot"])
    under = all(r["metrics_rss"] < 1024 and r["report_fresh_rss"] < 1024 for r in results + [history])
    lines.append(f"| `metrics` and `report` alone under 1 GB peak RSS (issue 18; the JSON snapshot "
                 f"is lambda-perf's size, below) | {analyses} | {status(under)} |")
    rss = ", ".join(f"{r['ingest_rss']:.0f} MB at {r['size']:,}" for r in results)
    lines.append(f"| ingest peak RSS under 150 MB at every size | {rss} | "
                 f"{status(all(r['ingest_rss'] < 150 for r in results))} |")
    big = by_size.get(10_000_000)
    if small and big:
        parts = [f"{LABELS[key]} {big[key] / small[key]:.1f}x" for key in OURS]
        linear = all(big[key] / small[key] <= 10 for key in OURS)
        # The anchors' growth in the same run, beside ours (not judged): how this VM treated the 10M runs.
        anchors = ", ".join(f"{name} {big[key] / small[key]:.1f}x"
                            for name, key in (("DuckDB", "duckdb"), ("Python pipeline", "python")))
        lines.append(f"| 10M no worse than linear (at most 10x the 1M time) | {', '.join(parts)} (the anchors in the "
                     f"same run: {anchors}) | {status(linear)} |")
        lines += cpu_lines(small, big)
    return lines


def cpu_lines(small, big):
    """The same runs' CPU time at 1M and 10M: the program's own work (user) apart from the kernel's (system)."""
    def ratio(key):
        return f"{big[key] / small[key]:.1f}x" if small[key] > 0 else "(none at 1M)"
    lines = ["", "The same runs in CPU time (medians, seconds, summed over the threads, so that it can exceed the "
             "wall time): user time is the program's own work, system time the kernel's on its behalf (page "
             "faults, copies into and out of the page cache). Both vary from run to run on this VM, the kernel's "
             "most; a 1M system time of a few hundredths of a second makes its ratio rough.", "",
             "| command | user 1M | user 10M | ratio | system 1M | system 10M | ratio |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for key in OURS:
        lines.append(f"| {LABELS[key]} | {small[key + '_user']:.2f} | {big[key + '_user']:.2f} | "
                     f"{ratio(key + '_user')} "
                     f"| {small[key + '_system']:.2f} | {big[key + '_system']:.2f} | {ratio(key + '_system')} |")
    return lines


def json_targets(json_results):
    """Issue 18's JSON targets and issue 16's mapped pace against this run's medians."""
    by_label = {r["label"].split(",")[0]: r for r in json_results}
    lambda_perf, mapped = by_label["lambda-perf"], json_results[-1]
    canonical = by_label["canonical JSON Lines"]
    ratio = lambda_perf["seconds"] / lambda_perf["duckdb"]
    pace = mapped["records"] / mapped["seconds"]
    builtin = {"lambda-perf": lambda_perf["records"] / lambda_perf["seconds"],
               "canonical JSON Lines": canonical["records"] / canonical["seconds"]}
    rows_agree = all(r["duckdb_rows"] == r["records"] for r in json_results if "duckdb" in r)
    return ["", "| JSON target | measured | status |", "|---|---|---|",
            f"| lambda-perf within 3x of DuckDB's read_json | {lambda_perf['seconds']:.2f} s against "
            f"{lambda_perf['duckdb']:.2f} s: ratio {ratio:.2f} | {'met' if ratio <= 3 else 'missed'} |",
            f"| mapped JSON at least as fast as the built-in readers on large inputs | {pace:,.0f} records/s against "
            + ", ".join(f"{name} {value:,.0f}" for name, value in builtin.items())
            + f" | {'met' if all(pace >= value for value in builtin.values()) else 'missed'} |",
            f"| DuckDB's rows equal the invocations stored | {'yes' if rows_agree else 'NO'} | "
            f"{'met' if rows_agree else 'missed'} |"]


def experiment_stages(analyze, args):
    """Issue 18's check of every stage for work that grows faster than its input: the paper's experiments
    simulated at each scale of EXPERIMENT_SCALES, ingested, then `analyze metrics` once; a list of dicts
    (scale, invocations, metrics seconds, stages by title)."""
    results = []
    db = os.path.join(args.work, "experiments.sqlite")
    for scale in EXPERIMENT_SCALES:
        directory = os.path.join(args.work, f"experiments-aws-2017-scale-{scale}")
        if not os.path.exists(directory):
            subprocess.run([analyze, "simulate", "--profile", "aws-2017", "--seed", "2018", "--scale", str(scale),
                            "--out", directory + ".tmp"], check=True, stdout=subprocess.DEVNULL)
            os.rename(directory + ".tmp", directory)
        print(f"Experiments of aws-2017 at scale {scale}: ingest, metrics", file=sys.stderr)
        remove_store(db)
        timed([analyze, "ingest", "--db", db, directory])
        seconds, _, _ = timed([analyze, "metrics", "--db", db])
        results.append({"scale": scale, "invocations": stored_records(db), "metrics": seconds,
                        "stages": stage_seconds(db)})
        remove_store(db)
    return results


def experiment_lines(experiments):
    """The stages on the paper's experiments at each scale, and whether any grows faster than linear."""
    first, last = experiments[0], experiments[-1]
    if not first["invocations"]:
        return ["", "## Every stage on the paper's experiments, this run", "", "No invocations were stored."]
    growth = last["invocations"] / first["invocations"]
    lines = ["", "## Every stage on the paper's experiments, this run", "",
             "`analyze simulate --profile aws-2017 --seed 2018 --scale S` writes every experiment of the paper "
             "(scale 1: its sizes), ingested, then `analyze metrics`, one run each; seconds of each stage as "
             f"`analysis_stage` stores them. From scale {first['scale']} to {last['scale']} the invocations grow "
             f"{growth:.1f}x; a stage whose time grew by the square of that would be quadratic.", "",
             "| stage | " + " | ".join(f"scale {e['scale']}: {e['invocations']:,} invocations (s)" for e in experiments)
             + " | time ratio | time ratio / invocation ratio |",
             "|---|" + "---:|" * (len(experiments) + 2)]
    ratios = {}  # title -> time ratio / invocation ratio, for the stages long enough to judge
    for title in first["stages"]:
        cells = [f"{e['stages'][title]:.2f}" if title in e["stages"] else "missing" for e in experiments]
        base, end = first["stages"][title], last["stages"].get(title)
        if end is None:
            ratios[title] = float("inf")
            cells += ["", ""]
        elif max(base, end) >= 0.05:
            # A stage too short to time at the small scale is judged from 5 ms, not from its noise.
            ratio = end / max(base, 0.005)
            ratios[title] = ratio / growth
            cells += [f"{ratio:.1f}", f"{ratio / growth:.2f}"]
        else:
            cells += ["(under 0.05 s)", ""]
        lines.append(f"| {title} | " + " | ".join(cells) + " |")
    lines.append("| `analyze metrics` (wall) | " + " | ".join(f"{e['metrics']:.2f}" for e in experiments)
                 + f" | {last['metrics'] / first['metrics']:.1f} | {last['metrics'] / first['metrics'] / growth:.2f} |")
    short = len(first["stages"]) - len(ratios)
    label = ("no quadratic stage (issue 18): every stage of 0.05 s or more grows at most twice as fast as its "
             f"input ({short} shorter at both scales, not judged)")
    if not ratios:
        return lines + ["", "| target | measured | status |", "|---|---|---|", f"| {label} | no stage to judge | "
                        "not measured |"]
    worst = max(ratios, key=ratios.get)
    lines += ["", "| target | measured | status |", "|---|---|---|",
              f"| {label} | largest time ratio / invocation ratio {ratios[worst]:.2f} ({worst}) | "
              f"{'met' if ratios[worst] <= 2 else 'missed'} |"]
    return lines


def history_lines(history):
    return ["", "## A JSON snapshot of lambda-perf's size, this run", "",
            f"`Benchmarks/lambda_perf_history.py` writes {history['files']:,} daily files in lambda-perf's three "
            "schema versions: the 132 shipped days in turn under consecutive dates from 2022-09-01, every Init "
            f"Duration moved by up to 2%, until they hold {HISTORY_RECORDS:,} records (the real history: 6.7M records "
            "in 1,333 files, whose runtimes and memory sizes make many small groups rather than a few large ones). "
            "One run each.", "",
            "| invocations | ingest (s) | ingest peak RSS (MB) | metrics (s) | metrics peak RSS (MB) | "
            "report after metrics (s) | report after metrics peak RSS (MB) | report alone (s) | "
            "report alone peak RSS (MB) |", "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
            f"| {history['records']:,} | {history['ingest']:.2f} | {history['ingest_rss']:.0f} | "
            f"{history['metrics']:.2f} | {history['metrics_rss']:.0f} | {history['report']:.2f} | "
            f"{history['report_rss']:.0f} | {history['report_fresh']:.2f} | {history['report_fresh_rss']:.0f} |"]


def write(results, json_results, history, experiments, args):
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")),
               platform.processor())
    memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    swift = subprocess.run(["swift", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    lines = [
        "# Benchmarks",
        "",
        f"Written by `make bench` on {datetime.date.today().isoformat()} at {args.source}. Machine: "
        f"{os.cpu_count()} cores ({cpu}), {memory_gb:.0f} GB RAM, {platform.system()} {platform.release()}; {swift}; "
        f"Python {platform.python_version()}, DuckDB {DUCKDB_VERSION}.",
        "",
        "Input: `analyze simulate --records N --seed 2018` (faas_measure `#` logs, 23 fields a line). Every figure "
        "is the median of the runs shown, after one warm-up run of each size that they leave out (the sizes then take "
        "turns, one run each, so that a slower spell of the machine falls on every size); wall time and peak RSS from "
        "`/usr/bin/time -v`. The anchors run on the same file in "
        "the same run: DuckDB reads it with `read_csv(delim='#')` into a database file and computes the cold and warm "
        "latency (function start minus request sent; cold when request id = instance id) median and p99 by runtime x "
        "memory with `quantile_cont`; the Python pipeline splits lines, inserts them with `sqlite3.executemany` in one "
        "transaction and computes the same type-7 quantiles. `analyze metrics` computes every analysis of the paper "
        "(with bootstrap CIs), not only these quantiles, and stores them; `analyze report` renders what it stored "
        "(\"report after metrics\"), or runs every analysis itself when the store has no current one "
        "(\"report alone\", timed on the same store with its stored analysis dropped).",
        "",
        "| records | input | runs | ingest (s) | records/s | ingest peak RSS (MB) | metrics (s) | "
        "metrics peak RSS (MB) | report after metrics (s) | report alone (s) | report alone peak RSS (MB) | "
        "DuckDB ingest + medians (s) | DuckDB RSS (MB) | Python pipeline (s) | Python RSS (MB) | ingest / DuckDB | "
        "Python / ingest | medians agree |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['size']:,} | {r['size_mb']:,.0f} MB | {r['runs']} | {r['ingest']:.2f} | "
            f"{r['size'] / r['ingest']:,.0f} | {r['ingest_rss']:.0f} | {r['metrics']:.2f} | {r['metrics_rss']:.0f} | "
            f"{r['report']:.2f} | {r['report_fresh']:.2f} | {r['report_fresh_rss']:.0f} | {r['duckdb']:.2f} | "
            f"{r['duckdb_rss']:.0f} | {r['python']:.2f} | {r['python_rss']:.0f} | {r['ingest'] / r['duckdb']:.2f} | "
            f"{r['python'] / r['ingest']:.2f} | "
            f"{'yes, ' + str(r['groups'] * 4) + ' values to ' + str(DIGITS) + ' decimals' if r['agree'] else 'NO'} |")
    lines += targets(results, history)
    lines += stages(results)
    lines += ["", "## JSON readers, this run", "",
              "`analyze ingest` of each input into a fresh store (wall time, including the hash of every byte and "
              "the store's indexes). The generated records are the same in both shapes; the mapping is "
              "`json_inputs.py`'s, with one SQLite expression (`round_trip_ms`).", "",
              "DuckDB's anchor (`duckdb_json.py`) reads the same files with `read_json` into a database file, one row "
              "per invocation (lambda-perf's three schema versions unnested to their Init Durations; the probe's "
              "records with the mapping's fields), then takes medians by runtime x memory; its row count must equal "
              "the invocations `analyze` stored.", "",
              "| input | records | ingest (s) | records/s | DuckDB read_json (s) | DuckDB rows | ingest / DuckDB |",
              "|---|---:|---:|---:|---:|---:|---:|"]
    for r in json_results:
        anchor = (f"{r['duckdb']:.2f} | {r['duckdb_rows']:,} | {r['seconds'] / r['duckdb']:.2f}" if "duckdb" in r
                  else "| |")
        lines.append(f"| {r['label']} | {r['records']:,} | {r['seconds']:.2f} | {r['records'] / r['seconds']:,.0f} | "
                     f"{anchor} |")
    lines += json_targets(json_results)
    lines += history_lines(history)
    lines += experiment_lines(experiments)
    lines += ["", "All runs (seconds, in order):", ""]
    for r in results:
        for key in ("ingest", "metrics", "report", "report_fresh", "duckdb", "python"):
            lines.append(f"- {r['size']:,} {LABELS[key]}: " + ", ".join(f"{v:.2f}" for v in r[key + "_all"])
                         + f" (warm-up run before them, not in the median: {r['warm_up'][key][0]:.2f})")
    for r in json_results:
        lines.append(f"- JSON, {r['label']}: " + ", ".join(f"{v:.2f}" for v in r["all"]))
        if "duckdb" in r:
            lines.append(f"- JSON, DuckDB read_json on the same: " + ", ".join(f"{v:.2f}" for v in r["duckdb_all"]))
    notes = os.path.join(HERE, "notes.md")
    if os.path.exists(notes):
        lines += ["", open(notes).read().strip()]
    with open(args.out, "w") as out:
        out.write("\n".join(lines) + "\n")
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
