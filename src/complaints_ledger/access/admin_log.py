"""Who did what on the admin pages: each action an administrator takes there, with who took it
and when, one row each beside the accounts and tokens (which are keys, not facts of a case, so
this is their only record; registering an organisation is also an event of the ledger, with its
actor). Rows are only ever added."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from complaints_ledger.access.principal import Principal
from complaints_ledger.persistence.view_db import ViewDatabase
from complaints_ledger.readside.tracking import create_once

ADMIN_LOG_TABLE = "admin_actions"
_COLUMNS = "recorded_at, principal, organisation, role, action, target"


@dataclass(frozen=True)
class AdminAction:
    recorded_at: str
    principal: str
    organisation: str
    role: str
    action: str  # as the CLI names it: "org add", "user add", "token revoke", ...
    target: str  # the organisation, the account's email, the token's id, the projection


def _ensure(db: ViewDatabase) -> None:
    create_once(
        db,
        ADMIN_LOG_TABLE,
        f"CREATE TABLE IF NOT EXISTS {ADMIN_LOG_TABLE} (recorded_at TEXT NOT NULL, "
        "principal TEXT NOT NULL, organisation TEXT NOT NULL, role TEXT NOT NULL, "
        "action TEXT NOT NULL, target TEXT NOT NULL)",
    )


def record_admin_action(db: ViewDatabase, by: Principal, action: str, target: str) -> None:
    _ensure(db)
    with db.transaction():
        db.execute(
            f"INSERT INTO {ADMIN_LOG_TABLE} ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",  # noqa: S608
            (
                datetime.now(UTC).isoformat(),
                by.principal,
                by.organisation,
                str(by.role),
                action,
                target,
            ),
        )


def recent_admin_actions(db: ViewDatabase, limit: int = 20) -> list[AdminAction]:
    """The latest actions, newest first."""
    _ensure(db)
    rows = db.execute(
        f"SELECT {_COLUMNS} FROM {ADMIN_LOG_TABLE} ORDER BY recorded_at DESC LIMIT ?",  # noqa: S608
        (limit,),
    )
    return [AdminAction(*(str(value) for value in row)) for row in rows]
