"""Connections lent to one user at a time, looked at before each loan and replaced when broken.

- **One user at a time.** `connection()` lends a connection for the length of a block; no other
  thread gets it until the block ends.
- **Recovery without restarts.** A connection that died while idle (the server restarted, an
  operator terminated its backend) is found before it is lent, by a local look that costs no round
  trip, and a fresh one is opened instead. One that breaks while lent is closed when it comes back.
- **Failing fast in an outage.** When opening a connection fails, the next attempts within
  `retry_after` seconds fail at once with the same error, so requests during an outage answer
  quickly instead of each waiting out a connect timeout; the first attempt after that tries again.
- **Bounded.** At most `max_size` connections are lent at once; a caller waits at most
  `wait_seconds` for one.

Both refusals raise `failure(message)`: a psycopg `OperationalError` by default (what the
library's recorders expect of their pool), `StoreUnavailableError` for the read side.

The pool is generic over the connection type; `PostgresConnections` makes psycopg connections and
doubles as the event store's pool (it has the methods the library's `PostgresDatastore` calls).
"""

from __future__ import annotations

import select
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any, Generic, Self, TypeVar

import psycopg
from psycopg import pq

C = TypeVar("C")

DEFAULT_MAX_IDLE = 8
DEFAULT_RETRY_AFTER_SECONDS = 1.0


class StoreDownError(psycopg.OperationalError):
    """No connection could be had: the store did not answer a moment ago, or every connection
    stayed lent for longer than the caller may wait."""


@dataclass
class _Idle(Generic[C]):
    connection: C
    opened_at: float


@dataclass(frozen=True)
class Connector(Generic[C]):
    """How to open, look at and close one kind of connection."""

    open: Callable[[], C]
    usable: Callable[[C], bool]
    close: Callable[[C], None]


class ConnectionPool(Generic[C]):
    def __init__(
        self,
        connector: Connector[C],
        *,
        max_size: int,
        max_idle: int = DEFAULT_MAX_IDLE,
        wait_seconds: float = 5.0,
        max_lifetime: float = 3600.0,
        retry_after: float = DEFAULT_RETRY_AFTER_SECONDS,
        name: str = "store",
        failure: Callable[[str], Exception] = StoreDownError,
    ) -> None:
        self.connector, self.name, self.failure = connector, name, failure
        self.max_size, self.max_idle = max_size, max_idle
        self.wait_seconds, self.max_lifetime, self.retry_after = (
            wait_seconds,
            max_lifetime,
            retry_after,
        )
        self._slots = threading.BoundedSemaphore(max_size)
        self._lock = threading.Lock()
        self._idle: list[_Idle[C]] = []
        self._down_until = 0.0
        self._last_failure: str = ""
        self._closed = False
        self.opened = 0  # connections opened so far (tests and metrics read it)

    @contextmanager
    def connection(self) -> Iterator[C]:
        if not self._slots.acquire(timeout=self.wait_seconds):
            raise self.failure(
                f"all {self.max_size} {self.name} connections stayed in use for "
                f"{self.wait_seconds:g} s"
            )
        try:
            idle = self._take()
            try:
                yield idle.connection
            finally:
                self._give_back(idle)
        finally:
            self._slots.release()

    def _take(self) -> _Idle[C]:
        while True:
            with self._lock:
                idle = self._idle.pop() if self._idle else None
            if idle is None:
                return _Idle(self._open(), time.monotonic())
            if self.connector.usable(idle.connection):
                return idle
            self._discard(idle.connection)

    def _open(self) -> C:
        now = time.monotonic()
        if now < self._down_until:
            raise self.failure(
                f"the {self.name} did not answer {now - self._down_until + self.retry_after:.1f} "
                f"s ago ({self._last_failure}); trying again shortly"
            )
        try:
            connection = self.connector.open()
        except Exception as error:
            self._down_until = time.monotonic() + self.retry_after
            self._last_failure = str(error).strip().splitlines()[0] if str(error) else repr(error)
            raise
        self._down_until = 0.0
        self.opened += 1
        return connection

    def _give_back(self, idle: _Idle[C]) -> None:
        too_old = time.monotonic() - idle.opened_at > self.max_lifetime
        keep = not self._closed and not too_old and self.connector.usable(idle.connection)
        if keep:
            with self._lock:
                if len(self._idle) < self.max_idle:
                    self._idle.append(idle)
                    return
        self._discard(idle.connection)

    def _discard(self, connection: C) -> None:
        with suppress(Exception):  # a broken connection may fail to close; it is gone anyway
            self.connector.close(connection)

    def close(self) -> None:
        """Close every idle connection; lent ones are closed when they come back."""
        self._closed = True
        with self._lock:
            idle, self._idle = self._idle, []
        for item in idle:
            self._discard(item.connection)


# ---- PostgreSQL ------------------------------------------------------------------------------


def socket_has_news(connection: psycopg.Connection[Any]) -> bool:
    """An idle connection's socket has something to read only if the server wrote to it unasked:
    almost always the notice that it is shutting down or terminating the session, or the end of
    the stream. Looking costs no round trip."""
    try:
        poller = select.poll()
        poller.register(connection.fileno(), select.POLLIN | select.POLLERR | select.POLLHUP)
        return bool(poller.poll(0))
    except (OSError, ValueError, psycopg.Error):
        return True


def postgres_usable(connection: psycopg.Connection[Any]) -> bool:
    return (
        not connection.closed
        and not connection.broken
        and connection.info.transaction_status == pq.TransactionStatus.IDLE
        and not socket_has_news(connection)
    )


def session_options(statement_timeout: float, idle_in_transaction_timeout: float) -> str:
    """`options` for libpq: limits every session of the ledger sets on itself, so that a stuck
    statement or an abandoned transaction cannot hold locks for minutes."""
    return (
        f"-c statement_timeout={int(statement_timeout * 1000)} "
        f"-c idle_in_transaction_session_timeout={int(idle_in_transaction_timeout * 1000)}"
    )


class PostgresConnections(ConnectionPool[psycopg.Connection[Any]]):
    """A pool of psycopg connections; also the event store's pool, in place of the library's
    (it answers the calls `eventsourcing.postgres.PostgresDatastore` makes of its pool)."""

    def __init__(
        self,
        kwargs: dict[str, Any],
        *,
        configure: Callable[[psycopg.Connection[Any]], None] | None = None,
        **options: Any,
    ) -> None:
        self.kwargs = kwargs
        self.password_source: Callable[[], str] | None = None

        def open_connection() -> psycopg.Connection[Any]:
            if self.password_source is not None:
                self.kwargs["password"] = self.password_source()
            connection = psycopg.Connection.connect(**self.kwargs)
            try:
                connection.autocommit = True
                if configure is not None:
                    configure(connection)
            except BaseException:
                connection.close()
                raise
            return connection

        connector = Connector(
            open=open_connection, usable=postgres_usable, close=lambda c: c.close()
        )
        super().__init__(connector, **options)

    # The library's datastore opens its pool before each use and enters and exits it.
    def open(self, wait: bool = False, timeout: float = 30.0) -> None:  # noqa: ARG002
        self._closed = False

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
