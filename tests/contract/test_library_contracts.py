"""The eventsourcing library's own shipped test cases, run against the parts we extend.

- `AppendOnlyApplicationRecorder` / `AppendOnlyAggregateRecorder` (append_only.py) extend the
  library's PostgreSQL recorders: an insert-only writer, an advisory lock around the INSERT in
  place of the library's table lock, reads up to the safe horizon (gap_safe.py). They must
  behave exactly like the library's (ordering, contiguous ids per insert under concurrency,
  selects, subscriptions); tests/contract/test_gap_safe_log.py shows that followers skip nothing.
- `PersonalDataSQLiteFactory` / `PersonalDataPostgresFactory` (privacy/factories.py) are the
  PERSISTENCE_MODULE of every store: they must build recorders and mappers (with the library's
  cipher and compressor settings) as the library's factories do, and refuse a mapper that would
  store personal data in the clear.
(The transcoder is the library's own JSONTranscoder with transcodings registered on top, not a
replacement, so `TranscoderTestCase`, written for replacement transcoders, does not apply.)
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from eventsourcing.persistence import (
    AggregateRecorder,
    ApplicationRecorder,
    InfrastructureFactory,
    Mapper,
    ProcessRecorder,
    TrackingRecorder,
)
from eventsourcing.postgres import (
    PostgresDatastore,
    PostgresProcessRecorder,
    PostgresTrackingRecorder,
)
from eventsourcing.sqlite import (
    SQLiteAggregateRecorder,
    SQLiteApplicationRecorder,
    SQLiteProcessRecorder,
    SQLiteTrackingRecorder,
)
from eventsourcing.tests import persistence as library  # a module, so pytest collects no base
from eventsourcing.utils import Environment, get_topic

from complaints_ledger.domain.errors import InvalidValueError
from complaints_ledger.persistence.append_only import (
    EVENTS_TABLE,
    SNAPSHOTS_TABLE,
    AppendOnlyAggregateRecorder,
    AppendOnlyApplicationRecorder,
)
from complaints_ledger.persistence.store_url import (
    POSTGRES_FACTORY,
    SQLITE_FACTORY,
    parse_store_url,
)
from complaints_ledger.privacy.factories import (
    KEYRING_FILE,
    PersonalDataPostgresFactory,
    PersonalDataSQLiteFactory,
)
from complaints_ledger.privacy.mapper import PersonalDataMapper

# Tests on PostgreSQL are marked `postgres` by conftest.py (they use the `postgres_url` fixture).


def datastore(url: str, pool_size: int = 1) -> PostgresDatastore:
    parts = urlsplit(url)
    return PostgresDatastore(
        dbname=parts.path.lstrip("/"),
        host=parts.hostname or "127.0.0.1",
        port=str(parts.port or 5432),
        user=parts.username or "postgres",
        password=parts.password or "",
        pool_size=pool_size,
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

    def _store(self, pool_size: int = 1) -> PostgresDatastore:
        store = datastore(self.url, pool_size)
        self.stores.append(store)
        return store


class TestAppendOnlyApplicationRecorder(
    FreshDatabase, library.ApplicationRecorderTestCase[AppendOnlyApplicationRecorder]
):
    pool_size = 1

    def create_recorder(self) -> AppendOnlyApplicationRecorder:
        recorder = AppendOnlyApplicationRecorder(
            self._store(self.pool_size), events_table_name=EVENTS_TABLE
        )
        recorder.create_table()
        return recorder

    def test_insert_subscribe(self) -> None:
        self.pool_size = 3  # a subscription's LISTEN holds a connection for as long as it runs
        self.optional_test_insert_subscribe()


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


# --------------------------------------------------------------------------- the factories


class PersonalDataMapperRules:
    """Checks of our own, added to the library's factory test cases (run on both stores)."""

    env: Environment
    factory: InfrastructureFactory[TrackingRecorder]

    def test_the_mapper_seals_personal_data(self) -> None:
        assert type(self.factory.mapper()) is PersonalDataMapper

    def test_a_mapper_that_would_store_personal_data_in_the_clear_is_refused(self) -> None:
        with pytest.raises(InvalidValueError) as caught:
            self.factory.mapper(mapper_class=Mapper)
        assert caught.value.field == "mapper"
        assert "in the clear" in caught.value.message
        self.env[self.factory.MAPPER_TOPIC] = get_topic(Mapper)
        with pytest.raises(InvalidValueError):
            self.factory.mapper()

    def test_a_mapper_extending_the_sealing_mapper_is_accepted(self) -> None:
        class Extended(PersonalDataMapper):
            pass

        assert type(self.factory.mapper(mapper_class=Extended)) is Extended

    def test_the_store_needs_a_keyring(self) -> None:
        del self.env[KEYRING_FILE]
        factory = InfrastructureFactory.construct(self.env)
        try:
            with pytest.raises(InvalidValueError) as caught:
                factory.mapper()
            assert caught.value.field == "keyring_file"
        finally:
            factory.close()


def factory_env(store_url: str, keyring: Path) -> Environment:
    env = Environment("TestCase")
    env.update(parse_store_url(store_url).env)  # PERSISTENCE_MODULE and the connection
    env["CREATE_TABLE"] = "y"
    env[KEYRING_FILE] = str(keyring)
    return env


class TestPersonalDataSQLiteFactory(
    PersonalDataMapperRules, library.InfrastructureFactoryTestCase[PersonalDataSQLiteFactory]
):
    @pytest.fixture(autouse=True)
    def _store(self, sqlite_url: str, tmp_path: Path) -> None:
        self.env = factory_env(sqlite_url, tmp_path / "keyring.json")
        assert self.env[InfrastructureFactory.PERSISTENCE_MODULE] == SQLITE_FACTORY

    def expected_factory_class(self) -> type[PersonalDataSQLiteFactory]:
        return PersonalDataSQLiteFactory

    def expected_aggregate_recorder_class(self) -> type[AggregateRecorder]:
        return SQLiteAggregateRecorder

    def expected_application_recorder_class(self) -> type[ApplicationRecorder]:
        return SQLiteApplicationRecorder

    def expected_tracking_recorder_class(self) -> type[TrackingRecorder]:
        return SQLiteTrackingRecorder

    class TrackingRecorderSubclass(SQLiteTrackingRecorder):
        pass

    def tracking_recorder_subclass(self) -> type[TrackingRecorder]:
        return self.TrackingRecorderSubclass

    def expected_process_recorder_class(self) -> type[ProcessRecorder]:
        return SQLiteProcessRecorder


class TestPersonalDataPostgresFactory(
    PersonalDataMapperRules, library.InfrastructureFactoryTestCase[PersonalDataPostgresFactory]
):
    @pytest.fixture(autouse=True)
    def _store(self, postgres_url: str, tmp_path: Path) -> None:
        self.env = factory_env(postgres_url, tmp_path / "keyring.json")
        assert self.env[InfrastructureFactory.PERSISTENCE_MODULE] == POSTGRES_FACTORY

    def expected_factory_class(self) -> type[PersonalDataPostgresFactory]:
        return PersonalDataPostgresFactory

    def expected_aggregate_recorder_class(self) -> type[AggregateRecorder]:
        return AppendOnlyAggregateRecorder

    def expected_application_recorder_class(self) -> type[ApplicationRecorder]:
        return AppendOnlyApplicationRecorder

    def expected_tracking_recorder_class(self) -> type[TrackingRecorder]:
        return PostgresTrackingRecorder

    class TrackingRecorderSubclass(PostgresTrackingRecorder):
        pass

    def tracking_recorder_subclass(self) -> type[TrackingRecorder]:
        return self.TrackingRecorderSubclass

    def expected_process_recorder_class(self) -> type[ProcessRecorder]:
        return PostgresProcessRecorder
