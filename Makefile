# One build configuration for everything: optimized, with testing enabled, so that `make test`
# and `make ingest` share one build and the end-to-end tests run at real speed.
SWIFT_FLAGS := -c release -Xswiftc -enable-testing
BIN_DIR = $(shell swift build $(SWIFT_FLAGS) --show-bin-path)
ANALYZE = $(BIN_DIR)/analyze
DB ?= analyze.sqlite

.PHONY: build test ingest report compare compare-rerun simulated bench clean

build:
	swift build $(SWIFT_FLAGS) --product analyze

# Build, ingest everything under Datasets/ into a fresh store, list the snapshots.
ingest: build
	rm -f $(DB) $(DB)-wal $(DB)-shm
	$(ANALYZE) ingest Datasets --db $(DB)
	$(ANALYZE) snapshots --db $(DB)

# The main job: ingest, then write Reports/<snapshot>/ (report.md, figures/*.svg, metrics.csv).
# The comparisons come first, so that the index (Reports/README.md) lists them.
report: ingest
	rm -rf Reports/*/
	$(MAKE) --no-print-directory compare
	$(ANALYZE) report --db $(DB) --out Reports

# Reports/compare-simulated-2017-vs-2018: cold starts of the Google and Azure profiles, 2017 against
# their May 2018 reruns (known: 4x and 15x faster), each year simulated with its own seed at full scale.
compare: build
	rm -rf .compare Reports/compare-simulated-2017-vs-2018
	for year in 2017 2018; do \
		for provider in google azure; do \
			$(ANALYZE) simulate --profile $$provider-$$year --experiments coldstart --out .compare/$$year --seed $$year --scale 1 > /dev/null || exit 1; \
		done; \
		$(ANALYZE) ingest .compare/$$year --snapshot simulated-$$year --db .compare/db.sqlite > /dev/null || exit 1; \
	done
	$(ANALYZE) metrics --db .compare/db.sqlite > /dev/null
	$(ANALYZE) compare simulated-2017 simulated-2018 --db .compare/db.sqlite --out Reports/compare-simulated-2017-vs-2018
	rm -rf .compare
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
PROFILES := aws-2017 azure-2017 google-2017 aws-2018 azure-2018 google-2018
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
	rm -rf .build .build-bench .compare $(DB) $(DB)-wal $(DB)-shm
