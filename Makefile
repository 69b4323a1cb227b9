# One build configuration for everything: optimized, with testing enabled, so that `make test`
# and `make ingest` share one build and the end-to-end tests run at real speed.
SWIFT_FLAGS := -c release -Xswiftc -enable-testing
BIN_DIR = $(shell swift build $(SWIFT_FLAGS) --show-bin-path)
ANALYZE = $(BIN_DIR)/analyze
DB ?= analyze.sqlite

.PHONY: build test ingest report compare compare-rerun trend simulated bench clean

build:
	swift build $(SWIFT_FLAGS) --product analyze

# Build, ingest the real data under Datasets/ and the simulated snapshots (below) into a fresh store,
# list the snapshots.
ingest: build
	rm -f $(DB) $(DB)-wal $(DB)-shm
	rm -rf $(SIMULATED)
	$(MAKE) --no-print-directory -j2 $(addprefix $(SIMULATED)/,$(PROFILES))
	$(ANALYZE) ingest $(filter-out Datasets/simulated/,$(wildcard Datasets/*/)) $(SIMULATED) --db $(DB)
	rm -rf $(SIMULATED)
	$(ANALYZE) snapshots --db $(DB)

# The simulated snapshots: every built-in profile at the paper's scale (scale 1), seeded by its year, in
# $(SIMULATED)/<profile>/ (docs/simulator.md). The 2018 profiles model the May 2018 rerun, which measured
# cold starts only. Datasets/simulated (scale 0.05) is the tests' small sample, not read here.
PROFILES := aws-2017 azure-2017 google-2017 aws-2018 azure-2018 google-2018
SIMULATED := .simulated
$(SIMULATED)/%:
	$(ANALYZE) simulate --profile $* --out $(SIMULATED) --seed $(lastword $(subst -, ,$*)) --scale 1 \
		--experiments $(if $(findstring 2018,$*),coldstart,all) > /dev/null

# The main job: ingest, then write Reports/<snapshot>/ (report.md, figures/*.svg, metrics.csv).
# The comparisons and trends come first, so that the index (Reports/README.md) lists them.
report: ingest
	rm -rf Reports/*/
	$(MAKE) --no-print-directory compare trend
	$(ANALYZE) report --db $(DB) --out Reports

# Reports/trend-lambda-perf: lambda-perf's Init Durations month by month, 2022-09 .. 2026-08 (the five yearly
# snapshots split by month); Reports/trend-mikhailio: the 18 dated mikhail.io snapshots, 2019-2021 (docs/trend.md).
trend: build
	rm -rf Reports/trend-lambda-perf Reports/trend-mikhailio
	$(ANALYZE) trend --snapshots 'lambda-perf-*' --by month --db $(DB) \
		--out Reports/trend-lambda-perf --title "lambda-perf Init Durations by month, 2022-2026" > /dev/null
	$(ANALYZE) trend --snapshots 'mikhailio-*' --db $(DB) \
		--out Reports/trend-mikhailio --title "mikhail.io cold starts by snapshot, 2019-2021" > /dev/null

# Reports/compare-simulated-2017-vs-2018: the three 2017 profiles, read as one, against their May 2018
# reruns (the paper: Google 4x and Azure 15x faster, AWS unchanged), from the simulated reports' snapshots;
# then Reports/simulator-calibration, the profiles against the paper's numbers. Both read $(DB) (`make ingest`).
compare: build
	rm -rf Reports/compare-simulated-2017-vs-2018 Reports/simulator-calibration
	$(ANALYZE) compare simulated-aws-2017+simulated-azure-2017+simulated-google-2017 \
		simulated-aws-2018 simulated-azure-2018 simulated-google-2018 \
		--db $(DB) --out Reports/compare-simulated-2017-vs-2018
	$(ANALYZE) calibrate --db $(DB) --out Reports/simulator-calibration
	$(MAKE) --no-print-directory compare-rerun

# Reports/compare-2018-vs-rerun: the paper's numbers against the newest real data, read as one B: the
# 2020 FaaS Parallelism Benchmark and the 2026 days of lambda-perf (AWS Init Durations; read as the
# paper's cold-start latency, Python 3.14 as its Python 2.7, Java 25 as its Java 8: labelled
# cross-definition). Two snapshots, so that each is analyzed on its own runs.
compare-rerun: build
	rm -rf .compare Reports/compare-2018-vs-rerun && mkdir -p .compare
	$(ANALYZE) ingest Datasets/paper-2018 --db .compare/db.sqlite > /dev/null
	$(ANALYZE) ingest Datasets/faas-parallelism-benchmark-2020 --snapshot faas-parallelism-2020 --db .compare/db.sqlite > /dev/null
	$(ANALYZE) ingest Datasets/lambda-perf/data/2026-*.json --format lambda-perf --snapshot lambda-perf-2026 --db .compare/db.sqlite > /dev/null
	$(ANALYZE) compare paper-2018 faas-parallelism-2020 lambda-perf-2026 --db .compare/db.sqlite --out Reports/compare-2018-vs-rerun \
		--metric-as coldstart.init_duration_ms=coldstart.latency_ms --runtime-as python314=python2.7 --runtime-as java25=java8
	rm -rf .compare

# Regenerates Datasets/simulated: every experiment of every built-in profile, small scale, fixed seed.
simulated: build
	rm -rf Datasets/simulated
	for profile in $(PROFILES); do \
		$(ANALYZE) simulate --profile $$profile --out Datasets/simulated --seed 2017 --scale 0.05 || exit 1; \
	done

# Not part of `make test`: times ingest, metrics and report on 1M and 10M generated invocations against
# DuckDB and a plain Python pipeline (installed into .build-bench/venv), writes Benchmarks/results.md.
bench: build
	python3 Benchmarks/bench.py --analyze $(ANALYZE)

test:
	swift test $(SWIFT_FLAGS) --disable-xctest

clean:
	rm -rf .build .build-bench .compare $(SIMULATED) $(DB) $(DB)-wal $(DB)-shm
