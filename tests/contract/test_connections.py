"""Connections that recover (persistence/pool.py, readside/db.py), on a real PostgreSQL whose
backends are terminated under them, and the same pool on SQLite."""

from __future__ import annotations

import threading
import time
from typing import Any

import psycopg
import pytest

from complaints_ledger.application.ledger import ComplaintsLedger
from complaints_ledger.domain.errors import StoreUnavailableError
from complaints_ledger.persistence.pool import ConnectionPool, Connector, StoreDownError
from complaints_ledger.persistence.view_db import ViewDatabase, ViewDatabases
from complaints_ledger.settings import Settings


def _terminate_other_backends(url: str) -> int:
    """What an operator's pg_terminate_backend (or a failover) does to every ledger session."""
    with psycopg.connect(url, autocommit=True) as admin:
        rows = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
    time.sleep(0.1)  # the terminated sessions' sockets close
    return len(rows)


def _backend_pid(db: ViewDatabase) -> int:
    return int(db.execute("SELECT pg_backend_pid()")[0][0])


@pytest.mark.postgres
def test_a_pooled_connection_killed_while_idle_is_replaced_before_it_is_lent(
    postgres_url: str,
) -> None:
    views = ViewDatabases(Settings(store=postgres_url).store_url)
    with views.connection() as db:
        first = _backend_pid(db)
    assert _terminate_other_backends(postgres_url) >= 1
    with views.connection() as db:
        assert _backend_pid(db) != first
    views.close()


@pytest.mark.postgres
def test_a_read_on_a_connection_that_broke_is_run_once_more_and_a_write_is_not(
    postgres_url: str,
) -> None:
    db = ViewDatabase(Settings(store=postgres_url).store_url)
    db.execute("CREATE TABLE counted (n INTEGER)")
    before = _backend_pid(db)
    _terminate_other_backends(postgres_url)
    assert db.execute("SELECT count(*) FROM counted") == [(0,)]  # a read: retried, answered
    assert _backend_pid(db) != before
    with db.transaction():
        db.execute("INSERT INTO counted VALUES (1)")
    _terminate_other_backends(postgres_url)
    # The connection is found dead before the statement is sent, so the write goes ahead once.
    db.execute("INSERT INTO counted VALUES (2)")
    assert db.execute("SELECT n FROM counted ORDER BY n") == [(1,), (2,)]
    db.close()


@pytest.mark.postgres
def test_a_transaction_whose_connection_breaks_is_not_replayed(postgres_url: str) -> None:
    db = ViewDatabase(Settings(store=postgres_url).store_url)
    db.execute("CREATE TABLE counted (n INTEGER)")

    def two_inserts_broken_between() -> None:
        with db.transaction():
            db.execute("INSERT INTO counted VALUES (1)")
            _terminate_other_backends(postgres_url)
            db.execute("INSERT INTO counted VALUES (2)")

    with pytest.raises(StoreUnavailableError):
        two_inserts_broken_between()
    assert db.execute("SELECT count(*) FROM counted") == [(0,)]  # nothing half-written
    db.close()


@pytest.mark.postgres
def test_sessions_carry_the_statement_and_idle_in_transaction_limits(postgres_url: str) -> None:
    settings = Settings(
        store=postgres_url, store_statement_timeout_seconds=7, store_idle_in_transaction_seconds=3
    )
    db = ViewDatabase(settings.store_url)
    assert db.execute("SHOW statement_timeout") == [("7s",)]
    assert db.execute("SHOW idle_in_transaction_session_timeout") == [("3s",)]
    db.close()
    ledger = ComplaintsLedger(settings)
    with ledger.recorder.datastore.get_connection() as conn:  # type: ignore[attr-defined]
        timeouts = conn.execute("SHOW statement_timeout").fetchone()
    assert timeouts is not None
    assert next(iter(timeouts.values())) == "7s"
    ledger.close()


@pytest.mark.postgres
def test_the_event_store_recovers_from_terminated_sessions_without_a_restart(
    postgres_url: str,
) -> None:
    ledger = ComplaintsLedger(Settings(store=postgres_url))
    assert ledger.recorder.max_notification_id() is None
    _terminate_other_backends(postgres_url)
    assert ledger.recorder.max_notification_id() is None  # answered by a fresh session
    ledger.close()


def test_the_pool_fails_fast_while_the_store_is_down_and_tries_again_after_a_pause() -> None:
    attempts: list[float] = []

    def refuse() -> object:
        attempts.append(time.monotonic())
        raise psycopg.OperationalError("connection refused")

    pool: ConnectionPool[Any] = ConnectionPool(
        Connector(open=refuse, usable=lambda _: True, close=lambda _: None),
        max_size=2,
        retry_after=0.3,
    )
    with pytest.raises(psycopg.OperationalError, match="refused"), pool.connection():
        pass
    started = time.monotonic()
    with pytest.raises(StoreDownError, match="did not answer"), pool.connection():
        pass
    assert time.monotonic() - started < 0.1  # no new attempt, no wait
    assert len(attempts) == 1
    time.sleep(0.35)
    with pytest.raises(psycopg.OperationalError, match="refused"), pool.connection():
        pass
    assert len(attempts) == 2


def test_a_connection_is_lent_to_one_user_at_a_time_and_the_pool_is_bounded() -> None:
    opened: list[object] = []

    def make() -> object:
        opened.append(object())
        return opened[-1]

    pool: ConnectionPool[object] = ConnectionPool(
        Connector(open=make, usable=lambda _: True, close=lambda _: None),
        max_size=2,
        wait_seconds=0.2,
    )
    held: list[object] = []
    release = threading.Event()

    def hold() -> None:
        with pool.connection() as connection:
            held.append(connection)
            release.wait(5)

    threads = [threading.Thread(target=hold) for _ in range(2)]
    for thread in threads:
        thread.start()
    while len(held) < 2:
        time.sleep(0.01)
    assert held[0] is not held[1]
    with pytest.raises(StoreDownError, match="stayed in use"), pool.connection():
        pass
    release.set()
    for thread in threads:
        thread.join()
    with pool.connection() as again:
        assert again in held  # given back, lent again
    assert len(opened) == 2


def test_sqlite_read_side_connections_are_lent_and_returned(sqlite_url: str) -> None:
    views = ViewDatabases(Settings(store=sqlite_url).store_url)
    with views.connection() as db:
        db.execute("CREATE TABLE t (n INTEGER)")
        with db.transaction():
            db.execute("INSERT INTO t VALUES (1)")
    assert views.run(lambda db: db.execute("SELECT n FROM t")) == [(1,)]
    views.close()
