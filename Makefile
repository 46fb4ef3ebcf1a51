# ClusterXchange: `make run` and `make test` do all the set-up (see README.md).
SHELL        := /bin/bash
.SHELLFLAGS  := -o pipefail -c
SWIFT        ?= swift
BIN_DEBUG    := .build/debug/clusterxchange
BIN_RELEASE  := .build/release/clusterxchange
TEST_PGDATA  := $(CURDIR)/.data/test-postgres
# The fault drills' own server (Tests/GrantsTests/EndToEnd/FaultDrillTests.swift), restarted by the tests.
DRILL_PGDATA := $(CURDIR)/.data/drill-postgres
PG_BINDIR    := $(shell ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
RUN_AS_PG    := $(shell [ "$$(id -u)" = 0 ] && echo "runuser -u postgres --")

.PHONY: all deps build release run reset walkthrough test test-swift test-fuzz-replay test-api test-console fuzz bench soak clean stop-test-db openapi lint format

all: build

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build

# The products only: the fuzz harnesses import Grants @testable, which a release build refuses.
# The Swift runtime and Foundation linked statically, as the image ships them: only the code the
# service uses is mapped, 6-10 MiB less resident than the shared libraries (Benchmarks/results.md).
# Always from clean: an incremental release build kept the executable's inlined size of a Postgres
# class after a private stored property was added (cross-module optimisation), and the binary
# wrote past the object (valgrind: "invalid write ... 0 bytes after a block of size 168").
release: deps
	rm -rf .build/release .build/$$(uname -m)-unknown-linux-gnu/release
	$(SWIFT) build -c release --static-swift-stdlib --product clusterxchange
	$(SWIFT) build -c release --static-swift-stdlib --product EvaluationBenchmark

## Builds, starts a private PostgreSQL when DATABASE_URL is unset, migrates, seeds demo data, serves.
run: build
	$(BIN_DEBUG) migrate
	$(BIN_DEBUG) seed --demo
	MALLOC_ARENA_MAX=$${MALLOC_ARENA_MAX:-2} exec $(BIN_DEBUG) serve

## Starts the demo over with `make run` stopped: drops every table, migrates and seeds the demo
## data again. Refused while a `serve` is connected or the database holds a user outside .example.
reset: build
	$(BIN_DEBUG) seed --demo --reset

## The README's story against a running `make run` (API=http://127.0.0.1:8080 by default).
walkthrough:
	scripts/walkthrough.sh

## Every test: Swift unit + end-to-end suites against a real PostgreSQL, then the API contract checks.
test: deps
	$(MAKE) lint
	$(SWIFT) build --build-tests
	scripts/python-tools.sh
	$(MAKE) test-swift
	$(MAKE) test-fuzz-replay
	$(MAKE) test-api
	$(MAKE) test-console

# The style in .swift-format; `make format` applies it.
lint:
	$(SWIFT) format lint --strict --recursive --parallel Package.swift Sources Tests Benchmarks

format:
	$(SWIFT) format format --in-place --recursive --parallel Package.swift Sources Tests Benchmarks

test-swift:
	@status=0; $(SWIFT) test --skip-build 2>&1 | tee .build/test-output.txt || status=$$?; \
	  CX_EXCLUSIVE_TESTS=1 $(SWIFT) test --skip-build --filter acceptBacksOffOnDescriptorExhaustionAndRecovers 2>&1 \
	    | tee .build/test-output-exclusive.txt || status=$$?; \
	  CX_EXCLUSIVE_TESTS=1 $(SWIFT) test --skip-build --filter AbuseLimitTests 2>&1 \
	    | tee .build/test-output-sockets.txt || status=$$?; \
	  CX_EXCLUSIVE_TESTS=1 $(SWIFT) test --skip-build --filter FaultDrillTests 2>&1 \
	    | tee .build/test-output-drills.txt || status=$$?; \
	  $(MAKE) --no-print-directory stop-test-db; exit $$status

## Every committed fuzz input and crasher through its harness, once, deterministically.
test-fuzz-replay:
	.build/debug/FuzzHarnesses replay Tests/Fuzz/corpus Tests/Fuzz/crashers

## libFuzzer with the address sanitizer, FUZZ_SECONDS (default 120) per target; see Tests/Fuzz/README.md.
fuzz: deps
	scripts/fuzz.sh

test-api:
	@scripts/api-checks.sh

## The web console in headless Chromium: every role's journey, axe, screenshots in .build/console.
test-console:
	@scripts/console-checks.sh

stop-test-db:
	@for d in "$(TEST_PGDATA)" "$(DRILL_PGDATA)"; do if [ -f "$$d/postmaster.pid" ]; then \
	  $(RUN_AS_PG) "$(PG_BINDIR)/pg_ctl" -D "$$d" -m fast -w stop >/dev/null 2>&1 || true; fi; done

## Rewrites openapi.json from the route declarations (a test fails while it is stale).
openapi: build
	$(BIN_DEBUG) openapi > openapi.json

## Benchmarks against the release build; figures go to Benchmarks/results.md.
bench: release
	@scripts/install-deps.sh wrk
	scripts/bench.sh

## Ten minutes of steady load with the server's RSS sampled every 30 s (Benchmarks/soak.md).
soak: release
	@scripts/install-deps.sh wrk
	scripts/soak.sh

clean:
	rm -rf .build .data
