"""The audit pages over HTTP, on both stores: a case's audit trail with actors and integrity,
who viewed it (an API read and the page's own), its bundle download (the API's bundle, which
verifies offline), and the integrity page's "Verify now", which names an event edited directly
in the store; only for the managers and auditors of the organisation holding the case."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from complaints_ledger.api.app import create_app
from complaints_ledger.application.context import CommandContext
from complaints_ledger.domain.registry import OrganisationKind
from complaints_ledger.domain.values import Actor, Person, Role
from complaints_ledger.integrity.bundle import verify_bundle
from complaints_ledger.integrity.keys import generate_key, public_key_text
from complaints_ledger.integrity.log_sealer import LogSealer
from complaints_ledger.integrity.verify import Progress, Report, verify
from complaints_ledger.settings import Settings
from complaints_ledger.web import integrity_page, verification_runs
from tests import builders
from tests.api.test_web_case_page import account, sign_in_as
from tests.stored_events import edit_stored_event

HTML = {"Accept": "text/html"}
COUNCIL, OTHER = "Northshire County Council", "Riverside City Council"


@pytest.fixture
def settings(store_url: str, tmp_path: Path) -> Settings:
    key_file = tmp_path / "signing-key.pem"
    generate_key(key_file)
    return Settings(store=store_url, signing_key_file=key_file)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    app = create_app(settings, background_sealing=False)
    with TestClient(app, base_url="http://localhost") as c:
        yield c


def sign_in(client: TestClient, role: Role, organisation: str = COUNCIL) -> str:
    email = f"{role}.{organisation.split(maxsplit=1)[0].lower()}@example.org"
    sign_in_as(client, account(client, email, organisation, role))
    return email


@pytest.fixture
def case_id(client: TestClient) -> UUID:
    ledger = client.app.state.store.ledger  # type: ignore[attr-defined]
    intake = builders.intake(
        receiving_organisation=COUNCIL,
        about_organisation=COUNCIL,
        service="Home care",
        complainant=Person("Pat Example", email="pat@example.org"),
    )
    found: UUID = ledger.receive(intake, CommandContext(Actor("o.khan", COUNCIL, Role.OFFICER)))
    ledger.acknowledge(found, CommandContext(Actor("m.ahmed", COUNCIL, Role.MANAGER)))
    return found


def cells(html: str, table: int) -> list[list[str]]:
    """The body rows of the page's `table`-th table, each cell's text."""
    body = re.findall(r"<tbody[^>]*>(.*?)</tbody>", html, re.DOTALL)[table]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.DOTALL)
    return [
        [text(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.DOTALL)]
        for row in rows
    ]


def text(html: str) -> str:
    """What a cell reads: its text, tags and runs of spaces between words as one space."""
    words = " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
    return words.replace(" ,", ",")


def test_the_audit_page_lists_the_trail_and_who_viewed_the_case(
    client: TestClient, case_id: UUID
) -> None:
    api_read = client.get(
        f"/complaints/{case_id}",
        headers={
            **builders.bearer(client.app.state.store.tokens, Role.OFFICER, COUNCIL),  # type: ignore[attr-defined]
            "Purpose": "checking the acknowledgement",
        },
    )
    assert api_read.status_code == 200
    email = sign_in(client, Role.AUDITOR)
    page = client.get(f"/cases/{case_id}/audit", headers=HTML)
    assert page.status_code == 200
    assert f"Audit of case {str(case_id)[:8]}" in page.text
    trail = cells(page.text, 0)
    assert [row[:2] for row in trail] == [["1", "Received"], ["2", "Acknowledged"]]
    assert trail[0][4] == "o.khan (officer) Northshire County Council"
    assert trail[1][4] == "m.ahmed (manager) Northshire County Council"
    assert all("Not sealed yet" in row[5] for row in trail)  # nothing sealed in this test yet
    reads = cells(page.text, 1)
    assert reads[-2][1:] == [
        f"officer@{COUNCIL}",
        "officer",
        COUNCIL,
        "case",
        "checking the acknowledgement",
    ]
    assert reads[-1][1:] == [email, "auditor", COUNCIL, "audit page", "Not given"]
    assert "Pat Example" not in page.text  # the page shows no personal data at all
    last = client.app.state.store.ledger.reads_of(case_id)[-1]  # type: ignore[attr-defined]
    assert (last["principal"], last["what"]) == (email, "audit page")


def test_the_bundle_download_is_the_apis_bundle_and_verifies(
    client: TestClient, case_id: UUID
) -> None:
    auditor = builders.bearer(client.app.state.store.tokens, Role.AUDITOR, COUNCIL)  # type: ignore[attr-defined]
    from_api = client.get(f"/complaints/{case_id}/bundle", headers=auditor).json()
    email = sign_in(client, Role.MANAGER)
    download = client.get(f"/cases/{case_id}/audit/bundle", headers=HTML)
    assert download.status_code == 200
    assert download.headers["content-type"] == "application/json"
    assert download.headers["content-disposition"] == (
        f'attachment; filename="case-{case_id}-bundle.json"'
    )
    bundle = download.json()
    assert bundle["format"] == from_api["format"]
    # the same stored events; proved against a later checkpoint (the API's read came since)
    assert without_proofs(bundle) == without_proofs(from_api)
    assert bundle["checkpoint"]["tree_size"] > from_api["checkpoint"]["tree_size"]
    public_key = public_key_text(client.app.state.signing_key)  # type: ignore[attr-defined]
    assert verify_bundle(bundle, public_key) == []
    last = client.app.state.store.ledger.reads_of(case_id)[-1]  # type: ignore[attr-defined]
    assert (last["principal"], last["what"]) == (email, "bundle")
    page = client.get(f"/cases/{case_id}/audit", headers=HTML)
    assert all("Chain holds" in row[5] and "signed" in row[5] for row in cells(page.text, 0))


def without_proofs(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {name: value for name, value in event.items() if name != "inclusion_proof"}
        for event in bundle["events"]
    ]


def test_verify_now_names_an_event_edited_in_the_store(
    client: TestClient, case_id: UUID, settings: Settings
) -> None:
    sign_in(client, Role.MANAGER)
    client.get(f"/cases/{case_id}/audit/bundle", headers=HTML)  # seals and signs the log
    page = client.get("/integrity", headers=HTML).text
    assert "Latest signed checkpoint" in page
    assert "Verify now" in page
    assert verified(client).count("Verified ") == 1
    assert "nothing differs" in client.get("/integrity", headers=HTML).text
    edit_stored_event(settings.store_url, case_id, b"Home care", b"Home cars")
    after = verified(client)
    assert "Discrepancies found" in after
    findings = cells(after, 0)
    assert findings[0][0] == "An event's stored bytes differ from when it was sealed"
    assert findings[0][2] == f"case {str(case_id)[:8]}, version 1"
    audit = client.get(f"/cases/{case_id}/audit", headers=HTML).text
    assert "Altered" in cells(audit, 0)[0][5]


def verified(client: TestClient) -> str:
    """Send "Verify now", then look again until the run has finished; the page it ends on."""
    page = client.get("/integrity", headers=HTML).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    sent = client.post("/integrity/verify", data={"csrf_token": token.group(1)}, headers=HTML)
    assert sent.status_code == 200
    for _ in range(200):
        if "Verification in progress" not in sent.text:
            return str(sent.text)
        time.sleep(0.05)
        sent = client.get("/integrity", headers=HTML)
    raise AssertionError("the verification did not finish")


def test_verify_now_needs_the_sessions_csrf_token(client: TestClient) -> None:
    sign_in(client, Role.AUDITOR)
    refused = client.post("/integrity/verify", data={"csrf_token": "forged"}, headers=HTML)
    assert refused.status_code == 400
    assert "The form has expired" in refused.text
    assert client.app.state.verifications.latest is None  # type: ignore[attr-defined]


def test_another_organisations_case_audit_is_page_not_found(
    client: TestClient, case_id: UUID
) -> None:
    sign_in(client, Role.MANAGER, OTHER)
    for address in (f"/cases/{case_id}/audit", f"/cases/{case_id}/audit/bundle"):
        theirs = client.get(address, headers=HTML)
        nobodys = client.get(address.replace(str(case_id), str(UUID(int=7))), headers=HTML)
        assert theirs.status_code == nobodys.status_code == 404
        assert theirs.text == nobodys.text
    reads = client.app.state.store.ledger.reads_of(case_id)  # type: ignore[attr-defined]
    assert all(read["organisation"] != OTHER for read in reads)


@pytest.mark.parametrize("role", [Role.OFFICER, Role.ANALYST, Role.HEALTHWATCH])
def test_roles_that_may_not_list_reads_see_no_audit(
    client: TestClient, case_id: UUID, role: Role
) -> None:
    sign_in(client, role)
    for address in (f"/cases/{case_id}/audit", f"/cases/{case_id}/audit/bundle", "/integrity"):
        refused = client.get(address, headers=HTML)
        assert refused.status_code == 403, address
        assert "You cannot see this page" in refused.text
    assert "/integrity" not in client.get("/", headers=HTML).text  # not in the navigation
    case_page = client.get(f"/cases/{case_id}", headers=HTML).text
    assert f"/cases/{case_id}/audit" not in case_page


def test_managers_and_auditors_are_offered_the_audit(client: TestClient, case_id: UUID) -> None:
    for role in (Role.MANAGER, Role.AUDITOR):
        sign_in(client, role)
        case_page = client.get(f"/cases/{case_id}", headers=HTML).text
        assert f'href="/cases/{case_id}/audit"' in case_page
        assert 'href="/integrity"' in case_page  # Integrity in the navigation


def test_signed_out_the_audit_pages_ask_for_a_sign_in(client: TestClient, case_id: UUID) -> None:
    for address in (f"/cases/{case_id}/audit", "/integrity"):
        answer = client.get(address, headers=HTML, follow_redirects=False)
        assert (answer.status_code, answer.headers["location"]) == (303, "/sign-in")


def test_a_long_verification_shows_its_progress_and_then_its_result(
    client: TestClient, case_id: UUID, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()

    def held_back(sealer: LogSealer, key: str | None, progress: Progress) -> Report:
        progress(0, 9)
        assert release.wait(30), "the test never let the verification go on"
        return verify(sealer, key, progress)

    monkeypatch.setattr(verification_runs, "verify", held_back)
    monkeypatch.setattr(integrity_page, "WAIT_SECONDS", 0.1)
    sign_in(client, Role.AUDITOR)
    client.get(f"/cases/{case_id}/audit/bundle", headers=HTML)
    page = client.get("/integrity", headers=HTML).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    for _ in range(2):  # pressing again while it runs shows the same run
        sent = client.post("/integrity/verify", data={"csrf_token": token.group(1)}, headers=HTML)
        assert "Verification in progress" in sent.text
        assert "Verifying: 0 of 9 events read so far" in sent.text
    running = client.app.state.verifications.latest  # type: ignore[attr-defined]
    release.set()
    assert running.ended.wait(30)
    done = client.get("/integrity", headers=HTML).text
    assert "Verification in progress" not in done
    assert "nothing differs" in done
    assert client.app.state.verifications.latest is running  # type: ignore[attr-defined]


def test_after_a_referral_only_the_new_holders_managers_see_the_audit(
    client: TestClient, case_id: UUID
) -> None:
    ledger = client.app.state.store.ledger  # type: ignore[attr-defined]
    admin = CommandContext(Actor("admin", "x", Role.ADMIN))
    for name in (COUNCIL, OTHER):
        ledger.register_organisation(admin, name=name, kind=OrganisationKind.COUNCIL)
    officer = Actor("o.khan", COUNCIL, Role.OFFICER)
    ledger.refer(
        case_id,
        CommandContext(officer),
        to_organisation=OTHER,
        reason="Their service",
        consent_to_share=True,
    )
    ledger.accept_referral(case_id, CommandContext(Actor("r.jones", OTHER, Role.OFFICER)))
    sign_in(client, Role.MANAGER)  # of the council that passed the case on: it may still read it
    refused = client.get(f"/cases/{case_id}/audit", headers=HTML)
    assert refused.status_code == 403
    assert "may read the case but not its access log" in unescape(refused.text)
    assert f"/cases/{case_id}/audit" not in client.get(f"/cases/{case_id}", headers=HTML).text
    sign_in(client, Role.MANAGER, OTHER)
    assert client.get(f"/cases/{case_id}/audit", headers=HTML).status_code == 200
