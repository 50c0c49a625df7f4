"""Staff accounts for the web interface: an email, an organisation, a role and a password.

Only an argon2id hash of each password is kept (argon2-cffi, its recommended parameters; a hash
made with older parameters is replaced at the next sign-in). Accounts are keys, not facts of a
case, so they live in their own table beside the event log, like the API's tokens.

Repeated failures back off: after `FREE_ATTEMPTS` wrong passwords in a row the account is locked
for a time that doubles with each further failure (30 seconds, then 1, 2, 4 ... minutes, at most
15), and while it is locked no password is even checked. A sign-in with an unknown email takes
as long as one with a wrong password and answers the same, so neither reveals who has an account.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from complaints_ledger.access.principal import Principal
from complaints_ledger.domain.errors import InvalidValueError
from complaints_ledger.domain.values import Role
from complaints_ledger.persistence.store_url import StoreURL
from complaints_ledger.persistence.view_db import ViewDatabase, ViewDatabases

USERS_TABLE = "staff_users"
FREE_ATTEMPTS = 5
FIRST_LOCK = timedelta(seconds=30)
LONGEST_LOCK = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 12  # NCSC: length beats complexity rules
MAX_PASSWORD_LENGTH = 256
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
SESSION_PREFIX = "web:"  # a signed-in person's Principal.token_id: "web:<email>"
_COLUMNS = "email, organisation, role, password_hash, created_at, disabled_at"
_COLUMNS += ", failed_attempts, locked_until, last_sign_in_at"

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class UserInfo:
    email: str
    organisation: str
    role: Role
    created_at: str
    disabled_at: str | None
    failed_attempts: int
    locked_until: str | None
    last_sign_in_at: str | None


@dataclass(frozen=True)
class SignIn:
    """The answer to a sign-in: the person, or nobody (and until when it is locked, if it is)."""

    principal: Principal | None
    locked_until: datetime | None = None


def normalised_email(email: str) -> str:
    address = email.strip().lower()
    if len(address) > 254 or not EMAIL.match(address):  # noqa: PLR2004 - RFC 5321's limit
        raise InvalidValueError(f"{email!r} is not an email address", field="email")
    return address


def check_password(password: str, email: str) -> None:
    """A password long enough to resist guessing, and not the email address itself."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidValueError(
            f"a password has at least {MIN_PASSWORD_LENGTH} characters (three random words "
            "make a good one)",
            field="password",
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidValueError(
            f"a password has at most {MAX_PASSWORD_LENGTH} characters", field="password"
        )
    local_part = email.split("@", maxsplit=1)[0]
    too_simple = len(set(password)) < 4  # noqa: PLR2004 - "aaaaaaaaaaaa", "abababababab"
    if too_simple or (len(local_part) >= 4 and local_part in password.lower()):  # noqa: PLR2004
        raise InvalidValueError(
            "the password is too easy to guess (it repeats a few characters or contains the "
            "email address)",
            field="password",
        )


def generated_password() -> str:
    """A random password to hand to a person (three groups, about 108 bits): for a new account
    or a reset, shown once and never stored."""
    return "-".join(secrets.token_urlsafe(6) for _ in range(3))


def lock_after(failures: int) -> timedelta | None:
    """How long `failures` wrong passwords in a row lock the account (None: not locked)."""
    if failures < FREE_ATTEMPTS:
        return None
    doubled: timedelta = FIRST_LOCK * 2 ** (failures - FREE_ATTEMPTS)
    return min(doubled, LONGEST_LOCK)


class UserStore:
    def __init__(self, store: StoreURL, *, clock: Clock = lambda: datetime.now(UTC)) -> None:
        self._clock, self._hasher = clock, PasswordHasher()
        self._unknown_hash = self._hasher.hash("an account that does not exist")
        self._databases = ViewDatabases(store, name="user store")
        with self._databases.connection() as db, db.transaction():
            db.execute(
                f"CREATE TABLE IF NOT EXISTS {USERS_TABLE} (email TEXT PRIMARY KEY, "
                "organisation TEXT NOT NULL, role TEXT NOT NULL, password_hash TEXT NOT NULL, "
                "created_at TEXT NOT NULL, disabled_at TEXT, failed_attempts INTEGER NOT NULL, "
                "locked_until TEXT, last_sign_in_at TEXT)"
            )

    def add(self, *, email: str, organisation: str, role: Role, password: str) -> UserInfo:
        address = normalised_email(email)
        if role == Role.SYSTEM:
            raise InvalidValueError("the system role is not for people", field="role")
        check_password(password, address)
        if self.get(address) is not None:
            raise InvalidValueError(f"{address} already has an account", field="email")
        now = self._clock().isoformat()
        with self._databases.connection() as db, db.transaction():
            db.execute(
                f"INSERT INTO {USERS_TABLE} ({_COLUMNS}) "  # noqa: S608
                "VALUES (?, ?, ?, ?, ?, NULL, 0, NULL, NULL)",
                (address, organisation, str(role), self._hasher.hash(password), now),
            )
        return UserInfo(address, organisation, role, now, None, 0, None, None)

    def get(self, email: str) -> UserInfo | None:
        with self._databases.connection() as db:
            rows = db.execute(
                f"SELECT {_COLUMNS} FROM {USERS_TABLE} WHERE email = ?",  # noqa: S608
                (email.strip().lower(),),
            )
        return _info(rows[0]) if rows else None

    def list(self) -> list[UserInfo]:
        with self._databases.connection() as db:
            rows = db.execute(f"SELECT {_COLUMNS} FROM {USERS_TABLE} ORDER BY organisation, email")  # noqa: S608
        return [_info(row) for row in rows]

    def authenticate(self, email: str, password: str) -> SignIn:
        """Who signs in with this email and password, counting a failure against the account."""
        address, now = email.strip().lower(), self._clock()
        with self._databases.connection() as db, db.transaction():
            rows = db.execute(
                f"SELECT {_COLUMNS} FROM {USERS_TABLE} WHERE email = ?",  # noqa: S608
                (address,),
            )
            user = _info(rows[0]) if rows else None
            if user is None or user.disabled_at is not None:
                self._verify(self._unknown_hash, password)  # as long as for a real account
                return SignIn(None)
            locked = _moment(user.locked_until)
            if locked is not None and locked > now:
                return SignIn(None, locked)  # no password is checked while locked
            stored_hash = str(rows[0][3])
            if not self._verify(stored_hash, password):
                return SignIn(None, self._count_failure(db, user, now))
            self._signed_in(db, user, now, self._rehashed(stored_hash, password))
        return SignIn(Principal(address, user.organisation, user.role, SESSION_PREFIX + address))

    def signed_in_elsewhere(self, email: str) -> Principal | None:
        """The enabled account with this email, signed in by an identity provider that vouched
        for the address (access/openid_connect.py): its organisation and role, its sign-in
        recorded. None for an unknown or disabled account. A lock after wrong passwords does
        not apply: no password was tried."""
        address, now = email.strip().lower(), self._clock()
        with self._databases.connection() as db, db.transaction():
            rows = db.execute(
                f"SELECT {_COLUMNS} FROM {USERS_TABLE} WHERE email = ?",  # noqa: S608
                (address,),
            )
            user = _info(rows[0]) if rows else None
            if user is None or user.disabled_at is not None:
                return None
            db.execute(
                f"UPDATE {USERS_TABLE} SET last_sign_in_at = ? WHERE email = ?",  # noqa: S608
                (now.isoformat(), address),
            )
        return Principal(address, user.organisation, user.role, SESSION_PREFIX + address)

    def _rehashed(self, stored_hash: str, password: str) -> str:
        """The stored hash, or a new one when it was made with older parameters."""
        if self._hasher.check_needs_rehash(stored_hash):
            return self._hasher.hash(password)
        return stored_hash

    def _signed_in(self, db: ViewDatabase, user: UserInfo, now: datetime, hashed: str) -> None:
        db.execute(
            f"UPDATE {USERS_TABLE} SET failed_attempts = 0, locked_until = NULL, "  # noqa: S608
            "last_sign_in_at = ?, password_hash = ? WHERE email = ?",
            (now.isoformat(), hashed, user.email),
        )

    def _verify(self, stored_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(stored_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def _count_failure(self, db: ViewDatabase, user: UserInfo, now: datetime) -> datetime | None:
        failures = user.failed_attempts + 1
        lock = lock_after(failures)
        until = None if lock is None else now + lock
        db.execute(
            f"UPDATE {USERS_TABLE} SET failed_attempts = ?, locked_until = ? WHERE email = ?",  # noqa: S608
            (failures, None if until is None else until.isoformat(), user.email),
        )
        return until

    def set_password(self, email: str, password: str) -> None:
        """A new password (an administrator's reset); it also unlocks the account."""
        address = normalised_email(email)
        check_password(password, address)
        self._update(
            address,
            "password_hash = ?, failed_attempts = 0, locked_until = NULL",
            self._hasher.hash(password),
        )

    def disable(self, email: str) -> None:
        """The account can no longer sign in (its sessions end at their next request)."""
        self._update(normalised_email(email), "disabled_at = ?", self._clock().isoformat())

    def enable(self, email: str) -> None:
        self._update(
            normalised_email(email), "disabled_at = NULL, failed_attempts = 0, locked_until = NULL"
        )

    def is_active(self, email: str) -> bool:
        user = self.get(email)
        return user is not None and user.disabled_at is None

    def _update(self, address: str, assignments: str, *values: str) -> None:
        with self._databases.connection() as db, db.transaction():
            if not db.execute(f"SELECT 1 FROM {USERS_TABLE} WHERE email = ?", (address,)):  # noqa: S608
                raise InvalidValueError(f"no account for {address}", field="email")
            db.execute(
                f"UPDATE {USERS_TABLE} SET {assignments} WHERE email = ?",  # noqa: S608
                (*values, address),
            )

    def close(self) -> None:
        self._databases.close()


def _moment(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _info(row: tuple[object, ...]) -> UserInfo:
    email, organisation, role, _hash, created, disabled, failures, locked, last = row
    return UserInfo(
        str(email),
        str(organisation),
        Role(str(role)),
        str(created),
        None if disabled is None else str(disabled),
        int(str(failures)),
        None if locked is None else str(locked),
        None if last is None else str(last),
    )
