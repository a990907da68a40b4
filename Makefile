# thingform: `make run` and `make test` work on a fresh Debian 12 machine (as root: missing system
# packages come from apt-get; Swift packages from Package.swift).
SHELL := /bin/bash
export PATH := $(PATH):/opt/swift/usr/bin

APT_PACKAGES := libyaml-dev libsqlite3-dev libssl-dev pkg-config libmosquitto-dev mosquitto mosquitto-dev mosquitto-clients python3-venv \
                librdkafka-dev libmariadb-dev mariadb-server postgresql
STATE ?= .thingform/state.db
BIN := .build/debug/thingform
# The Python device SDK from PyPI for the runtime's device tests and the README's walk-through.
VENV := .venv-sdk
# `make run`'s ports: the SDKs' own MQTT ports; HTTP on 80 (what unmodified SDKs call for dynamic
# registration and firmware) when root, else 8080. Override: make run HTTP_PORT=8081 MQTT_PORT=1884
LISTEN ?= 127.0.0.1
MQTT_PORT ?= 1883
MQTTS_PORT ?= 8883
HTTP_PORT ?= $(shell [ "$$(id -u)" -eq 0 ] && echo 80 || echo 8080)

.PHONY: deps build plugin venv run test fuzz bench bench-forwarders bench-engines bench-plan bench-ota bench-location schemas clean

## deps: install the system libraries that are missing (libyaml for the YAML reader, SQLite, OpenSSL headers).
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing:$$missing"; \
	  if [ "$$(id -u)" -ne 0 ]; then echo "Run as root (or install:$$missing)"; exit 1; fi; \
	  DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

## build: debug build of the CLI.
build: deps
	swift build --product thingform

## plugin: the mosquitto auth/ACL plugin, next to the CLI (.build/debug/libthingform-mosquitto-auth.so).
plugin: deps
	swift build --product thingform-mosquitto-auth

## venv: $(VENV) with the Python device SDK (tencent-iot-device 1.0.0). Its pycrypto pin does not
## build on Python 3.11: the SDK goes in --no-deps, with paho-mqtt 1.5.1 and pycryptodome.
venv: $(VENV)/.installed
$(VENV)/.installed: | deps
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q paho-mqtt==1.5.1 pycryptodome
	$(VENV)/bin/pip install -q --no-deps tencent-iot-device==1.0.0
	touch $@

## run: build, apply manifests/ to the embedded default state store, then run the platform runtime
## in the foreground (broker on $(LISTEN):$(MQTT_PORT) and TLS-PSK $(MQTTS_PORT), HTTP $(HTTP_PORT));
## Ctrl-C stops it. The example webhook (ops.example.com) cannot answer the Echostr handshake from
## here: it is skipped, with a warning.
run: build plugin
	$(BIN) validate manifests
	$(BIN) apply manifests --auto-approve --skip-connectivity-check --state $(STATE)
	exec $(BIN) run --state $(STATE) --listen $(LISTEN) --mqtt-port $(MQTT_PORT) --mqtts-port $(MQTTS_PORT) --http-port $(HTTP_PORT)

## test: every test (unit, CLI, kill test, the runtime with the Python SDK device).
test: deps venv
	swift build --product thingform-mosquitto-auth
	swift build --build-tests
	@set -o pipefail; swift test --skip-build --disable-swift-testing 2>&1 | tee .build/test.log
	@# The plain closing line CI reads: N passed, N failed.
	@grep -E "^\s*Executed [0-9]+ tests?, with [0-9]+ failures?" .build/test.log | tail -1 | \
	  sed -E 's/^\s*Executed ([0-9]+) tests?, with ([0-9]+) failures?.*/\1 \2/' | \
	  awk '{ print "tests: " $$1 - $$2 " passed, " $$2 " failed" }'

## fuzz: the fuzzers at length (make test runs each for seconds): FUZZ_SECONDS per fuzzer, FUZZ_SEED
## to repeat a run. A crash leaves its input in .build/fuzz/<name>.current: keep it under
## Tests/ThingformPlanTests/Fuzz/Findings/ (manifest-… or planfile-…) and it is replayed by every run.
FUZZ_SECONDS ?= 300
fuzz: deps
	swift build --build-tests
	THINGFORM_FUZZ_SECONDS=$(FUZZ_SECONDS) $(if $(FUZZ_SEED),THINGFORM_FUZZ_SEED=$(FUZZ_SEED)) \
	  swift test --skip-build --disable-swift-testing --filter 'ManifestFuzzTests|PlanFileFuzzTests'

## bench: the package-benchmark suites (release builds): no-change plan and full apply of 10,000
## products, `diff` of two 10,000-product trees (DiffBenchmarks), the ACL and CONNECT checks; then RuntimeLoad: BENCH_DEVICES devices on libmosquitto
## connect through mosquitto to a release `thingform run` and report at BENCH_RATE reports/s for
## BENCH_SECONDS s (connection rate, reports stored per second, p99 report→reply, peak memory).
BENCH_DEVICES ?= 10000
BENCH_RATE ?= 10000
BENCH_SECONDS ?= 30
bench: deps
	cd Benchmarks && swift package --disable-sandbox benchmark
	cd Benchmarks && swift build -c release --product thingform && swift build -c release --product thingform-mosquitto-auth \
	  && swift build -c release --product RuntimeLoad
	Benchmarks/.build/release/RuntimeLoad --thingform Benchmarks/.build/release/thingform \
	  --devices $(BENCH_DEVICES) --rate $(BENCH_RATE) --seconds $(BENCH_SECONDS)

## bench-forwarders (part of bench): the PostgreSQL forwarder, batched and exactly once per delivery,
## beside a plain COPY of the same rows into the same server, as a ratio measured in the same run.
## The recipe starts its own PostgreSQL 15 on a free loopback port in a scratch folder (initdb as
## postgres when root) and always stops it. BENCH_ROWS and BENCH_BATCH size the run.
PG_BIN := /usr/lib/postgresql/15/bin
bench: bench-forwarders
bench-forwarders: deps
	cd Benchmarks && swift build -c release --product ForwarderBenchmarks
	@set -e; dir=$$(mktemp -d /tmp/thingform-bench-pg.XXXXXX); \
	port=$$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'); \
	as=""; if [ "$$(id -u)" -eq 0 ]; then chown postgres "$$dir"; as="runuser -u postgres --"; fi; \
	trap '$$as $(PG_BIN)/pg_ctl -D '"$$dir"'/data -m fast -w stop >/dev/null 2>&1; rm -rf '"$$dir" EXIT; \
	echo Abc_1234 > "$$dir/pw"; if [ -n "$$as" ]; then chown postgres "$$dir/pw"; fi; \
	$$as $(PG_BIN)/initdb -D "$$dir/data" -U thingform --pwfile="$$dir/pw" --auth-host=scram-sha-256 --auth-local=trust -E UTF8 >/dev/null; \
	$$as $(PG_BIN)/pg_ctl -D "$$dir/data" -o "-p $$port -k $$dir -c listen_addresses=127.0.0.1" -l "$$dir/log" -w start >/dev/null; \
	psql -X -q -h "$$dir" -p $$port -U thingform -d postgres -c 'CREATE DATABASE bench'; \
	BENCH_PG_PORT=$$port BENCH_PG_PASSWORD=Abc_1234 /usr/bin/time -f "peak memory (max RSS): %M KiB" Benchmarks/.build/release/ForwarderBenchmarks

## bench-ota (part of bench): an upgrade task over BENCH_OTA_DEVICES simulated devices (default
## 100,000) on the OTA orchestrator and a file-backed SQLite state, with a simulated clock: version
## reports, enrolment and pushes, progress, 1 % failing and 1 % silent until they time out. Prints
## wall time, pushes/s and peak memory; fails if the task's statistics differ from the fleet's.
BENCH_OTA_DEVICES ?= 100000
bench: bench-ota
bench-ota: deps
	cd Benchmarks && swift build -c release --product OTABenchmarks
	Benchmarks/.build/release/OTABenchmarks --devices $(BENCH_OTA_DEVICES)

## bench-location (part of bench): `replay` of BENCH_LOCATION_MESSAGES GPS_Info reports (default
## 1,000,000) against BENCH_LOCATION_FENCES fences (default 10,000) with alarms stored, on a
## file-backed SQLite state; prints messages/s, the alarms stored, the location engine alone and the
## same replay without fences (where the time goes), and peak memory.
BENCH_LOCATION_MESSAGES ?= 1000000
BENCH_LOCATION_FENCES ?= 10000
bench: bench-location
bench-location: deps
	cd Benchmarks && swift build -c release --product LocationBenchmarks
	Benchmarks/.build/release/LocationBenchmarks --messages $(BENCH_LOCATION_MESSAGES) --fences $(BENCH_LOCATION_FENCES)

## bench-engines (part of bench): each engine's headline beside its peer on identical input, as a
## ratio measured in the same run (CPU time, median of rounds): ThingMessages' 20-property report
## against json.loads + a fastjsonschema validator of the same report; RuleSQL's simple filter
## against SQLite's json_extract over the same million payloads; Geofence against shapely 2's
## STRtree (GEOS) with the hit counts compared; CAM per decision with 1,000 policies (absolute).
## The anchors run in $(BENCH_VENV), built here with pinned versions; allocations per operation
## come from a preloaded counter (Benchmarks/Support/malloc_count.c).
BENCH_VENV := .venv-bench
bench: bench-engines
bench-engines: deps $(BENCH_VENV)/.installed
	cd Benchmarks && swift build -c release --product EngineBenchmarks
	@mkdir -p Benchmarks/.build/release
	cc -O2 -shared -fPIC -o Benchmarks/.build/release/libmalloc_count.so Benchmarks/Support/malloc_count.c
	@set -e; dir=$$(mktemp -d /tmp/thingform-bench-engines.XXXXXX); trap 'rm -rf '"$$dir" EXIT; \
	LD_PRELOAD=$(CURDIR)/Benchmarks/.build/release/libmalloc_count.so Benchmarks/.build/release/EngineBenchmarks \
	  --python $(BENCH_VENV)/bin/python --anchors Benchmarks/Anchors --scratch "$$dir"
$(BENCH_VENV)/.installed: | deps
	python3 -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install -q fastjsonschema==2.22.3 shapely==2.2.0 numpy==2.4.6
	touch $@

## bench-plan (part of bench): the no-change plan beside the parse floor (ParseFloor, a C reader of
## libyaml's events over the same files), and `thingform apply` from empty through the release CLI
## beside the same apply in-process, as ratios measured in the same run (medians of
## BENCH_PLAN_ROUNDS rounds), with the CLI's peak RSS at each size of BENCH_PLAN_PRODUCTS.
BENCH_PLAN_PRODUCTS ?= 10000,20000
BENCH_PLAN_ROUNDS ?= 3
bench: bench-plan
bench-plan: deps
	cd Benchmarks && swift build -c release --product thingform && swift build -c release --product ParseFloor \
	  && swift build -c release --product PlanRatios
	Benchmarks/.build/release/PlanRatios --thingform Benchmarks/.build/release/thingform --floor Benchmarks/.build/release/ParseFloor \
	  --products $(BENCH_PLAN_PRODUCTS) --rounds $(BENCH_PLAN_ROUNDS)

## schemas: regenerate the manifests' JSON Schemas under schemas/ (a test fails when they drift).
schemas: deps
	swift run thingform schemas --out schemas

clean:
	rm -rf .build .thingform Benchmarks/.build $(VENV) $(BENCH_VENV)

## bench-state (part of bench): the no-change plan and the full apply of the 10,000-product spine
## on a PostgreSQL state (a server of its own on loopback) beside the same on SQLite, in one run of
## PlanBenchmarks (target: the no-change plan on PostgreSQL under 2.5 s).
bench: bench-state
bench-state: deps
	cd Benchmarks && Support/with-postgres.sh swift package --disable-sandbox benchmark --target PlanBenchmarks --filter '.*20-feature.*'
