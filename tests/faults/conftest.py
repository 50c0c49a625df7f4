"""Fault tests: the ledger under a crashing, restarting or unreachable store.

Every test in this folder is marked ``faults`` (run them alone with ``-m faults``, leave them out
with ``-m "not faults"``). The quick variants take a few minutes in all; set
``COMPLAINTS_LEDGER_FAULTS=long`` for more restarts, more kills and longer load.

The PostgreSQL tests each get their own throwaway server (``pg_server``, see pg_server.py),
never the shared one on 127.0.0.1:5432, since they stop, crash and restart it. Each test's
figures (acknowledged writes, found, duplicates, seconds to recover, kills survived) go to
``figures.json`` in its tmp_path, to ``faults-figures.json`` in pytest's base temp folder (or
the file named by ``COMPLAINTS_LEDGER_FAULTS_FIGURES``), and to the terminal summary.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.faults.pg_server import PostgresServer, PostgresUnavailableError

HERE = Path(__file__).parent
FIGURES_ENV_VAR = "COMPLAINTS_LEDGER_FAULTS_FIGURES"
FIGURES_KEY = pytest.StashKey[dict[str, dict[str, Any]]]()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "faults: fault-tolerance tests (a store that crashes, restarts or goes away; killed "
        "workers; a full disk); COMPLAINTS_LEDGER_FAULTS=long for the long variants",
    )
    config.stash[FIGURES_KEY] = {}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder is a fault test (the hook sees every item: filter by path)."""
    for item in items:
        if HERE in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.faults)


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    figures = config.stash.get(FIGURES_KEY, {})
    if not figures:
        return
    terminalreporter.section("fault test figures")
    for test, values in figures.items():
        terminalreporter.write_line(f"{test}: {json.dumps(values, sort_keys=True)}")
    path = _figures_path(config)
    if path is not None:
        terminalreporter.write_line(f"(also in {path})")


def _figures_path(config: pytest.Config) -> Path | None:
    explicit = os.environ.get(FIGURES_ENV_VAR)
    if explicit:
        return Path(explicit)
    factory = getattr(config, "_tmp_path_factory", None)
    if factory is None:
        return None
    return Path(factory.getbasetemp()) / "faults-figures.json"


def _under_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


@pytest.fixture
def pg_server(tmp_path: Path) -> Iterator[PostgresServer]:
    """A started throwaway PostgreSQL server for this test alone; stopped and removed after it
    (its log kept as tmp_path/postgres.log)."""
    try:
        server = PostgresServer.create()
    except PostgresUnavailableError as error:
        if _under_ci():
            pytest.fail(f"the fault tests must run under CI: {error}", pytrace=False)
        pytest.skip(str(error))
    try:
        server.start()
        yield server
    finally:
        server.destroy(keep_log=tmp_path / "postgres.log")


@pytest.fixture
def figures(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, Any]]:
    """A dict the test fills with its figures; written and reported even when the test fails."""
    found: dict[str, Any] = {}
    yield found
    name = request.node.nodeid
    (tmp_path / "figures.json").write_text(json.dumps(found, indent=2, sort_keys=True))
    request.config.stash[FIGURES_KEY][name] = found
    path = _figures_path(request.config)
    if path is None:
        return
    try:
        everything = json.loads(path.read_text()) if path.exists() else {}
    except (OSError, ValueError):
        everything = {}
    everything[name] = found
    path.write_text(json.dumps(everything, indent=2, sort_keys=True))
    print(f"\nfigures of {name}: {json.dumps(found, sort_keys=True)}")  # noqa: T201
