"""PERSISTENCE_MODULE factories whose mapper seals personal data (SQLite and PostgreSQL).

The environment names the keyring (KEYRING_FILE) and how long unwrapped subject keys may stay in
memory (KEY_CACHE_SECONDS). The subject key table is reached with the same connection settings
as the event store. A mapper that would store personal data in the clear is refused.
"""

from __future__ import annotations

import typing
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from eventsourcing.persistence import (
    AggregateRecorder,
    EventStore,
    InfrastructureFactory,
    Mapper,
    Recording,
    Transcoder,
)
from eventsourcing.sqlite import SQLiteFactory
from eventsourcing.utils import resolve_topic

from complaints_ledger.domain.errors import InvalidValueError
from complaints_ledger.persistence.append_only import AppendOnlyPostgresFactory
from complaints_ledger.persistence.store_url import StoreURL
from complaints_ledger.privacy.mapper import PersonalDataMapper
from complaints_ledger.privacy.sealing import FieldSealer
from complaints_ledger.privacy.subject_keys import SubjectKeys

KEYRING_FILE = "KEYRING_FILE"
KEY_CACHE_SECONDS = "KEY_CACHE_SECONDS"
DEFAULT_KEY_CACHE_SECONDS = 60.0
POSTGRES_KEYS = (
    "POSTGRES_DBNAME",
    "POSTGRES_HOST",
    "POSTGRES_PORT",
    "POSTGRES_USER",
    "POSTGRES_PASSWORD",
    "POSTGRES_SCHEMA",
    "POSTGRES_CONNECT_TIMEOUT",
    "POSTGRES_STATEMENT_TIMEOUT",
    "POSTGRES_IDLE_IN_TRANSACTION_SESSION_TIMEOUT",
)


def _store_url(factory: InfrastructureFactory[Any]) -> StoreURL:
    sqlite_name = factory.env.get("SQLITE_DBNAME")
    if sqlite_name:
        return StoreURL(kind="sqlite", env={"SQLITE_DBNAME": sqlite_name}, redacted=sqlite_name)
    env = {key: value for key in POSTGRES_KEYS if (value := factory.env.get(key)) is not None}
    env.setdefault("POSTGRES_PASSWORD", "")
    redacted = f"postgresql://{env.get('POSTGRES_USER')}@{env.get('POSTGRES_HOST')}"
    return StoreURL(kind="postgres", env=env, redacted=f"{redacted}/{env.get('POSTGRES_DBNAME')}")


def _subject_keys(factory: InfrastructureFactory[Any]) -> SubjectKeys:
    keyring = factory.env.get(KEYRING_FILE)
    if not keyring:
        raise InvalidValueError(
            "the store needs a keyring for personal data (setting COMPLAINTS_LEDGER_KEYRING_FILE)",
            field="keyring_file",
        )
    seconds = float(factory.env.get(KEY_CACHE_SECONDS) or DEFAULT_KEY_CACHE_SECONDS)
    return SubjectKeys(_store_url(factory), Path(keyring), cache_seconds=seconds)


def _mapper(
    factory: InfrastructureFactory[Any],
    keys: SubjectKeys,
    transcoder: Transcoder | None,
    mapper_class: type[Mapper[Any]] | None,
) -> PersonalDataMapper:
    if mapper_class is None:
        topic = factory.env.get(factory.MAPPER_TOPIC)
        mapper_class = resolve_topic(topic) if topic else PersonalDataMapper
    origin = typing.get_origin(mapper_class) or mapper_class
    if not (isinstance(origin, type) and issubclass(origin, PersonalDataMapper)):
        raise InvalidValueError(
            f"mapper {mapper_class!r} would store personal data in the clear; it must extend "
            "PersonalDataMapper",
            field="mapper",
        )
    transcoder = transcoder or factory.transcoder()
    return origin(
        transcoder=transcoder,
        compressor=factory.compressor(),
        cipher=factory.cipher(),
        sealer=FieldSealer(keys, transcoder),
    )


class SealingEventStore(EventStore[Any]):
    """The library's event store, which first makes a batch's new subject keys together."""

    def put(self, domain_events: Sequence[Any], **kwargs: Any) -> list[Recording[Any]]:
        if len(domain_events) > 1 and isinstance(self.mapper, PersonalDataMapper):
            self.mapper.prepare_keys(domain_events)
        return super().put(domain_events, **kwargs)


class _SealingMapperFactory:
    """Mixed into a library factory: its mapper seals personal data with the store's keys."""

    subject_keys: SubjectKeys | None = None

    def mapper(
        self, transcoder: Transcoder | None = None, mapper_class: type[Mapper[Any]] | None = None
    ) -> Mapper[Any]:
        factory = typing.cast("InfrastructureFactory[Any]", self)
        if self.subject_keys is None:
            self.subject_keys = _subject_keys(factory)
        return _mapper(factory, self.subject_keys, transcoder, mapper_class)

    def event_store(
        self, mapper: Mapper[Any] | None = None, recorder: AggregateRecorder | None = None
    ) -> EventStore[Any]:
        factory = typing.cast("InfrastructureFactory[Any]", self)
        return SealingEventStore(
            mapper=mapper or self.mapper(), recorder=recorder or factory.application_recorder()
        )

    def close(self) -> None:
        if self.subject_keys is not None:
            self.subject_keys.close()
        super().close()  # type: ignore[misc]


class PersonalDataSQLiteFactory(_SealingMapperFactory, SQLiteFactory):
    """PERSISTENCE_MODULE for SQLite stores."""


class PersonalDataPostgresFactory(_SealingMapperFactory, AppendOnlyPostgresFactory):
    """PERSISTENCE_MODULE for PostgreSQL stores (append-only writer recorders)."""
