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
# checkov pins old versions of packages the project uses, so it lives in its own virtualenv; the overlay tests
# run it when it is there (`make checkov` creates it).
CHECKOV_VENV := .venv-checkov
export LOGPILOT_CHECKOV ?= $(if $(wildcard $(CHECKOV_VENV)/bin/checkov),$(abspath $(CHECKOV_VENV)/bin/checkov),)

.PHONY: install install-bench checkov-install render test lint schemas golden golden-overlays golden-smp golden-refs bench-smp bench-nameref golden-yamlio bench-yamlio checkov bench bench-quick fuzz reliability soak serve proto clean realworld bench-startup bench-lint models bench-models

install: $(STAMP)

# Quiet, and on stderr only: `make render ENV=production | kubectl apply -f -` must see manifests alone.
# The byte-compile step matters because editable installs skip it and start-up time is a CLI feature.
$(STAMP): pyproject.toml
	@echo "installing into $(VENV) ..." >&2
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) >&2
	@$(BIN)/python -m pip install --quiet --upgrade pip >&2
	@$(BIN)/python -m pip install --quiet -e '.[service,grpc,test]' >&2
	@$(BIN)/python -m compileall -q logpilot_manifests service >/dev/null
	@touch $(STAMP)

render: install
	@$(BIN)/logpilot-manifests render $(ENV)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest -q

# Regenerates the JSON schemas that the fast checks read instead of importing pydantic: the kustomization
# file's and the service settings' (tests fail while they differ from the models).
schemas: install
	$(BIN)/python -m logpilot_manifests.kustomize.kustomization
	$(BIN)/python -m logpilot_server.config

# Regenerates the golden files of tests/cases from `kubectl kustomize` (never edit them by hand).
golden: install
	$(BIN)/python -m tests.golden

# checkov in its own virtualenv (the overlay and lint tests run it when present; CI installs it).
checkov-install:
	test -x $(CHECKOV_VENV)/bin/checkov || ($(PYTHON) -m venv $(CHECKOV_VENV) && $(CHECKOV_VENV)/bin/pip install --quiet checkov)

# Security scan of the rendered production overlay (skips carry their reason). Until a release publishes the
# image and production pins its digest, CKV_K8S_43 (image by digest) fails here, as lint's image-not-pinned does.
checkov: install checkov-install
	$(BIN)/logpilot-manifests render production -o $(CHECKOV_VENV)/production.yaml
	$(CHECKOV_VENV)/bin/checkov --file $(CHECKOV_VENV)/production.yaml --framework kubernetes --skip-download --compact

# Regenerates the strategic merge cases of tests/smp_cases from `kubectl kustomize` (never edit them by hand).
golden-smp: install
	$(BIN)/python -m tests.smp_golden

# Regenerates the name-reference and replacement cases (tests/nameref_cases, tests/replacement_cases) from
# `kubectl kustomize` (never edit them by hand).
golden-refs: install
	$(BIN)/python -m tests.test_nameref
	$(BIN)/python -m tests.test_replacements

# Regenerates the YAML reader/writer golden files of tests/yamlio_golden from `kubectl kustomize`.
golden-yamlio: install
	$(BIN)/python -m tests.yamlio_golden.regen

# Reading and writing 10,000 resources, against PyYAML's libyaml loader and dumper.
bench-yamlio: install
	$(BIN)/python bench/bench_yamlio.py

# Name references and replacements over 2,000 and 20,000 objects (CPU time and growth ratio).
bench-nameref: install
	$(BIN)/python bench/bench_nameref.py

# Every lint rule over 1,000, 10,000 and 20,000 resources (rules alone and the whole command), against the 2 s target.
bench-lint: install
	$(BIN)/python bench/bench_lint.py

# Typed models decoded for 1,000 to 20,000 objects, against the 0.3 s target for 10,000.
bench-models: install
	$(BIN)/python bench/bench_models.py

# Regenerates the typed models (logpilot_manifests/models/k8s and crds) from the bundled Kubernetes
# definitions and the upstream CRDs beside the repository (never edit them by hand).
models: install
	$(BIN)/python -m logpilot_manifests.models.codegen --crds $(SHARED_CRDS)

# One container patch over 5,000 Deployments, against kubectl kustomize.
bench-smp: install
	$(BIN)/python bench/bench_smp.py

# Start-up on a small overlay: render --no-validate against kubectl kustomize, alternating runs (ratio).
bench-startup: install
	$(BIN)/python bench/bench_startup.py

# Every benchmark: bench/results/<date>.json, BENCHMARKS.md and bench/plots/ (about half an hour; kubectl,
# wrk and the PostgreSQL binaries give the comparisons). BENCH_NOTE="..." is stored with the results.
BENCH_STAMP := $(VENV)/.bench-installed
$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	touch $(BENCH_STAMP)

install-bench: $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(BIN)/python bench/run_all.py $(if $(BENCH_NOTE),--note "$(BENCH_NOTE)")

# The reduced set in under 2 minutes, before a change lands (results under bench/results/quick/, not committed).
bench-quick: $(BENCH_STAMP)
	$(BIN)/python bench/run_all.py --quick

# Regenerates tests/overlays_golden/ENV.yaml from `kubectl kustomize overlays/ENV` (never edit them by hand).
golden-overlays: install
	$(BIN)/python -m tests.golden_overlays

# Runs the service on SQLite with no other set-up. Development only: authentication is off unless you pass
# an API key (make serve LOGPILOT_API_KEY=...); production sets keys from a Secret and never disables auth.
serve: install
	LOGPILOT_SQLITE_PATH=$${LOGPILOT_SQLITE_PATH:-data/logpilot.db} LOGPILOT_LOG_FORMAT=$${LOGPILOT_LOG_FORMAT:-text} \
	LOGPILOT_AUTH=$${LOGPILOT_AUTH:-$$( [ -n "$$LOGPILOT_API_KEY$$LOGPILOT_API_KEYS" ] && echo enabled || echo disabled )} \
	$(BIN)/logpilot-server

# Regenerates the gRPC code in service/logpilot_server/_proto from proto/logpilot.proto.
proto: install
	$(BIN)/python -m grpc_tools.protoc -Ilogpilot_server/_proto=proto --python_out=service --pyi_out=service \
		--grpc_python_out=service proto/logpilot.proto

clean:
	rm -rf $(VENV) build *.egg-info

# Long differential fuzzing against kubectl kustomize and robustness against hostile input files (random seed;
# FUZZ_EXAMPLES and ROBUSTNESS_EXAMPLES to change the counts).
fuzz: install
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-2000} FUZZ_RANDOM=1 ROBUSTNESS_EXAMPLES=$${ROBUSTNESS_EXAMPLES:-1000} \
	ROBUSTNESS_RANDOM=1 $(BIN)/python -m pytest -q -p no:cacheprovider tests/fuzz tests/reliability/test_robustness.py

# Service soak: a few minutes at half the measured peak ingest rate, RSS sampled every second; prints
# per-minute figures and a RELIABILITY line (MINUTES=3, STORAGE=sqlite|postgres). Not part of `make test`.
soak: install
	$(BIN)/python bench/service_soak.py --minutes $${MINUTES:-3} --storage $${STORAGE:-sqlite}

# Runs the reliability and security scenarios and rewrites RELIABILITY.md (PROFILE=--long for the long
# profile; ONLY=generator, service or scenario keys).
reliability: install
	$(BIN)/python bench/reliability.py $(PROFILE) $(if $(ONLY),--only $(ONLY),)

# Builds every kustomization under CORPUS (checked-out public projects, never committed) with kubectl and with
# logpilot-manifests, and counts the byte-identical results (REALWORLD_ARGS="--json F --failures F" for details).
realworld: install
	@test -n "$(CORPUS)" || (echo "usage: make realworld CORPUS=dir [REALWORLD_ARGS=...]" >&2; exit 2)
	$(BIN)/python bench/realworld.py $(CORPUS) $(REALWORLD_ARGS)
