# Jingzhun — the front door. `make run` sets up and runs the whole platform locally;
# `make test` runs the test suite. Both create the virtualenv on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
TOOLS_VENV ?= .venv-tools
# pip-compile from the public index only: the hashes are those every builder downloads, not
# those of wheels cached on one machine.
PIP_COMPILE = env -u PIP_FIND_LINKS PIP_CONFIG_FILE=/dev/null var/lock-venv/bin/pip-compile \
	--quiet --strip-extras --allow-unsafe --no-emit-index-url
PY := $(BIN)/python
PROTO_FILES := $(shell find protos -name '*.proto' | sort)

.PHONY: setup tools lock run test test-unit contract lint proto proto-check migrate manifests bench load clean

$(BIN)/activate: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[local,dev]'
	touch $(BIN)/activate

setup: $(BIN)/activate ## create the virtualenv and install everything

$(TOOLS_VENV)/bin/activate: deploy/tools.lock
	$(PYTHON) -m venv $(TOOLS_VENV)
	$(TOOLS_VENV)/bin/python -m pip install -q -r deploy/tools.lock
	touch $(TOOLS_VENV)/bin/activate

tools: $(TOOLS_VENV)/bin/activate ## the manifest checks' tools (kubernetes-validate, checkov)

lock: ## regenerate deploy/requirements.lock (the image's hashed pins) and deploy/tools.lock
	rm -rf var/lock-venv
	$(PYTHON) -m venv var/lock-venv
	var/lock-venv/bin/python -m pip install -q pip-tools==7.6.2
	$(PIP_COMPILE) --generate-hashes --output-file deploy/requirements.lock pyproject.toml
	$(PIP_COMPILE) --output-file deploy/tools.lock deploy/tools.in
	rm -rf var/lock-venv

proto: setup ## regenerate gen/ from protos/
	rm -rf gen/jingzhun
	PATH=$(BIN):$$PATH $(PY) -m grpc_tools.protoc -Iprotos --python_out=gen \
		--grpc_python_out=gen --mypy_out=gen --mypy_grpc_out=gen $(PROTO_FILES)

proto-check: ## fail when gen/ does not match protos/
	$(MAKE) proto
	git diff --exit-code --stat -- gen || (echo "gen/ is stale: run 'make proto' and commit" && exit 1)
	test -z "$$(git status --porcelain -- gen)" || (echo "gen/ has untracked files: run 'make proto' and commit" && exit 1)

migrate: setup ## migrate every service's database to head
	$(PY) -m devstack migrate

manifests: setup ## regenerate deploy/k8s from deploy/k8s/*.py and the territory data
	$(PY) deploy/k8s/generate.py

run: setup ## set up and run the whole platform locally (Ctrl-C stops it)
	$(PY) -m devstack run

test: setup ## run the whole test suite
	$(PY) -m pytest

test-unit: setup
	$(PY) -m pytest tests/unit

contract: setup ## schemathesis over the whole OpenAPI against a real platform (JZ_CONTRACT_EXAMPLES=50)
	$(PY) -m pytest tests/e2e/test_schemathesis.py

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy kit gateway services devstack benchmarks
	$(BIN)/lint-imports

bench: setup ## side-by-side benchmarks that print ratios
	$(PY) -m benchmarks

# The campaign (tests/load/README.md): HOUSEHOLDS, USERS, RATE, DURATION, PROCESSES, THINK;
# HOST= a running platform instead of one started here (then JZ_LOAD_ADMIN_PASSWORD=...).
load: setup ## the data-update campaign under locust; report in var/load/<timestamp>/
	$(PY) -m tests.load --households $${HOUSEHOLDS:-2000} --users $${USERS:-20} \
		--rate $${RATE:-2} --duration $${DURATION:-60s} --processes $${PROCESSES:-1} \
		--think $${THINK:-1} $${HOST:+--host $$HOST}

clean:
	rm -rf $(VENV) $(TOOLS_VENV) var
