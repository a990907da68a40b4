# thingform: `make run` and `make test` work on a fresh Debian 12 machine (as root: missing system
# packages come from apt-get; Swift packages from Package.swift).
SHELL := /bin/bash
export PATH := $(PATH):/opt/swift/usr/bin

APT_PACKAGES := libyaml-dev libsqlite3-dev libssl-dev pkg-config libmosquitto-dev mosquitto mosquitto-dev mosquitto-clients python3-venv
STATE ?= .thingform/state.db
BIN := .build/debug/thingform

.PHONY: deps build run test bench schemas clean

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

## run: build, then plan and apply manifests/ to the embedded default state store. The example
## webhook (ops.example.com) cannot answer the Echostr handshake from here: it is skipped, with a warning.
run: build
	$(BIN) validate manifests
	$(BIN) apply manifests --auto-approve --skip-connectivity-check --state $(STATE)
	@echo; echo "A second plan right after the apply:"; $(BIN) plan manifests --state $(STATE) --detailed-exitcode

## test: every test (unit, CLI, kill test).
test: deps
	swift build --build-tests
	@set -o pipefail; swift test --skip-build --disable-swift-testing 2>&1 | tee .build/test.log
	@# The plain closing line CI reads: N passed, N failed.
	@grep -E "^\s*Executed [0-9]+ tests?, with [0-9]+ failures?" .build/test.log | tail -1 | \
	  sed -E 's/^\s*Executed ([0-9]+) tests?, with ([0-9]+) failures?.*/\1 \2/' | \
	  awk '{ print "tests: " $$1 - $$2 " passed, " $$2 " failed" }'

## bench: the package-benchmark suites (release builds): no-change plan and full apply of 10,000 products.
bench: deps
	cd Benchmarks && swift package --disable-sandbox benchmark

## schemas: regenerate the manifests' JSON Schemas under schemas/ (a test fails when they drift).
schemas: deps
	swift run thingform schemas --out schemas

clean:
	rm -rf .build .thingform Benchmarks/.build
