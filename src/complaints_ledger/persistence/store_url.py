"""The store URL: one setting that picks SQLite or PostgreSQL, mapped to eventsourcing settings."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from complaints_ledger.domain.errors import InvalidValueError

SQLITE_PREFIX = "sqlite:///"
POSTGRES_SCHEMES = frozenset({"postgresql", "postgres"})
DEFAULT_POSTGRES_PORT = 5432
# The library's recorders (PostgreSQL: taught to run as an append-only writer, see append_only.py)
# with a mapper that seals personal data (privacy/factories.py).
POSTGRES_FACTORY = "complaints_ledger.privacy.factories:PersonalDataPostgresFactory"
SQLITE_FACTORY = "complaints_ledger.privacy.factories:PersonalDataSQLiteFactory"
DEFAULT_CONNECT_TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class StoreURL:
    """A parsed store URL. `redacted` is safe to log and print."""

    kind: str  # "sqlite" or "postgres"
    env: dict[str, str]
    redacted: str

    @property
    def sqlite_path(self) -> Path | None:
        name = self.env.get("SQLITE_DBNAME")
        if self.kind != "sqlite" or name is None or name == ":memory:" or name.startswith("file:"):
            return None
        return Path(name)


def parse_store_url(url: str) -> StoreURL:
    """Parse `sqlite:///path` or `postgresql://user[:password]@host[:port]/db[?schema=s]`
    (also `connect_timeout=seconds`, 10 by default)."""
    if url.startswith(SQLITE_PREFIX):
        return _sqlite(url[len(SQLITE_PREFIX) :])
    parts = urlsplit(url)
    if parts.scheme in POSTGRES_SCHEMES:
        return _postgres(url)
    raise InvalidValueError(
        f"unsupported store URL {_redact(url)!r}: use sqlite:///path/to/ledger.db or "
        "postgresql://user@host:port/database",
        field="store",
    )


def _sqlite(path: str) -> StoreURL:
    if not path:
        raise InvalidValueError("the SQLite store URL needs a file path", field="store")
    env = {"PERSISTENCE_MODULE": SQLITE_FACTORY, "SQLITE_DBNAME": path}
    if path == ":memory:":
        # One shared in-memory database per process, so that every connection sees the same events.
        env["SQLITE_DBNAME"] = "file:complaints_ledger?mode=memory&cache=shared"
    return StoreURL(kind="sqlite", env=env, redacted=f"{SQLITE_PREFIX}{path}")


def _postgres(url: str) -> StoreURL:
    parts = urlsplit(url)
    database = unquote(parts.path.lstrip("/"))
    if not parts.hostname or not database:
        raise InvalidValueError(
            f"PostgreSQL store URL {_redact(url)!r} needs a host and a database name",
            field="store",
        )
    try:
        port = parts.port or DEFAULT_POSTGRES_PORT
    except ValueError:
        raise InvalidValueError(
            f"store URL {_redact(url)!r} has an invalid port", field="store"
        ) from None
    env = {
        "PERSISTENCE_MODULE": POSTGRES_FACTORY,
        "POSTGRES_DBNAME": database,
        "POSTGRES_HOST": parts.hostname,
        "POSTGRES_PORT": str(port),
        "POSTGRES_USER": unquote(parts.username or "postgres"),
        "POSTGRES_PASSWORD": unquote(parts.password or ""),
    }
    query = parse_qs(parts.query)
    if query.get("schema"):
        env["POSTGRES_SCHEMA"] = query["schema"][0]
    timeout = query.get("connect_timeout", [str(DEFAULT_CONNECT_TIMEOUT_SECONDS)])[0]
    if not timeout.isdigit() or int(timeout) < 1:
        raise InvalidValueError(
            f"connect_timeout must be a whole number of seconds, not {timeout!r}", field="store"
        )
    env["POSTGRES_CONNECT_TIMEOUT"] = timeout
    return StoreURL(kind="postgres", env=env, redacted=_redact(url))


def _redact(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    return url.replace(f":{parts.password}@", ":***@", 1)
