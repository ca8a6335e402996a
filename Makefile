# Clarion: `make run` starts the local stack, `make test` runs every check.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml layers/core/requirements.txt | sha1sum | cut -c1-12)
export TZ := UTC
export AWS_DEFAULT_REGION ?= us-east-1

.PHONY: install run test lint typecheck unit bench openapi build clean

install: $(STAMP)

$(STAMP): pyproject.toml layers/core/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet '.[dev]'
	rm -f $(VENV)/.installed-* && touch $@

run: install
	$(PY) -m local

test: lint typecheck
	$(PY) -m pytest -n 2 -q

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/cfn-lint template.yaml

typecheck: install
	$(BIN)/mypy

bench: install
	PYTHONPATH=functions:layers/core:. $(PY) -m bench

openapi: install
	$(PY) -m local.openapi > docs/openapi.json

# `sam build` without a container: the python3.11 on PATH builds the layer (arm64 wheels) and the functions.
# The SAM CLI gets its own environment: its pins are not the project's.
SAM := .venv-sam/bin/sam
$(SAM):
	$(PYTHON) -m venv .venv-sam
	.venv-sam/bin/pip install --quiet 'aws-sam-cli==1.170.0'

build: $(SAM)
	$(SAM) build --parallel

clean:
	rm -rf $(VENV) .venv-sam .aws-sam .pytest_cache .mypy_cache .ruff_cache
