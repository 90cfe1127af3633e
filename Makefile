# LossCast's two commands: `make demo` and `make test`. Both install what is missing
# (Debian's libopenblas-dev, zlib1g-dev and libzstd-dev, and Python's safetensors for the cross-reader test), build
# in release mode (numeric code is 10-100x slower in debug), then run.
SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# -enable-testing lets release-built tests use @testable import.
SWIFT_FLAGS := -c release -Xswiftc -enable-testing
LOSSCAST := .build/release/losscast

.PHONY: demo test test-second-kernel build build-tests deps python-deps bench format format-check clean

# OpenBLAS for the numeric stack; zlib and Zstandard for Parquet's GZIP and ZSTD pages.
DEBIAN_PACKAGES := libopenblas-dev pkg-config zlib1g-dev libzstd-dev

deps:
	@if ! pkg-config --exists openblas zlib libzstd 2>/dev/null || ! [ -f /usr/include/x86_64-linux-gnu/openblas-pthread/cblas.h -o -f /usr/include/cblas.h ]; then \
		echo "== installing $(DEBIAN_PACKAGES)"; \
		$(SUDO) apt-get update -qq; \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(DEBIAN_PACKAGES) >/dev/null; \
	fi

python-deps:
	@python3 -c 'import safetensors, numpy' 2>/dev/null || { \
		echo "== installing Python's safetensors (an independent reader for the checkpoint tests)"; \
		python3 -m pip install -q --disable-pip-version-check safetensors numpy 2>&1 | grep -v WARNING || true; }

build: deps
	swift build $(SWIFT_FLAGS) --product losscast

# One build of everything, tests included, that `swift test --skip-build` then runs: building
# with `swift build` and then `swift test` alternates two configurations that rebuild each other.
build-tests: deps
	swift build $(SWIFT_FLAGS) --build-tests

demo: build
	$(LOSSCAST) demo

# Tests run under the OpenBLAS kernel losscast selects for this CPU (unless the user set
# OPENBLAS_CORETYPE), one process per core (Tools/test/run.sh deals whole test classes to
# them), and end with a "N passed, N failed" line. FILTER narrows them (an extended regex over
# Module.Class/test) and SKIP leaves some out; the suite is told which kernel it runs under
# and checks it.
FILTER ?=
SKIP ?=
test: build-tests python-deps
	@kernel=$${OPENBLAS_CORETYPE:-$$($(LOSSCAST) doctor --kernel)}; \
	echo "== tests under the OpenBLAS kernel $$kernel$(if $(FILTER), (only $(FILTER)))"; \
	bash Tools/test/run.sh "$$kernel" '$(FILTER)' '$(SKIP)'

# The numeric tests once more under a second kernel, which sums float32 products in another
# order: a tolerance that holds on one kernel only fails here. CI runs `make test` then this.
# Numeric means touching BLAS: tensors, autograd, optimizers, the predictor, the backtests,
# every test of them, the slowest comparisons included (about 4.5 minutes since the law fits
# share predictions). Left out: the law fits (Double arithmetic, no BLAS) and the CLI tests
# (the binary they start settles its own kernel).
NUMERIC_TESTS := TensorsTests|AutogradTests|OptimizationTests|PredictorTests|BacktestTests|LearnedBackendTests
SECOND_KERNEL ?= Haswell
test-second-kernel:
	@OPENBLAS_CORETYPE=$(SECOND_KERNEL) $(MAKE) --no-print-directory test FILTER='$(NUMERIC_TESTS)'

bench: build
	bash Tools/bench/run.sh

# swift-format (in the Swift toolchain) with the checked-in .swift-format: layout only, line
# length 140, every lint rule off. `make format` rewrites in place; `make format-check` lists
# what it would change and fails if anything would.
FORMATTED := Package.swift Sources Tests Tools/bench
format:
	swift format --in-place --recursive --parallel $(FORMATTED)

format-check:
	@changed=0; for file in $$(git ls-files $(FORMATTED) | grep '\.swift$$'); do \
		swift format "$$file" | cmp -s - "$$file" || { echo "not formatted: $$file"; changed=1; }; \
	done; exit $$changed

clean:
	rm -rf .build demo-output
