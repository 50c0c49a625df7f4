"""`complaints-ledger projections run` as a long-running worker on both stores: it applies events
written while it runs, PostgreSQL wakes it with NOTIFY rather than a poll, and SIGTERM or SIGINT
stop it cleanly (exit 0, "stopped cleanly")."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from uuid import UUID

import pytest

from complaints_ledger.application.context import CommandContext
from complaints_ledger.application.ledger import ComplaintsLedger
from complaints_ledger.domain.values import Actor, Channel
from complaints_ledger.persistence.store_url import parse_store_url
from complaints_ledger.persistence.view_db import ViewDatabase
from complaints_ledger.readside.runner import ReadModelRunner
from complaints_ledger.readside.source import EventLog
from complaints_ledger.settings import Settings
from projections import audit_trail
from tests.builders import intake

SCRIPT = Path(sys.executable).with_name("complaints-ledger")
ORGANISATION = "Northshire County Council"
FOLLOW_TIMEOUT = 15.0
STOP_TIMEOUT = 10.0
PROMPT_STOP = 3.0  # a worker polling every 0.2 s stops in well under a second

pytestmark = pytest.mark.skipif(not SCRIPT.exists(), reason=f"{SCRIPT} is not installed")


@pytest.fixture
def db(db: ViewDatabase) -> ViewDatabase:
    ReadModelRunner(db)  # the positions table exists before the worker starts
    return db


def write_case(url: str, *, acknowledge: bool = True) -> UUID:
    ledger = ComplaintsLedger(Settings(store=url))
    officer = Actor("officer-1", ORGANISATION)
    try:
        case_id = ledger.receive(
            intake(receiving_organisation=ORGANISATION, channel=Channel.PHONE),
            CommandContext(officer),
        )
        if acknowledge:
            ledger.acknowledge(case_id, CommandContext(officer))
    finally:
        ledger.close()
    return case_id


@contextmanager
def worker(url: str, poll_seconds: float, *, via_env: bool) -> Iterator[subprocess.Popen[str]]:
    """`projections run audit_trail` in its own process; killed whatever happens."""
    store = [] if via_env else ["--store", url]
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "200"}
    env.pop("COMPLAINTS_LEDGER_STORE", None)
    if via_env:
        env["COMPLAINTS_LEDGER_STORE"] = url
    command = [str(SCRIPT), *store, "projections", "run", "audit_trail"]
    process = subprocess.Popen(  # noqa: S603 - our own console script
        [*command, "--poll-seconds", str(poll_seconds)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=STOP_TIMEOUT)


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> float:
    """Poll `condition`; return the seconds it took to hold, or fail after `timeout`."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if condition():
            return time.monotonic() - started
        time.sleep(0.02)
    pytest.fail(f"{what} did not happen within {timeout} s")


def caught_up(db: ViewDatabase, process: subprocess.Popen[str]) -> Callable[[], bool]:
    def check() -> bool:
        if process.poll() is not None:
            pytest.fail(f"the worker exited early: {process.communicate()}")
        position, head = ReadModelRunner(db).status(audit_trail.PROJECTION)
        return position is not None and position.position == head

    return check


def holds(db: ViewDatabase, case_id: UUID, events: int) -> Callable[[], bool]:
    return lambda: len(audit_trail.case_events(db, str(case_id))) == events


def listening(db: ViewDatabase) -> Callable[[], bool]:
    """The worker has a LISTEN session open on this database (it is waiting for NOTIFY)."""

    def check() -> bool:
        rows = db.execute(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND query LIKE 'LISTEN %'"
        )
        return bool(rows[0][0])

    return check


def stop(process: subprocess.Popen[str], signum: signal.Signals, timeout: float) -> str:
    process.send_signal(signum)
    stdout, stderr = process.communicate(timeout=timeout)
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr
    return stdout


@pytest.mark.parametrize(
    ("signum", "via_env"),
    [(signal.SIGTERM, True), (signal.SIGINT, False)],
    ids=["sigterm-env-store", "sigint-store-option"],
)
def test_follows_new_events_and_stops_cleanly(
    store_url: str, db: ViewDatabase, signum: signal.Signals, via_env: bool
) -> None:
    earlier = [write_case(store_url), write_case(store_url)]
    with worker(store_url, 0.2, via_env=via_env) as process:
        wait_until(caught_up(db, process), FOLLOW_TIMEOUT, "the first catch-up")
        assert [len(audit_trail.case_events(db, str(case))) for case in earlier] == [2, 2]

        later = write_case(store_url)
        wait_until(holds(db, later, 2), FOLLOW_TIMEOUT, "following the new events")
        third = write_case(store_url, acknowledge=False)
        wait_until(holds(db, third, 1), FOLLOW_TIMEOUT, "following more new events")
        position, head = ReadModelRunner(db).status(audit_trail.PROJECTION)
        assert position is not None
        assert position.position == head
        assert position.events == EventLog(db).count(0, head, audit_trail.PROJECTION.topics)

        stdout = stop(process, signum, STOP_TIMEOUT)
    assert "following audit_trail" in stdout
    applied = [int(n) for n in re.findall(r"^audit_trail \+(\d+)$", stdout, re.MULTILINE)]
    assert applied[0] == 4, stdout  # built from the four events written before it started
    assert sum(applied[1:]) == 3, stdout  # then each new event once
    assert stdout.rstrip().endswith("stopped cleanly")


@pytest.mark.postgres
def test_postgres_wakes_the_worker_with_notify_not_a_poll(postgres_url: str) -> None:
    database = ViewDatabase(parse_store_url(postgres_url))
    try:
        ReadModelRunner(database)
        write_case(postgres_url)
        with worker(postgres_url, 30, via_env=True) as process:
            wait_until(caught_up(database, process), FOLLOW_TIMEOUT, "the first catch-up")
            wait_until(listening(database), FOLLOW_TIMEOUT, "listening for NOTIFY")
            for _ in range(2):  # each wait is woken, not just the first
                case_id = write_case(postgres_url)
                took = wait_until(holds(database, case_id, 2), 2.0, "following within 2 s")
                assert took < 2.0
    finally:
        database.close()


def test_a_long_poll_does_not_delay_stopping(store_url: str, db: ViewDatabase) -> None:
    write_case(store_url)
    with worker(store_url, 30, via_env=True) as process:
        wait_until(caught_up(db, process), FOLLOW_TIMEOUT, "the first catch-up")
        if db.dialect.name == "postgres":
            wait_until(listening(db), FOLLOW_TIMEOUT, "listening for NOTIFY")
        else:
            time.sleep(0.5)  # into its sleep
        stdout = stop(process, signal.SIGTERM, PROMPT_STOP)
    assert "stopped cleanly" in stdout
