"""A lambda-perf history of the size of the real one (6.7M records over 1,333 daily files, 2022-2026), for
`make bench`'s memory case: only 132 of the daily files are shipped in Datasets/lambda-perf.

Day k is the shipped file k mod 132 (in date order, so the schema versions follow each other as they did)
under the date 2022-09-01 + k days, every Init Duration moved by up to 2% (seeded), so that no two files
are the same and every snapshot group grows with the days. Days are added until the files hold RECORDS
records (an Init Duration, and the three averages of each entry, are one record each, as the reader counts).

Usage: lambda_perf_history.py RECORDS DIRECTORY
"""
import datetime
import glob
import json
import os
import random
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
INIT_DURATIONS = ("initDurations", "i")


def main():
    target, directory = int(sys.argv[1]), sys.argv[2]
    templates = [json.load(open(path)) for path in
                 sorted(glob.glob(os.path.join(ROOT, "Datasets", "lambda-perf", "data", "**", "*.json"), recursive=True),
                        key=os.path.basename)]
    os.makedirs(directory, exist_ok=True)
    rng = random.Random(2018)
    first, records, day = datetime.date(2022, 9, 1), 0, 0
    while records < target:
        document = templates[day % len(templates)]
        date = first + datetime.timedelta(days=day)
        entries = []
        for entry in document["runtimeData"]:
            entry = dict(entry)
            for key in INIT_DURATIONS:
                if key in entry:
                    entry[key] = [round(value * (1 + rng.uniform(-0.02, 0.02)), 2) for value in entry[key]]
                    records += len(entry[key]) + 3
            entries.append(entry)
        metadata = {"generatedAt": f"{date.isoformat()}T14:00:00.000Z"}
        with open(os.path.join(directory, f"{date.isoformat()}.json"), "w") as out:
            json.dump({"metadata": metadata, "runtimeData": entries}, out)
        day += 1
    print(f"{day} files, {records} records")


if __name__ == "__main__":
    main()
