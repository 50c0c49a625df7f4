"""Web sessions on both stores: a signed cookie naming a server-side session, which ends on
sign-out, after the idle or the absolute timeout, or when the account's sessions are ended; a
tampered cookie names nobody; the table never holds the id itself."""

from __future__ import annotations

import stat
from datetime import timedelta
from pathlib import Path

import pytest

from complaints_ledger.access.principal import Principal
from complaints_ledger.access.sessions import SESSIONS_TABLE, SessionStore, session_secret
from complaints_ledger.domain.values import Role
from complaints_ledger.persistence.store_url import parse_store_url
from complaints_ledger.persistence.view_db import ViewDatabases
from complaints_ledger.settings import Settings
from tests.builders import T0
from tests.builders import SimulatedClock as Clock

JO = Principal("jo.khan@northshire.example", "Northshire County Council", Role.OFFICER, "web:jo")


@pytest.fixture
def clock() -> Clock:
    return Clock(T0)


@pytest.fixture
def sessions(store_url: str, tmp_path: Path, clock: Clock) -> SessionStore:
    settings = Settings(store=store_url, session_secret_file=tmp_path / "secret")
    return SessionStore.for_settings(settings, clock)


def test_a_cookie_resumes_its_session_as_the_person(sessions: SessionStore) -> None:
    cookie, started = sessions.start(JO)
    resumed = sessions.resume(cookie)
    assert resumed == started
    assert resumed.principal.actor == JO.actor
    other, _ = sessions.start(JO)
    assert other != cookie  # every sign-in is a new session


@pytest.mark.parametrize(
    "spoil", [lambda c: c[:-2] + "xx", lambda c: "x" + c, lambda c: c.split(".")[0], lambda c: ""]
)
def test_a_tampered_cookie_names_nobody(sessions: SessionStore, spoil) -> None:  # type: ignore[no-untyped-def]
    cookie, _ = sessions.start(JO)
    assert sessions.resume(spoil(cookie)) is None
    assert sessions.resume(None) is None


def test_another_installations_secret_is_not_accepted(
    store_url: str, tmp_path: Path, sessions: SessionStore
) -> None:
    cookie, _ = sessions.start(JO)
    elsewhere = Settings(store=store_url, session_secret_file=tmp_path / "other-secret")
    assert SessionStore.for_settings(elsewhere).resume(cookie) is None


def test_the_idle_timeout_ends_a_session_and_requests_keep_it_alive(
    sessions: SessionStore, clock: Clock
) -> None:
    cookie, _ = sessions.start(JO)
    for _ in range(3):
        clock.now += sessions.idle - timedelta(minutes=1)
        assert sessions.resume(cookie) is not None
    clock.now += sessions.idle + timedelta(seconds=1)
    assert sessions.resume(cookie) is None
    clock.now = T0  # ended stays ended
    assert sessions.resume(cookie) is None


def test_the_absolute_timeout_ends_even_a_busy_session(
    sessions: SessionStore, clock: Clock
) -> None:
    cookie, _ = sessions.start(JO)
    while clock.now - T0 < sessions.absolute - timedelta(minutes=10):
        clock.now += timedelta(minutes=10)
        assert sessions.resume(cookie) is not None
    clock.now = T0 + sessions.absolute + timedelta(seconds=1)
    assert sessions.resume(cookie) is None


def test_signing_out_and_ending_an_accounts_sessions(sessions: SessionStore) -> None:
    first, _ = sessions.start(JO)
    second, _ = sessions.start(JO)
    sessions.end(first)
    assert sessions.resume(first) is None
    assert sessions.resume(second) is not None
    assert sessions.end_all_for(JO.principal) == 1
    assert sessions.resume(second) is None


def test_the_csrf_token_is_the_sessions_own(sessions: SessionStore) -> None:
    _, one = sessions.start(JO)
    _, two = sessions.start(JO)
    assert one.csrf_matches(one.csrf_token)
    assert not one.csrf_matches(two.csrf_token)
    assert not one.csrf_matches(None)
    assert not one.csrf_matches("")


def test_only_a_hash_of_the_session_id_is_stored(sessions: SessionStore, store_url: str) -> None:
    cookie, _ = sessions.start(JO)
    databases = ViewDatabases(parse_store_url(store_url))
    try:
        with databases.connection() as db:
            stored = repr(db.execute(f"SELECT * FROM {SESSIONS_TABLE}"))
    finally:
        databases.close()
    assert cookie.split(".")[0] not in stored


def test_the_secret_is_made_once_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "session-secret"
    made = session_secret(path)
    assert len(made) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert session_secret(path) == made
