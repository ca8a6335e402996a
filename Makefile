# Clarion: `make run` starts the local stack, `make test` runs every check.
PYTHON ?= python3
PYTHON_VERSION := 3.11
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml layers/core/requirements.txt | sha1sum | cut -c1-12)
export TZ := UTC
export AWS_DEFAULT_REGION ?= us-east-1

# The Python the venv runs: empty when there is no venv or its Python is gone. Another version than
# PYTHON_VERSION (a venv made before an upgrade, or by another python3) makes `install` build it again.
VENV_PYTHON_VERSION := $(shell $(PY) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)
ifneq ($(VENV_PYTHON_VERSION),$(PYTHON_VERSION))
REBUILD_VENV := rebuild-venv
endif

# Refuse, with the way out, a $(PYTHON) that is not Python $(PYTHON_VERSION) (Lambda's python3.11 runtime).
define require_python
	@$(PYTHON) -c 'import sys; sys.exit("%d.%d" % sys.version_info[:2] != "$(PYTHON_VERSION)")' 2>/dev/null || { \
	  echo "Clarion needs Python $(PYTHON_VERSION), and $(PYTHON) is $$(command -v $(PYTHON) >/dev/null && $(PYTHON) --version 2>&1 || echo 'not found')." >&2; \
	  echo "Install Python $(PYTHON_VERSION) (python.org, pyenv, or your package manager's python$(PYTHON_VERSION))," \
	       "then run: make PYTHON=python$(PYTHON_VERSION) $(or $(MAKECMDGOALS),install)" >&2; \
	  exit 1; }
endef

.PHONY: install run run-fresh test browser lint typecheck unit bench openapi routes inbox build clean rebuild-venv

install: $(STAMP)

rebuild-venv: ;

$(STAMP): pyproject.toml layers/core/requirements.txt $(REBUILD_VENV)
	$(require_python)
ifdef REBUILD_VENV
	@test ! -e $(VENV) || echo "$(VENV) $(if $(VENV_PYTHON_VERSION),was built by Python $(VENV_PYTHON_VERSION),does not run): building it again"
	rm -rf $(VENV)
endif
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet '.[dev]'
	rm -f $(VENV)/.installed-* && touch $@

run: install
	$(PY) -m local

run-fresh: install
	$(PY) -m local --fresh

test: lint typecheck browser
	$(PY) -m pytest -n 2 -q

# tests/browser drive Debian's chromium through Playwright (the system browser: Playwright downloads none). Installed
# here when missing and this is root with apt-get (CI on a fresh Debian); otherwise those tests skip, saying why.
browser:
	@if [ -n "$$CLARION_CHROMIUM" ] || command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "Installing chromium for the browser tests (apt-get)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else \
	  echo "No chromium, and it cannot be installed here (needs root and apt-get): tests/browser will skip." \
	       "Install it (sudo apt-get install chromium) or set CLARION_CHROMIUM to a Chromium binary." >&2; \
	fi

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/cfn-lint template.yaml

typecheck: install
	$(BIN)/mypy

bench: install
	PYTHONPATH=functions:layers/core:. $(PY) -m bench

openapi: install
	$(PY) -m local.openapi > docs/openapi.json.new && mv docs/openapi.json.new docs/openapi.json

# clarion/route_table.py: each route's scope and rate-limit class, from its endpoint(...) declaration
routes: install
	$(PY) -m local.route_table

# local/static/clarion-inbox.js: <clarion-inbox> bundled from web/inbox/src by esbuild (npm). The built file is
# committed, so nothing else needs node; tests/contract/test_inbox_bundle.py checks it is what this target writes.
inbox:
	cd web/inbox && npm ci --no-audit --no-fund && npm run build

# `sam build` without a container: the python3.11 on PATH builds the layer (arm64 wheels) and the functions.
# The SAM CLI gets its own environment: its pins are not the project's.
SAM := .venv-sam/bin/sam
$(SAM):
	$(require_python)
	$(PYTHON) -m venv .venv-sam
	.venv-sam/bin/pip install --quiet 'aws-sam-cli==1.170.0'

build: $(SAM)
	$(SAM) build --parallel

clean:
	rm -rf $(VENV) .venv-sam .aws-sam .pytest_cache .mypy_cache .ruff_cache
