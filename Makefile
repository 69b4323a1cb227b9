# One build configuration for everything: optimized, with testing enabled, so that `make test`
# and `make ingest` share one build and the end-to-end tests run at real speed.
SWIFT_FLAGS := -c release -Xswiftc -enable-testing
BIN_DIR = $(shell swift build $(SWIFT_FLAGS) --show-bin-path)
ANALYZE = $(BIN_DIR)/analyze
DB ?= analyze.sqlite

.PHONY: build test ingest clean

build:
	swift build $(SWIFT_FLAGS) --product analyze

# The main job: build, ingest everything under Datasets/ into a fresh store, list the snapshots.
ingest: build
	rm -f $(DB) $(DB)-wal $(DB)-shm
	$(ANALYZE) ingest Datasets --db $(DB)
	$(ANALYZE) snapshots --db $(DB)

test:
	swift test $(SWIFT_FLAGS) --disable-xctest

clean:
	rm -rf .build $(DB) $(DB)-wal $(DB)-shm
