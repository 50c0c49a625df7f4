"""Staff accounts on both stores: argon2id hashes only, sign-in by email and password, back-off
after repeated failures, disabling, and the `user` commands (what `make demo` prints included)."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from complaints_ledger.access.sessions import SessionStore
from complaints_ledger.access.users import FIRST_LOCK, USERS_TABLE, UserStore
from complaints_ledger.cli.main import app
from complaints_ledger.domain.errors import InvalidValueError
from complaints_ledger.domain.values import Role
from complaints_ledger.persistence.store_url import parse_store_url
from complaints_ledger.persistence.view_db import ViewDatabases
from complaints_ledger.settings import Settings
from tests.builders import T0, assert_one_error_line
from tests.builders import SimulatedClock as Clock

PASSWORD = "correct horse battery staple"  # noqa: S105 - a test account's
COUNCIL = "Northshire County Council"


@pytest.fixture
def clock() -> Clock:
    return Clock(T0)


@pytest.fixture
def users(store_url: str, clock: Clock) -> UserStore:
    store = UserStore(parse_store_url(store_url), clock=clock)
    store.add(
        email=" Jo.Khan@Northshire.example ",
        organisation=COUNCIL,
        role=Role.OFFICER,
        password=PASSWORD,
    )
    return store


def stored_rows(store_url: str) -> list[tuple[object, ...]]:
    databases = ViewDatabases(parse_store_url(store_url))
    try:
        with databases.connection() as db:
            return [tuple(row) for row in db.execute(f"SELECT * FROM {USERS_TABLE}")]
    finally:
        databases.close()


def test_a_person_signs_in_with_their_email_and_password(users: UserStore) -> None:
    signed_in = users.authenticate("jo.khan@northshire.example", PASSWORD).principal
    assert signed_in is not None
    assert (signed_in.principal, signed_in.organisation, signed_in.role) == (
        "jo.khan@northshire.example",
        COUNCIL,
        Role.OFFICER,
    )
    assert users.authenticate("JO.KHAN@northshire.example ", PASSWORD).principal is not None
    info = users.get("jo.khan@northshire.example")
    assert info is not None
    assert info.last_sign_in_at == T0.isoformat()


def test_only_an_argon2id_hash_is_stored(users: UserStore, store_url: str) -> None:
    (row,) = stored_rows(store_url)
    assert not any(PASSWORD in str(value) for value in row)
    assert any(str(value).startswith("$argon2id$") for value in row)


def test_a_wrong_password_and_an_unknown_email_answer_alike(users: UserStore) -> None:
    wrong = users.authenticate("jo.khan@northshire.example", "not the password at all")
    unknown = users.authenticate("nobody@northshire.example", PASSWORD)
    assert wrong == unknown
    assert (wrong.principal, wrong.locked_until) == (None, None)


def test_repeated_failures_lock_the_account_for_longer_each_time(
    users: UserStore, clock: Clock
) -> None:
    email = "jo.khan@northshire.example"
    for _ in range(4):
        assert users.authenticate(email, "guess guess guess").locked_until is None
    fifth = users.authenticate(email, "guess guess guess")
    assert fifth.locked_until == T0 + FIRST_LOCK
    locked = users.authenticate(email, PASSWORD)  # even the right password, while locked
    assert (locked.principal, locked.locked_until) == (None, T0 + FIRST_LOCK)
    clock.now = T0 + FIRST_LOCK + timedelta(seconds=1)
    sixth = users.authenticate(email, "guess guess guess")
    assert sixth.locked_until == clock.now + 2 * FIRST_LOCK  # doubled
    clock.now += 2 * FIRST_LOCK + timedelta(seconds=1)
    assert users.authenticate(email, PASSWORD).principal is not None
    info = users.get(email)
    assert info is not None
    assert (info.failed_attempts, info.locked_until) == (0, None)  # a success starts afresh


def test_a_disabled_account_cannot_sign_in_until_enabled(users: UserStore) -> None:
    email = "jo.khan@northshire.example"
    users.disable(email)
    assert not users.is_active(email)
    assert users.authenticate(email, PASSWORD).principal is None
    users.enable(email)
    assert users.authenticate(email, PASSWORD).principal is not None


@pytest.mark.parametrize(
    ("email", "password", "field"),
    [
        ("not-an-email", PASSWORD, "email"),
        ("pat@northshire.example", "short", "password"),
        ("pat@northshire.example", "aaaaaaaaaaaaaaaa", "password"),
        ("patricia@northshire.example", "patricia-is-my-name", "password"),
        ("jo.khan@northshire.example", PASSWORD, "email"),  # already has an account
    ],
)
def test_a_bad_account_is_refused_naming_the_field(
    users: UserStore, email: str, password: str, field: str
) -> None:
    with pytest.raises(InvalidValueError) as caught:
        users.add(email=email, organisation=COUNCIL, role=Role.MANAGER, password=password)
    assert caught.value.field == field


def test_a_new_password_lifts_the_lock(users: UserStore) -> None:
    email = "jo.khan@northshire.example"
    for _ in range(6):
        users.authenticate(email, "guess guess guess")
    users.set_password(email, "a brand new long passphrase")
    assert users.authenticate(email, "a brand new long passphrase").principal is not None
    assert users.authenticate(email, PASSWORD).principal is None


# --------------------------------------------------------------------------- the commands


def cli(store: str, *args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(app, ["--store", store, *args], input=stdin, env={"COLUMNS": "200"})


def test_user_add_needs_a_registered_organisation_and_a_good_password(store_url: str) -> None:
    add = ["user", "add", "pat@northshire.example", "--org", COUNCIL, "--role", "manager"]
    unregistered = cli(store_url, *add, "--password-stdin", stdin=PASSWORD + "\n")
    assert "is registered" in assert_one_error_line(unregistered, "(field: org)")
    assert cli(store_url, "org", "add", COUNCIL, "--kind", "council").exit_code == 0
    short = cli(store_url, *add, "--password-stdin", stdin="short\n")
    assert_one_error_line(short, "(field: password)")
    added = cli(store_url, *add, "--password-stdin", stdin=PASSWORD + "\n")
    assert added.exit_code == 0, added.output
    listed = cli(store_url, "user", "list")
    assert listed.exit_code == 0, listed.output
    assert "pat@" in listed.stdout  # the table may wrap the address at the terminal's width
    assert PASSWORD not in listed.stdout
    prompted = cli(
        store_url,
        "user",
        "add",
        "sam@northshire.example",
        "--org",
        COUNCIL,
        "--role",
        "officer",
        stdin=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert prompted.exit_code == 0, prompted.output
    assert PASSWORD not in prompted.stdout  # typed, never echoed


def test_disabling_an_account_ends_its_sessions(store_url: str, tmp_path: Path) -> None:
    settings = Settings(store=store_url, session_secret_file=tmp_path / "secret")
    users = UserStore(settings.store_url)
    sessions = SessionStore.for_settings(settings)
    try:
        users.add(
            email="pat@northshire.example",
            organisation=COUNCIL,
            role=Role.OFFICER,
            password=PASSWORD,
        )
        signed_in = users.authenticate("pat@northshire.example", PASSWORD).principal
        assert signed_in is not None
        cookie, _ = sessions.start(signed_in)
        env = {"COLUMNS": "200", "COMPLAINTS_LEDGER_SESSION_SECRET_FILE": str(tmp_path / "secret")}
        done = CliRunner().invoke(
            app, ["--store", store_url, "user", "disable", "pat@northshire.example"], env=env
        )
        assert done.exit_code == 0, done.output
        assert "1 session(s) ended" in done.stdout
        assert sessions.resume(cookie) is None
    finally:
        users.close()
        sessions.close()


def test_user_demo_prints_a_working_sign_in_for_every_role(store_url: str) -> None:
    assert cli(store_url, "demo", "--complaints", "4").exit_code == 0
    printed = cli(store_url, "user", "demo")
    assert printed.exit_code == 0, printed.output
    logins = re.findall(r"^\s+(\w+)\s+.+?\s(\S+@\S+)\s+(\S+)$", printed.stdout, re.MULTILINE)
    assert {role for role, _, _ in logins} == {str(r) for r in Role if r != Role.SYSTEM}
    users = UserStore(parse_store_url(store_url))
    try:
        for role, email, password in logins:
            signed_in = users.authenticate(email, password).principal
            assert signed_in is not None, email
            assert signed_in.role == Role(role)
    finally:
        users.close()
    again = cli(store_url, "user", "demo")  # fresh passwords: the old ones stop working
    assert again.exit_code == 0
    role, email, password = logins[0]
    users = UserStore(parse_store_url(store_url))
    try:
        assert users.authenticate(email, password).principal is None
    finally:
        users.close()
