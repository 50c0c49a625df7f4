"""The eventsourcing library's own shipped test cases, run against the parts we extend.

- `AppendOnlyApplicationRecorder` / `AppendOnlyAggregateRecorder` (append_only.py) extend the
  library's PostgreSQL recorders so an insert-only writer can take the insert lock: they must
  behave exactly like the library's (ordering, gap-free ids under concurrency, selects).
(The transcoder is the library's own JSONTranscoder with transcodings registered on top, not a
replacement, so `TranscoderTestCase`, written for replacement transcoders, does not apply.)
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from eventsourcing.postgres import PostgresDatastore
from eventsourcing.tests import persistence as library  # a module, so pytest collects no base

from complaints_ledger.append_only import (
    EVENTS_TABLE,
    SNAPSHOTS_TABLE,
    AppendOnlyAggregateRecorder,
    AppendOnlyApplicationRecorder,
)

pytestmark = pytest.mark.postgres


def datastore(url: str) -> PostgresDatastore:
    parts = urlsplit(url)
    return PostgresDatastore(
        dbname=parts.path.lstrip("/"),
        host=parts.hostname or "127.0.0.1",
        port=str(parts.port or 5432),
        user=parts.username or "postgres",
        password=parts.password or "",
    )


class FreshDatabase:
    """Each library test gets a database of its own (the `postgres_url` fixture drops it)."""

    url: str
    stores: list[PostgresDatastore]

    @pytest.fixture(autouse=True)
    def _fresh_database(self, postgres_url: str) -> object:
        self.url, self.stores = postgres_url, []
        yield
        for store in self.stores:
            store.close()

    def _store(self) -> PostgresDatastore:
        store = datastore(self.url)
        self.stores.append(store)
        return store


class TestAppendOnlyApplicationRecorder(
    FreshDatabase, library.ApplicationRecorderTestCase[AppendOnlyApplicationRecorder]
):
    def create_recorder(self) -> AppendOnlyApplicationRecorder:
        recorder = AppendOnlyApplicationRecorder(self._store(), events_table_name=EVENTS_TABLE)
        recorder.create_table()
        return recorder


class TestAppendOnlyRecorderNeverInterleaves(
    FreshDatabase, library.NonInterleavingNotificationIDsBaseCase
):
    insert_num = 300

    def create_recorder(self) -> AppendOnlyApplicationRecorder:
        recorder = AppendOnlyApplicationRecorder(self._store(), events_table_name=EVENTS_TABLE)
        recorder.create_table()
        return recorder


class TestAppendOnlySnapshotRecorder(FreshDatabase, library.AggregateRecorderTestCase):
    def create_recorder(self) -> AppendOnlyAggregateRecorder:
        recorder = AppendOnlyAggregateRecorder(self._store(), events_table_name=SNAPSHOTS_TABLE)
        recorder.create_table()
        return recorder
