"""Each organisation's letter templates, kept in a small table beside the event log on both
stores. Templates are the organisation's words, not facts of a case, so they are not events; but
a change is never overwritten: every edit is a new version (organisation, kind, version), with
who made it and when, and a letter sent records the version it was written from. The first
time an organisation's template of a kind is read, the shipped default is stored as its
version 1 (by `DEFAULT_AUTHOR`), so every version a letter names can be shown again later.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from complaints_ledger.domain.errors import ConflictError
from complaints_ledger.domain.letters import LetterKind
from complaints_ledger.letters.defaults import DEFAULT_TEMPLATES
from complaints_ledger.persistence.store_url import StoreURL
from complaints_ledger.persistence.view_db import ViewDatabase, ViewDatabases

TEMPLATES_TABLE = "letter_templates"
DEFAULT_AUTHOR = "complaints-ledger (the default template)"
_COLUMNS = "organisation, kind, version, body, changed_by, changed_at"

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class LetterTemplate:
    organisation: str
    kind: LetterKind
    version: int
    body: str
    changed_by: str
    changed_at: str


class TemplateStore:
    def __init__(self, store: StoreURL, *, clock: Clock = lambda: datetime.now(UTC)) -> None:
        self._clock = clock
        self._databases = ViewDatabases(store, name="letter template store")
        with self._databases.connection() as db, db.transaction():
            db.execute(
                f"CREATE TABLE IF NOT EXISTS {TEMPLATES_TABLE} (organisation TEXT NOT NULL, "
                "kind TEXT NOT NULL, version INTEGER NOT NULL, body TEXT NOT NULL, "
                "changed_by TEXT NOT NULL, changed_at TEXT NOT NULL, "
                "PRIMARY KEY (organisation, kind, version))"
            )

    def current(self, organisation: str, kind: LetterKind) -> LetterTemplate:
        """The template in force: the latest version (the default, stored as version 1, if the
        organisation never changed it)."""
        with self._databases.connection() as db:
            found = self._latest(db, organisation, kind)
            if found is not None:
                return found
            with db.transaction():
                self._insert(db, organisation, kind, 1, DEFAULT_TEMPLATES[kind], DEFAULT_AUTHOR)
                latest = self._latest(db, organisation, kind)
        assert latest is not None  # noqa: S101 - just stored (or stored by someone else)
        return latest

    def version(self, organisation: str, kind: LetterKind, version: int) -> LetterTemplate | None:
        with self._databases.connection() as db:
            rows = db.execute(
                f"SELECT {_COLUMNS} FROM {TEMPLATES_TABLE} "  # noqa: S608
                "WHERE organisation = ? AND kind = ? AND version = ?",
                (organisation, str(kind), version),
            )
        return _template(rows[0]) if rows else None

    def history(self, organisation: str, kind: LetterKind) -> list[LetterTemplate]:
        """Every version, newest first."""
        self.current(organisation, kind)
        with self._databases.connection() as db:
            rows = db.execute(
                f"SELECT {_COLUMNS} FROM {TEMPLATES_TABLE} "  # noqa: S608
                "WHERE organisation = ? AND kind = ? ORDER BY version DESC",
                (organisation, str(kind)),
            )
        return [_template(row) for row in rows]

    def change(
        self, organisation: str, kind: LetterKind, body: str, *, by: str, based_on: int
    ) -> LetterTemplate:
        """A new version after `based_on`; ConflictError when someone saved one since."""
        with self._databases.connection() as db, db.transaction():
            latest = self._latest(db, organisation, kind)
            if latest is None or latest.version != based_on:
                raise ConflictError(
                    "someone else changed this template since you opened it", field="version"
                )
            if not self._insert(db, organisation, kind, based_on + 1, body, by):
                raise ConflictError(
                    "someone else changed this template since you opened it", field="version"
                )
            saved = self._latest(db, organisation, kind)
        assert saved is not None  # noqa: S101 - just stored
        return saved

    def _latest(
        self, db: ViewDatabase, organisation: str, kind: LetterKind
    ) -> LetterTemplate | None:
        rows = db.execute(
            f"SELECT {_COLUMNS} FROM {TEMPLATES_TABLE} "  # noqa: S608
            "WHERE organisation = ? AND kind = ? ORDER BY version DESC LIMIT 1",
            (organisation, str(kind)),
        )
        return _template(rows[0]) if rows else None

    def _insert(  # noqa: PLR0917 - one row's columns
        self,
        db: ViewDatabase,
        organisation: str,
        kind: LetterKind,
        version: int,
        body: str,
        by: str,
    ) -> bool:
        """Store one version; False when that version exists already (a concurrent save)."""
        rows = db.execute(
            f"INSERT INTO {TEMPLATES_TABLE} ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?) "  # noqa: S608
            "ON CONFLICT DO NOTHING RETURNING version",
            (organisation, str(kind), version, body, by, self._clock().isoformat()),
        )
        return bool(rows)

    def close(self) -> None:
        self._databases.close()


def _template(row: tuple[object, ...]) -> LetterTemplate:
    organisation, kind, version, body, by, at = row
    return LetterTemplate(
        str(organisation), LetterKind(str(kind)), int(str(version)), str(body), str(by), str(at)
    )
