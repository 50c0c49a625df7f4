"""The store URL: SQLite or PostgreSQL, mapped to eventsourcing settings, secrets redacted."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from complaints_ledger.domain.errors import InvalidValueError
from complaints_ledger.persistence.store_url import parse_store_url
from complaints_ledger.settings import Settings


def test_sqlite_relative_path() -> None:
    store = parse_store_url("sqlite:///.data/ledger.db")
    assert store.kind == "sqlite"
    assert store.env == {
        "PERSISTENCE_MODULE": "complaints_ledger.privacy.factories:PersonalDataSQLiteFactory",
        "SQLITE_DBNAME": ".data/ledger.db",
    }
    assert store.sqlite_path == Path(".data/ledger.db")
    assert not store.sqlite_path.is_absolute()
    assert store.redacted == "sqlite:///.data/ledger.db"


def test_sqlite_absolute_path_has_four_slashes() -> None:
    store = parse_store_url("sqlite:////var/lib/ledger/ledger.db")
    assert store.env["SQLITE_DBNAME"] == "/var/lib/ledger/ledger.db"
    assert store.sqlite_path == Path("/var/lib/ledger/ledger.db")
    assert store.sqlite_path.is_absolute()


def test_sqlite_in_memory_is_one_shared_database_and_has_no_file() -> None:
    store = parse_store_url("sqlite:///:memory:")
    assert store.kind == "sqlite"
    assert store.env["SQLITE_DBNAME"].startswith("file:")
    assert "mode=memory" in store.env["SQLITE_DBNAME"]
    assert "cache=shared" in store.env["SQLITE_DBNAME"]
    assert store.sqlite_path is None  # nothing to create on disk
    assert store.redacted == "sqlite:///:memory:"


def test_postgresql_with_user_password_port_and_schema() -> None:
    store = parse_store_url("postgresql://ledger:s3cr%40t@db.internal:6543/complaints?schema=cl")
    assert store.kind == "postgres"
    assert store.env == {
        "PERSISTENCE_MODULE": "complaints_ledger.privacy.factories:PersonalDataPostgresFactory",
        "POSTGRES_DBNAME": "complaints",
        "POSTGRES_HOST": "db.internal",
        "POSTGRES_PORT": "6543",
        "POSTGRES_USER": "ledger",
        "POSTGRES_PASSWORD": "s3cr@t",  # percent-decoded
        "POSTGRES_SCHEMA": "cl",
        "POSTGRES_CONNECT_TIMEOUT": "10",  # an unreachable server fails in seconds, not minutes
    }
    assert store.sqlite_path is None


def test_postgresql_connect_timeout_is_a_url_parameter() -> None:
    store = parse_store_url("postgresql://db.internal/complaints?connect_timeout=3")
    assert store.env["POSTGRES_CONNECT_TIMEOUT"] == "3"
    for bad in ("0", "soon", "-1"):
        with pytest.raises(InvalidValueError) as caught:
            parse_store_url(f"postgresql://db.internal/complaints?connect_timeout={bad}")
        assert caught.value.field == "store"


def test_postgres_defaults_and_the_short_scheme() -> None:
    store = parse_store_url("postgres://db.internal/complaints")
    assert store.env["POSTGRES_PORT"] == "5432"
    assert store.env["POSTGRES_USER"] == "postgres"
    assert store.env["POSTGRES_PASSWORD"] == ""
    assert "POSTGRES_SCHEMA" not in store.env
    assert store.redacted == "postgres://db.internal/complaints"


def test_the_password_is_redacted_for_logs() -> None:
    store = parse_store_url("postgresql://ledger:hunter2@db.internal:5432/complaints")
    assert store.redacted == "postgresql://ledger:***@db.internal:5432/complaints"
    assert "hunter2" not in store.redacted
    assert "hunter2" not in repr(store.redacted)


@pytest.mark.parametrize(
    "url",
    [
        "mysql://user@host/db",
        "sqlite://relative.db",  # two slashes: not a path
        "ledger.db",
        "",
        "http://example.org/ledger",
    ],
)
def test_unsupported_schemes_are_refused(url: str) -> None:
    with pytest.raises(InvalidValueError) as caught:
        parse_store_url(url)
    assert caught.value.field == "store"
    assert "sqlite:///" in caught.value.message


@pytest.mark.parametrize(
    "url",
    [
        "sqlite:///",
        "postgresql://ledger@db.internal",  # no database
        "postgresql://ledger@db.internal/",
        "postgresql:///complaints",  # no host
        "postgresql://ledger@db.internal:notaport/complaints",
    ],
)
def test_incomplete_urls_are_refused(url: str) -> None:
    with pytest.raises(InvalidValueError) as caught:
        parse_store_url(url)
    assert caught.value.field == "store"
    assert caught.value.message


def test_errors_never_show_the_password() -> None:
    with pytest.raises(InvalidValueError) as caught:
        parse_store_url("postgresql://ledger:hunter2@db.internal:99999999/complaints")
    assert "hunter2" not in str(caught.value)
    with pytest.raises(InvalidValueError) as caught_db:
        parse_store_url("postgresql://ledger:hunter2@db.internal")
    assert "hunter2" not in str(caught_db.value)
    assert "***" in str(caught_db.value)


def test_settings_reject_a_bad_store_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COMPLAINTS_LEDGER_STORE", raising=False)
    with pytest.raises(InvalidValueError) as caught:
        Settings(store="mysql://user@host/db")
    assert caught.value.field == "store"
    assert "unsupported store URL" in caught.value.message
    monkeypatch.setenv("COMPLAINTS_LEDGER_STORE", "postgresql://nohost")
    with pytest.raises(InvalidValueError) as caught_env:
        Settings()
    assert caught_env.value.field == "store"


def test_settings_reject_a_negative_snapshot_interval() -> None:
    with pytest.raises(ValidationError):
        Settings(store="sqlite:///:memory:", snapshot_interval=-1)


def test_settings_read_the_store_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMPLAINTS_LEDGER_STORE", "postgresql://ledger:pw@db.internal/complaints")
    settings = Settings()
    assert settings.store_url.kind == "postgres"
    assert settings.store_url.env["POSTGRES_HOST"] == "db.internal"
    monkeypatch.delenv("COMPLAINTS_LEDGER_STORE")
    default = Settings()
    assert default.store_url.kind == "sqlite"
    assert default.store_url.sqlite_path == Path(".data/ledger.db")
