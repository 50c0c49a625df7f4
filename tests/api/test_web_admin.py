"""The admin pages over HTTP, on both stores: each list is the CLI's (`org list`, `user list`,
`token list`, `keys status`, `projections status`); adding an organisation or a user, disabling
and enabling an account, resetting its password, issuing and revoking a token, and rebuilding a
projection work as the CLI's commands do (the new user can sign in, the revoked token gets 401
from the API, the rebuild's progress and result show); each is recorded with who took it. Other
roles are refused; a form without the session's CSRF token changes nothing; bad input is an
error summary naming the field, the values kept, never a 500."""

from __future__ import annotations

import html
import json
import re
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from typer.testing import CliRunner, Result

from complaints_ledger.api.app import create_app
from complaints_ledger.application.context import CommandContext
from complaints_ledger.cli import user_cmd
from complaints_ledger.cli.main import app as cli_app
from complaints_ledger.domain.registry import OrganisationKind
from complaints_ledger.domain.values import Actor, Role
from complaints_ledger.integrity.keys import generate_key, key_id, public_key_text
from complaints_ledger.integrity.log_sealer import LogSealer
from complaints_ledger.persistence.view_db import ViewDatabase
from complaints_ledger.settings import Settings
from tests.api.test_web_case_page import client as client  # noqa: PLC0414 - the fixture
from tests.api.test_web_sign_in import form_token, post_sign_in

pytestmark = pytest.mark.usefixtures("wide_consoles")

HTML = {"Accept": "text/html"}
PASSWORD = "four quiet owls at noon"  # noqa: S105 - the test accounts'
COUNCIL = "Northshire County Council"
ADMIN = "admin@northshire.example"
PAGES = ("/admin", "/admin/organisations", "/admin/users", "/admin/tokens", "/admin/keys")
PAGES += ("/admin/projections",)


@pytest.fixture(autouse=True)
def council_and_admin(client: TestClient) -> None:
    store = client.app.state.store  # type: ignore[attr-defined]
    store.ledger.register_organisation(
        CommandContext(Actor("setup", COUNCIL, Role.ADMIN)),
        name=COUNCIL,
        kind=OrganisationKind.COUNCIL,
    )
    store.users.add(email=ADMIN, organisation=COUNCIL, role=Role.ADMIN, password=PASSWORD)


def cli(store_url: str, *args: str) -> Result:
    result = CliRunner().invoke(cli_app, ["--store", store_url, *args], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    return result


def sign_in(client: TestClient, email: str = ADMIN, password: str = PASSWORD) -> str:
    """Sign in (anyone signed in before is signed out); the session's CSRF token."""
    client.cookies.clear()
    answer = post_sign_in(client, email, password)
    assert answer.status_code == 303, answer.text
    return form_token(client.get("/", headers=HTML).text, "csrf_token")


def post(client: TestClient, path: str, csrf: str, **fields: str) -> Response:
    return client.post(path, data={"csrf_token": csrf, **fields}, headers=HTML)


def cell_texts(page: str, attribute: str) -> list[str]:
    return [html.unescape(value) for value in re.findall(rf'{attribute}="([^"]*)"', page)]


def error_of(page: str, field: str) -> str:
    """The message by `field` (GOV.UK's error message), which the summary links to as well."""
    assert f'href="#{field}"' in page, page
    found = re.search(rf'id="{field}-error"[^>]*>\s*<span[^>]*>Error:</span>\s*([^<]+)', page)
    assert found is not None, page
    return html.unescape(found.group(1).strip())


def summary_error(page: str, anchor: str) -> str:
    """An error about no field of a form (a row of a table): in the summary only."""
    found = re.search(rf'<a href="#{anchor}">([^<]+)</a>', page)
    assert found is not None, page
    return html.unescape(found.group(1))


def test_signed_out_an_admin_page_asks_for_a_sign_in(client: TestClient) -> None:
    for path in PAGES:
        answer = client.get(path, headers=HTML, follow_redirects=False)
        assert (answer.status_code, answer.headers["location"]) == (303, "/sign-in")


@pytest.mark.parametrize("role", [Role.MANAGER, Role.OFFICER, Role.AUDITOR])
def test_other_roles_are_refused_and_see_no_admin_link(client: TestClient, role: Role) -> None:
    email = f"{role}@northshire.example"
    client.app.state.store.users.add(  # type: ignore[attr-defined]
        email=email, organisation=COUNCIL, role=role, password=PASSWORD
    )
    csrf = sign_in(client, email)
    for path in PAGES:
        answer = client.get(path, headers=HTML)
        assert answer.status_code == 403, path
        assert "The admin pages are for administrators" in answer.text
        assert 'href="/admin"' not in answer.text
    refused = post(client, "/admin/organisations", csrf, name="Sneaky Council", kind="council")
    assert refused.status_code == 403
    assert client.app.state.store.ledger.organisation("Sneaky Council") is None  # type: ignore[attr-defined]


def test_an_admin_lands_on_the_admin_pages(client: TestClient) -> None:
    client.cookies.clear()
    assert post_sign_in(client, ADMIN, PASSWORD).headers["location"] == "/admin"
    page = client.get("/admin/users", headers=HTML).text
    assert re.search(r'href="/admin" aria-current="true"', page)
    assert "<title>Users and roles - Admin - complaints-ledger</title>" in page


def test_a_form_without_the_sessions_token_changes_nothing(client: TestClient) -> None:
    sign_in(client)
    forged = post(client, "/admin/organisations", "forged", name="Forged Council", kind="council")
    assert forged.status_code == 400
    assert "The form has expired" in forged.text
    assert client.app.state.store.ledger.organisation("Forged Council") is None  # type: ignore[attr-defined]


def test_organisations_are_the_registry_and_one_is_added_as_org_add_does(
    client: TestClient, store_url: str
) -> None:
    csrf = sign_in(client)
    cli(
        store_url,
        "org",
        "add",
        "Care Quality Commission",
        "--kind",
        "regulator",
        "--regulator-body",
        "CQC",
    )
    added = post(
        client, "/admin/organisations", csrf, name="Riverside  City Council", kind="council"
    )
    assert added.status_code == 200, added.text
    assert "Registered Riverside City Council" in added.text  # its name as the ledger keeps it
    listed = cell_texts(added.text, "data-organisation")
    assert listed == [line.split("│")[1].strip() for line in _rows(cli(store_url, "org", "list"))]
    assert listed == [COUNCIL, "Care Quality Commission", "Riverside City Council"]
    registered = client.app.state.store.ledger.organisation("Riverside City Council")  # type: ignore[attr-defined]
    assert registered.registered_by["principal"] == ADMIN  # the event names who registered it
    assert "<code>org add</code>" in client.get("/admin", headers=HTML).text


def _rows(result: Result) -> list[str]:
    """The data rows of a CLI table (its header's borders are heavy: "┃")."""
    return [line for line in result.stdout.splitlines() if line.startswith("│")]


def test_a_bad_organisation_is_an_error_by_its_field_with_the_values_kept(
    client: TestClient,
) -> None:
    csrf = sign_in(client)
    empty = post(client, "/admin/organisations", csrf, name="", kind="")
    assert empty.status_code == 422
    assert empty.text.count("<title>Error: Organisations") == 1
    assert error_of(empty.text, "name") == "Enter the organisation's name"
    assert error_of(empty.text, "kind") == "Choose the kind of organisation"
    unbound = post(client, "/admin/organisations", csrf, name="The Ombudsman", kind="ombudsman")
    assert error_of(unbound.text, "ombudsman_body").startswith("An organisation of kind ombudsman")
    assert 'value="The Ombudsman"' in unbound.text
    assert re.search(r'value="ombudsman" checked', unbound.text)
    again = post(client, "/admin/organisations", csrf, name=COUNCIL.upper(), kind="council")
    assert again.status_code == 409
    assert "is already registered" in error_of(again.text, "name")


def test_users_are_listed_as_user_list_lists_them(
    client: TestClient, store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(user_cmd.console, "_width", 250)
    client.app.state.store.users.add(  # type: ignore[attr-defined]
        email="o.khan@northshire.example",
        organisation=COUNCIL,
        role=Role.OFFICER,
        password=PASSWORD,
    )
    sign_in(client)
    page = client.get("/admin/users", headers=HTML).text
    expected = [line.split("│")[1].strip() for line in _rows(cli(store_url, "user", "list"))]
    assert cell_texts(page, "data-account") == expected == [ADMIN, "o.khan@northshire.example"]


def test_a_new_user_gets_a_password_shown_once_and_can_sign_in(client: TestClient) -> None:
    csrf = sign_in(client)
    added = post(
        client,
        "/admin/users",
        csrf,
        email="New.Person@Northshire.example",
        org=COUNCIL,
        role="officer",
        password="",
    )
    assert added.status_code == 200, added.text
    password = html.unescape(re.findall(r'id="password">([^<]+)<', added.text)[0])
    assert "This is the only time it is shown" in added.text
    assert password not in client.get("/admin/users", headers=HTML).text
    assert sign_in(client, "new.person@northshire.example", password)
    assert client.get("/worklist", headers=HTML).status_code == 200  # an officer's page


def test_an_admin_may_set_the_new_users_password_under_the_clis_rules(client: TestClient) -> None:
    csrf = sign_in(client)
    short = post(
        client,
        "/admin/users",
        csrf,
        email="pat@northshire.example",
        org=COUNCIL,
        role="manager",
        password="too short",  # noqa: S106 - a refused one
    )
    assert short.status_code == 422
    assert "at least 12 characters" in error_of(short.text, "password")
    assert "too short" not in short.text  # a password is never sent back
    assert 'value="pat@northshire.example"' in short.text
    ombudsman = post(
        client,
        "/admin/users",
        csrf,
        email="pat@northshire.example",
        org=COUNCIL,
        role="ombudsman",
        password=PASSWORD,
    )
    assert "registered with --kind ombudsman" in error_of(ombudsman.text, "role")
    nowhere = post(
        client,
        "/admin/users",
        csrf,
        email="pat@northshire.example",
        org="Nowhere Council",
        role="manager",
        password=PASSWORD,
    )
    assert "is registered" in error_of(nowhere.text, "org")
    bad = post(client, "/admin/users", csrf, email="not an address", org=COUNCIL, role="manager")
    assert "is not an email address" in error_of(bad.text, "email")
    chosen = post(
        client,
        "/admin/users",
        csrf,
        email="pat@northshire.example",
        org=COUNCIL,
        role="manager",
        password=PASSWORD + " too",
    )
    assert chosen.status_code == 200
    assert "They sign in with the password you set" in chosen.text
    assert sign_in(client, "pat@northshire.example", PASSWORD + " too")


def test_disable_enable_and_reset_password_as_the_cli_does(client: TestClient) -> None:
    users = client.app.state.store.users  # type: ignore[attr-defined]
    users.add(
        email="sam@northshire.example", organisation=COUNCIL, role=Role.MANAGER, password=PASSWORD
    )
    sams = TestClient(client.app, base_url="http://localhost")
    assert sign_in(sams, "sam@northshire.example")
    csrf = sign_in(client)
    disabled = post(client, "/admin/users/disable", csrf, email="sam@northshire.example")
    assert "Disabled sam@northshire.example" in disabled.text
    assert 'govuk-tag--grey">Disabled' in disabled.text
    assert "Signed in as" not in sams.get("/", headers=HTML).text  # the session ended
    assert post_sign_in(sams, "sam@northshire.example", PASSWORD).status_code == 401
    enabled = post(client, "/admin/users/enable", csrf, email="sam@northshire.example")
    assert "Enabled sam@northshire.example" in enabled.text
    assert sign_in(sams, "sam@northshire.example")
    reset = post(client, "/admin/users/reset-password", csrf, email="sam@northshire.example")
    password = html.unescape(re.findall(r'id="password">([^<]+)<', reset.text)[0])
    assert "Signed in as" not in sams.get("/", headers=HTML).text
    assert post_sign_in(sams, "sam@northshire.example", PASSWORD).status_code == 401
    assert sign_in(sams, "sam@northshire.example", password)
    yourself = post(client, "/admin/users/disable", csrf, email=ADMIN)
    assert yourself.status_code == 422
    assert summary_error(yourself.text, "accounts") == "You cannot disable your own account"
    actions = client.get("/admin", headers=HTML).text
    for action in ("user disable", "user enable", "user set-password"):
        assert f"<code>{action}</code>" in actions
    assert ADMIN in actions


def test_a_token_is_issued_once_works_on_the_api_and_is_revoked(
    client: TestClient, store_url: str
) -> None:
    csrf = sign_in(client)
    issued = post(
        client, "/admin/tokens", csrf, principal="case-sync", org=COUNCIL, role="officer", days="30"
    )
    assert issued.status_code == 200, issued.text
    token = re.findall(r'id="token">([^<]+)<', issued.text)[0]
    _, token_id, secret = token.split("_", 2)  # cl_<id>_<secret>; the secret may hold "_"
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/calendars/england", headers=bearer).status_code == 200
    page = client.get("/admin/tokens", headers=HTML).text
    assert secret not in page  # never the secret again
    listed = [line.split("│")[1].strip() for line in _rows(cli(store_url, "token", "list"))]
    assert cell_texts(page, "data-token-id") == listed == [token_id]
    revoked = post(client, "/admin/tokens/revoke", csrf, token_id=token_id)
    assert f"Revoked token {token_id}" in revoked.text
    assert 'govuk-tag--grey">Revoked' in revoked.text
    assert client.get("/calendars/england", headers=bearer).status_code == 401
    assert "<code>token revoke</code>" in client.get("/admin", headers=HTML).text


def test_a_bad_token_request_names_its_field(client: TestClient) -> None:
    csrf = sign_in(client)
    answer = post(client, "/admin/tokens", csrf, principal="", org="", role="", days="many")
    assert answer.status_code == 422
    assert error_of(answer.text, "principal") == "Enter who or what the token is for"
    assert error_of(answer.text, "days") == "Enter the days as a whole number, for example 90"
    too_long = post(
        client, "/admin/tokens", csrf, principal="sync", org=COUNCIL, role="officer", days="9999"
    )
    assert "A token lasts from 1 to 365 days, not 9999" in error_of(too_long.text, "days")
    assert client.app.state.store.tokens.list() == []  # type: ignore[attr-defined]


def test_keys_show_ids_and_counts_but_never_key_material(
    client: TestClient, session_keyring: Path, store_url: str
) -> None:
    sign_in(client)
    client.app.state.store.ledger.subject_keys.keyring  # type: ignore[attr-defined] # noqa: B018 - made as the first personal data makes it
    page = client.get("/admin/keys", headers=HTML).text
    keyring = json.loads(session_keyring.read_text())
    assert f'data-key-id="{keyring["current"]}"' in page
    assert "Current" in page
    assert "There is no signing key" in page  # this app has none
    status = [line.split("│")[1].strip() for line in _rows(cli(store_url, "keys", "status"))]
    shown = re.findall(r'<tr class="govuk-table__row" data-key-id="([^"]+)">', page)
    assert shown == status == sorted(keyring["master_keys"])
    for secret in (*keyring["master_keys"].values(), keyring["pseudonym_key"]):
        assert secret not in page


def test_the_signing_key_shows_its_id_and_the_checkpoints_it_signed(
    store_url: str, tmp_path: Path
) -> None:
    key = generate_key(tmp_path / "signing.pem")
    settings = Settings(store=store_url, signing_key_file=tmp_path / "signing.pem")
    app = create_app(settings, background_sealing=False)
    with TestClient(app, base_url="http://localhost") as signed:  # the same store as `client`
        db = ViewDatabase(settings.store_url)
        try:
            LogSealer(db).checkpoint(key)
        finally:
            db.close()
        sign_in(signed)
        page = signed.get("/admin/keys", headers=HTML).text
    own = key_id(public_key_text(key))
    row = page[page.index(f'<tr class="govuk-table__row" data-key-id="{own}">') :]
    assert re.search(r">Active</td>\s*<td[^>]*>1</td>", row), row[:400]
    assert public_key_text(key) not in page  # not even the public key


def test_projections_status_is_the_clis_and_a_rebuild_shows_its_progress_and_result(
    client: TestClient, store_url: str
) -> None:
    csrf = sign_in(client)
    cli(store_url, "projections", "rebuild", "worklist")
    page = client.get("/admin/projections", headers=HTML).text
    status = {
        line.split("│")[1].strip(): line for line in _rows(cli(store_url, "projections", "status"))
    }
    assert cell_texts(page, "data-projection") == list(status)
    assert "current" in status["worklist"]
    started = client.post(
        "/admin/projections/rebuild",
        data={"csrf_token": csrf, "projection": "worklist"},
        headers=HTML,
        follow_redirects=False,
    )
    assert started.status_code == 303
    progress = client.get(started.headers["location"], headers=HTML).text
    assert "Rebuild of worklist" in progress
    deadline = time.monotonic() + 30
    while "Rebuilt worklist" not in progress and time.monotonic() < deadline:
        assert 'data-refresh-seconds="2"' in progress
        assert ">Refresh<" in progress
        time.sleep(0.2)
        progress = client.get(started.headers["location"], headers=HTML).text
    assert "Rebuilt worklist" in progress
    assert 'govuk-tag--green">Finished' in progress
    assert "data-refresh-seconds" not in progress
    assert "<code>projections rebuild</code>" in client.get("/admin", headers=HTML).text


def test_an_unknown_projection_is_an_error_not_a_rebuild(client: TestClient) -> None:
    csrf = sign_in(client)
    answer = post(client, "/admin/projections/rebuild", csrf, projection="nonsense")
    assert answer.status_code == 422
    assert "There is no projection 'nonsense'" in summary_error(answer.text, "projections")
    missing = client.get("/admin/projections/rebuilds/0123456789abcdef", headers=HTML)
    assert missing.status_code == 404
