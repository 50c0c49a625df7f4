# Two commands on a fresh machine: `make demo` and `make test`.
# Every target creates .venv and installs the project (with its dev extras) first;
# the install re-runs only when pyproject.toml is newer than the stamp file.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help install demo test lint pytest docs clean

help:
	@echo "make demo   run the ledger on SQLite with demo data"
	@echo "make test   lint (ruff, mypy --strict) then the whole test suite"
	@echo "make lint   ruff check, ruff format --check, mypy --strict"
	@echo "make docs   regenerate the events reference (scripts/gen_events_doc.py)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

install: $(STAMP)

# TODO: once the CLI has `serve`, run it here after the demo data is loaded.
demo: $(STAMP)
	$(BIN)/complaints-ledger demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy --strict

pytest: $(STAMP)
	$(BIN)/pytest -q

test: lint
	$(BIN)/pytest -q

docs: $(STAMP)
	$(BIN)/python scripts/gen_events_doc.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis
