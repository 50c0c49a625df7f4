"""Fixtures on this test's store (`store_url`): the view database, ledgers and their clock, and
consoles wide enough for every CLI table. Loaded by tests/conftest.py."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import pytest

from complaints_ledger.application.ledger import ComplaintsLedger
from complaints_ledger.cli import access_cmd, projections_cmd, report_cmd
from complaints_ledger.persistence.store_url import parse_store_url
from complaints_ledger.persistence.view_db import ViewDatabase
from complaints_ledger.settings import Settings
from tests.builders import SimulatedClock


@pytest.fixture
def db(store_url: str) -> Iterator[ViewDatabase]:
    """The view database on this test's store, closed afterwards."""
    database = ViewDatabase(parse_store_url(store_url))
    yield database
    database.close()


@pytest.fixture
def clock() -> SimulatedClock:
    """The clock of every ledger `open_ledger` opens: at T0 until the test moves it."""
    return SimulatedClock()


@pytest.fixture
def ledger_settings() -> dict[str, Any]:
    """Settings besides the store for every ledger `open_ledger` opens (a module overrides)."""
    return {}


@pytest.fixture
def open_ledger(
    store_url: str, clock: Callable[[], datetime], ledger_settings: dict[str, Any]
) -> Iterator[Callable[..., ComplaintsLedger]]:
    """`open_ledger(**settings)` opens a ledger ("a process") on this test's store, with
    `ledger_settings` and `settings`; every one is closed after the test."""
    opened: list[ComplaintsLedger] = []

    def make(**settings: Any) -> ComplaintsLedger:
        chosen = Settings(store=store_url, **{**ledger_settings, **settings})
        ledger = ComplaintsLedger(chosen, clock=clock)
        opened.append(ledger)
        return ledger

    yield make
    for ledger in opened:
        ledger.close()


@pytest.fixture
def ledger(open_ledger: Callable[..., ComplaintsLedger]) -> ComplaintsLedger:
    """A ledger on this test's store (see `open_ledger`)."""
    return open_ledger()


@pytest.fixture
def wide_consoles(monkeypatch: pytest.MonkeyPatch) -> None:
    """200-column CLI tables, so that no cell is cut short. (`COLUMNS` is not enough: rich reads
    it once, when a module's console is made, and pytest-xdist workers export 80.)"""
    for console in (access_cmd.console, projections_cmd.console, report_cmd.console):
        monkeypatch.setattr(console, "_width", 200)
