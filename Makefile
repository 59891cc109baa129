# LogPilot: `make render ENV=production` and `make test` set everything up on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
ENV ?= production
STAMP := $(VENV)/.installed
# The CRDs of the custom kinds our manifests use live beside the repository when available.
SHARED_CRDS := $(abspath ../shared/crds)
CRD_PATH := $(if $(wildcard $(SHARED_CRDS)),$(SHARED_CRDS),)
export LOGPILOT_CRD_PATH ?= $(CRD_PATH)

.PHONY: install render test lint golden golden-overlays bench bench-quick fuzz serve clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[service,grpc,test]'
	touch $(STAMP)

render: install
	@$(BIN)/logpilot-manifests render $(ENV)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	$(BIN)/python -m pytest -q

# Regenerates the golden files of tests/cases from `kubectl kustomize` (never edit them by hand).
golden: install
	$(BIN)/python -m tests.golden

# Regenerates tests/overlays_golden/ENV.yaml from `kubectl kustomize overlays/ENV` (never edit them by hand).
golden-overlays: install
	$(BIN)/python -m tests.golden_overlays

clean:
	rm -rf $(VENV) build *.egg-info
