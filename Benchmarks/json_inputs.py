"""The JSON inputs of `make bench`: one set of invocations written twice, as canonical JSON Lines and in
a probe's own nested shape with the mapping that reads it (docs/mappings.md), so that the built-in
reader and a mapping are timed on the same records.

Usage: json_inputs.py RECORDS DIRECTORY   (writes canonical.jsonl, probe.jsonl, probe.mapping.json)
"""
import json
import os
import random
import sys

MAPPING = {
    "input": "json",
    "fields": {
        "provider": {"const": "aws"},
        "function": "fn",
        "runtime": "rt",
        "memory_mb": "mem",
        "request_id": "req.id",
        "instance_id": "inst",
        "request_sent_ms": {"path": "t.sent", "unit": "epoch_s"},
        "function_start_ms": {"path": "t.start", "unit": "epoch_s"},
        "round_trip_ms": {"sql": "v('t.end') - v('t.sent')", "unit": "s"},
        "is_cold": {"path": "kind", "map": {"cold": True, "warm": False}},
    },
}


def main():
    count, directory = int(sys.argv[1]), sys.argv[2]
    os.makedirs(directory, exist_ok=True)
    rng = random.Random(2018)
    with open(os.path.join(directory, "canonical.jsonl"), "w") as canonical, \
            open(os.path.join(directory, "probe.jsonl"), "w") as probe:
        for index in range(count):
            sent = 1_514_764_800_000 + index * 10
            cold = index % 10 == 0
            start = sent + (rng.uniform(100, 400) if cold else rng.uniform(5, 40))
            end = start + rng.uniform(1, 20)
            runtime, memory = ("python2.7", "nodejs6")[index % 2], (128, 512, 1536)[index % 3]
            instance = f"i{index // 10}"
            canonical.write(json.dumps({
                "provider": "aws", "function": f"f{index % 6}", "runtime": runtime, "memory_mb": memory,
                "request_id": f"r{index}", "instance_id": instance, "request_sent_ms": sent,
                "function_start_ms": start, "round_trip_ms": end - sent, "is_cold": cold}) + "\n")
            probe.write(json.dumps({
                "fn": f"f{index % 6}", "rt": runtime, "mem": memory, "req": {"id": f"r{index}"}, "inst": instance,
                "t": {"sent": sent / 1000, "start": start / 1000, "end": end / 1000},
                "kind": "cold" if cold else "warm"}) + "\n")
    with open(os.path.join(directory, "probe.mapping.json"), "w") as out:
        json.dump(MAPPING, out, indent=2)


if __name__ == "__main__":
    main()
