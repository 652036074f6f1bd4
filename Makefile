# t2i: the two set-up commands are `make prepare` (main job on the embedded demo data) and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
.DEFAULT_GOAL := build
APT_PACKAGES := libhdf5-dev libcurl4-openssl-dev libjpeg-dev libturbojpeg0-dev libpng-dev \
                libsqlite3-dev libopenblas-dev pkg-config wrk
VENV := .venv
PYTHON := $(VENV)/bin/python
SWIFT_BUILD_FLAGS ?=

.PHONY: deps apt venv build release test bench bench-venv bench-prepare bench-prepare-memory prepare status train evaluate clean tensor-fixtures

deps: apt venv

# Installs only what is missing; non-interactive and idempotent.
apt:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing:" $$missing; \
	  SUDO=$$( [ $$(id -u) -eq 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	else echo "system packages: all present"; fi

venv: $(VENV)/.stamp
$(VENV)/.stamp: scripts/requirements.txt
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install -q --disable-pip-version-check -r scripts/requirements.txt
	touch $@

build:
	swift build $(SWIFT_BUILD_FLAGS) 2>&1 | scripts/check-build-log.sh

release:
	swift build -c release $(SWIFT_BUILD_FLAGS) 2>&1 | scripts/check-build-log.sh

# The main job on the embedded default: makes the demo dataset when missing, serves it on a free
# loopback port, and prepares it into work/demo/shards. Interrupt it and run it again to resume.
PIPELINE ?= Pipelines/demo.toml
prepare: apt release
	.build/release/t2i prepare --pipeline $(PIPELINE) $(PREPARE_ARGS)

status:
	.build/release/t2i status --pipeline $(PIPELINE)

# A short GAN-INT-CLS run on the demo shards (configs/train-demo.json; docs/training.md has its settings and time),
# then the caption-following evaluation. Interrupt and rerun to resume from the checkpoint.
TRAIN_CONFIG ?= configs/train-demo.json
train: prepare
	.build/release/t2i train --config $(TRAIN_CONFIG)

evaluate:
	.build/release/t2i evaluate --checkpoint work/train-demo/checkpoint.t2it --classifier work/evaluate-classifier.t2it

test: venv build
	swift test $(SWIFT_BUILD_FLAGS) 2>&1 | scripts/check-build-log.sh

# Benchmarks: every scripts/bench/*.sh in name order, each printing its figures and the
# comparison it makes. Python references come from the same pinned virtualenv.
bench: venv bench-venv
	swift build -c release $(SWIFT_BUILD_FLAGS) 2>&1 | scripts/check-build-log.sh
	@for b in scripts/bench/*.sh; do echo "== $$b"; bash $$b || exit 1; done

bench-venv: $(VENV)/.bench-stamp
$(VENV)/.bench-stamp: scripts/requirements-bench.txt $(VENV)/.stamp
	$(PYTHON) -m pip install -q --disable-pip-version-check -r scripts/requirements-bench.txt
	touch $@

# PyTorch reference values for TensorTests (committed; tests never need torch).
tensor-fixtures: bench-venv
	$(PYTHON) scripts/tensor_reference.py

# Whole prepare vs img2dataset 1.47 on the same demo host and URL list.
bench-prepare: venv bench-venv release
	bash scripts/bench/60-prepare.sh

# Peak memory of an 82,783-image demo prepare (renders the images once, about 5 GB).
bench-prepare-memory: release
	bash scripts/bench-prepare-memory.sh

clean:
	rm -rf .build fixtures work
