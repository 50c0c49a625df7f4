# Two commands on a fresh machine: `make demo` and `make test`.
# Every target creates .venv and installs the project (with its dev extras) first;
# the install re-runs only when pyproject.toml is newer than the stamp file. The web interface's
# pinned npm files (web-assets.toml) are fetched and integrity-checked by `make assets`, which
# install, demo, pytest and test run first (a no-op when they are in place).

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Playwright drives Debian's Chromium (make browser); it must never fetch a browser of its own.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

.DEFAULT_GOAL := help
.PHONY: help install assets browser demo test lint pytest docs bench faults clean

help:
	@echo "make demo   load demo data into SQLite, print demo tokens, serve the API on :8000"
	@echo "make test   lint (ruff, mypy --strict) then the whole test suite"
	@echo "make lint   ruff check, ruff format --check, mypy --strict"
	@echo "make assets fetch the pinned npm files of the web interface (web-assets.toml) with npm"
	@echo "make browser install Debian's chromium for the browser tests when /usr/bin/chromium is missing"
	@echo "make docs   regenerate the events reference (scripts/gen_events_doc.py)"
	@echo "make faults the fault suite: PostgreSQL restarts, outages, worker kills, SQLite disk faults"
	@echo "            (FAULTS=long for the longer variants)"
	@echo "make bench  benchmarks vs raw psycopg on local PostgreSQL (python -m benchmarks; --quick for a short run)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

install: $(STAMP) assets

# npm pack NAME@VERSION for each pin, its sha512 checked against web-assets.toml (ADR 0017).
assets:
	$(PYTHON) scripts/fetch_web_assets.py

# The browser tests drive Debian's Chromium (never a downloaded browser); .ci/run does the same.
CHROMIUM ?= /usr/bin/chromium
browser:
	@test -x $(CHROMIUM) || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver; }
	@$(CHROMIUM) --version

# Loads the demo data (once), creates the checkpoint signing key if missing and signs a
# checkpoint, prints fresh demo tokens and web sign-ins, then serves the API until Ctrl-C.
demo: $(STAMP) assets
	$(BIN)/complaints-ledger demo
	$(BIN)/complaints-ledger keys init --if-missing
	$(BIN)/complaints-ledger checkpoint
	$(BIN)/complaints-ledger token demo
	$(BIN)/complaints-ledger user demo
	$(BIN)/complaints-ledger serve

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy --strict

pytest: $(STAMP) assets
	$(BIN)/pytest -q

test: lint assets
	$(BIN)/pytest -q

FAULTS ?= quick
faults: $(STAMP)
	COMPLAINTS_LEDGER_FAULTS=$(FAULTS) $(BIN)/pytest -q tests/faults

docs: $(STAMP)
	$(BIN)/python scripts/gen_events_doc.py

# Every measure against raw psycopg on the PostgreSQL server in COMPLAINTS_LEDGER_BENCH_POSTGRES
# (default postgresql://root@127.0.0.1:5432/test); writes benchmarks/results/all.json.
bench: $(STAMP)
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis .cache
	rm -rf src/complaints_ledger/web/static/govuk src/complaints_ledger/web/static/swagger-ui
