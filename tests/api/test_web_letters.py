"""The Letters screen over HTTP, on both stores: "Write a letter" on the case page, a letter
prefilled from the organisation's template with the case's facts, edited, previewed, printed
and sent (recording the SHA-256 of the edited text through send_letter), a letter's text checked
against those sent, and a manager's template edits, each a dated, attributed version. Under the
case page's policy: another organisation's case is "Page not found", the read is recorded."""

from __future__ import annotations

import hashlib
import html
import re
from typing import Any
from uuid import UUID, uuid4

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from complaints_ledger.application.context import CommandContext
from complaints_ledger.application.ledger import ComplaintsLedger
from complaints_ledger.domain.calendars import UK_TIME_ZONE
from complaints_ledger.domain.letters import LetterKind
from complaints_ledger.domain.values import Actor, Outcome, Person, RegimeId, Remedy, Role
from tests import builders
from tests.api.test_web_case_page import COUNCIL, HTML, OTHER, account, sign_in_as
from tests.api.test_web_case_page import client as client  # noqa: PLC0414 - the fixture
from tests.api.test_web_command_forms import hidden

OFFICER = Actor("o.khan", COUNCIL)
EDITED = "Dear Pat Example,\n\nWe have received your complaint and will call you on Monday."


def ledger_of(client: TestClient) -> ComplaintsLedger:
    found: ComplaintsLedger = client.app.state.store.ledger  # type: ignore[attr-defined]
    return found


def new_case(client: TestClient, regime: RegimeId = RegimeId.ENGLAND_2009) -> UUID:
    intake = builders.intake(
        receiving_organisation=COUNCIL,
        about_organisation=COUNCIL,
        regime=regime,
        complainant=Person("Pat Example", email="pat@example.org"),
    )
    case_id: UUID = ledger_of(client).receive(intake, CommandContext(OFFICER))
    return case_id


@pytest.fixture
def case_id(client: TestClient) -> UUID:
    return new_case(client)


def sign_in(client: TestClient, role: Role, organisation: str = COUNCIL) -> str:
    email = f"{role}.{uuid4().hex[:8]}@{organisation.split(maxsplit=1)[0].lower()}.example"
    sign_in_as(client, account(client, email, organisation, role))
    return email


def letter_form(client: TestClient, case_id: UUID, kind: str = "acknowledgement") -> Response:
    page = client.get(f"/cases/{case_id}/letters/{kind}", headers=HTML)
    assert page.status_code == 200, page.text
    return page


def prefilled(page: Response) -> str:
    found = re.search(r'<textarea[^>]*name="text"[^>]*>(.*?)</textarea>', page.text, re.DOTALL)
    assert found is not None
    return html.unescape(found.group(1)).removeprefix("\n")


def post_letter(
    client: TestClient,
    case_id: UUID,
    action: str,
    text: str,
    kind: str = "acknowledgement",
    **changes: str,
) -> Response:
    form = letter_form(client, case_id, kind)
    data: dict[str, Any] = {**hidden(form), "channel": "post", "text": text, "action": action}
    return client.post(
        f"/cases/{case_id}/letters/{kind}",
        data={**data, **changes},
        headers=HTML,
        follow_redirects=False,
    )


def letters_sent(client: TestClient, case_id: UUID) -> list[dict[str, Any]]:
    return ledger_of(client).get(case_id).letters_sent()


def test_the_case_page_offers_write_a_letter_and_the_choice_of_letter(
    client: TestClient, case_id: UUID
) -> None:
    sign_in(client, Role.OFFICER)
    case_page = client.get(f"/cases/{case_id}", headers=HTML)
    assert f'<a href="/cases/{case_id}/letters" role="button"' in case_page.text
    assert "Write a letter" in case_page.text
    choose = client.get(f"/cases/{case_id}/letters", headers=HTML)
    assert choose.status_code == 200
    assert "<title>Which letter do you want to write?" in choose.text
    for name in ("Acknowledgement", "Extension or delay notice", "Response"):
        assert name in choose.text
    chosen = client.get(
        f"/cases/{case_id}/letters?step=choose&kind=response", headers=HTML, follow_redirects=False
    )
    assert (chosen.status_code, chosen.headers["location"]) == (
        303,
        f"/cases/{case_id}/letters/response",
    )


def test_choosing_no_letter_is_an_error_on_the_same_page(client: TestClient, case_id: UUID) -> None:
    sign_in(client, Role.OFFICER)
    page = client.get(f"/cases/{case_id}/letters?step=choose", headers=HTML)
    assert page.status_code == 400
    assert "<title>Error: Which letter" in page.text
    assert 'href="#kind"' in page.text
    assert "Select which letter you want to write" in page.text
    assert f'<a href="/cases/{case_id}" class="govuk-back-link">Back to the case</a>' in page.text


def test_the_acknowledgement_is_prefilled_with_the_cases_facts(
    client: TestClient, case_id: UUID
) -> None:
    sign_in(client, Role.OFFICER)
    text = prefilled(letter_form(client, case_id))
    complaint = ledger_of(client).get(case_id)
    assert "Dear Pat Example," in text
    assert f"Our reference: {str(case_id)[:8].upper()}" in text
    received = complaint.received_at.astimezone(UK_TIME_ZONE).date()
    assert f"which we received on {received.day} {received:%B %Y}" in text
    assert "We would like to discuss with you how we will handle your complaint" in text
    due = {d.name: d.due for d in complaint.deadlines(received)}["internal_response_target"]
    assert f"our response by {due.day} {due:%B %Y}" in text
    assert "Local Government and Social Care Ombudsman" in text
    reads = ledger_of(client).reads_of(case_id)
    assert reads[-1]["what"] == "acknowledgement letter"


@pytest.mark.parametrize(
    ("regime", "body"),
    [
        (RegimeId.WALES_2014, "Public Services Ombudsman for Wales"),
        (RegimeId.NI_HSC, "Northern Ireland Public Services Ombudsman"),
        (RegimeId.ENGLAND_2009, "Local Government and Social Care Ombudsman"),
    ],
)
def test_the_response_names_the_outcome_remedies_and_the_regimes_ombudsman(
    client: TestClient, regime: RegimeId, body: str
) -> None:
    case_id = new_case(client, regime)
    ledger = ledger_of(client)
    ledger.acknowledge(case_id, CommandContext(OFFICER))
    ledger.send_response(
        case_id,
        CommandContext(OFFICER),
        outcome=Outcome.PARTLY_UPHELD,
        remedies=[Remedy.APOLOGY, Remedy.REFUND],
        signed_by="Director of Care",
        ombudsman_rights_given=True,
        summary="We read the visit logs and spoke to the carers.",
    )
    sign_in(client, Role.OFFICER)
    text = prefilled(letter_form(client, case_id, "response"))
    assert "your complaint is partly upheld" in text
    assert "- Apology\n- Refund" in text
    assert "We read the visit logs and spoke to the carers." in text
    assert body in text
    assert text.rstrip().endswith("Director of Care")


def test_an_edited_letter_is_sent_and_its_hash_recorded(client: TestClient, case_id: UUID) -> None:
    sign_in(client, Role.OFFICER)
    before = ledger_of(client).get(case_id).version
    sent = post_letter(client, case_id, "send", EDITED.replace("\n", "\r\n") + "\r\n")
    assert sent.status_code == 303, sent.text
    assert sent.headers["location"] == f"/cases/{case_id}?recorded={before + 1}"
    [letter] = letters_sent(client, case_id)
    assert letter["sha256"] == hashlib.sha256(EDITED.encode()).hexdigest()
    assert (letter["kind"], letter["channel"], letter["template_version"]) == (
        "acknowledgement",
        "post",
        1,
    )
    case_page = client.get(sent.headers["location"], headers=HTML)
    assert "Letter sent" in case_page.text  # the banner and the timeline
    assert ledger_of(client).get(case_id).acknowledged_at is None  # not the acknowledgement
    choose = client.get(f"/cases/{case_id}/letters", headers=HTML)
    assert letter["sha256"] in choose.text


def test_a_letter_form_sent_twice_records_one_letter(client: TestClient, case_id: UUID) -> None:
    sign_in(client, Role.OFFICER)
    form = letter_form(client, case_id)
    data = {**hidden(form), "channel": "email", "text": EDITED, "action": "send"}
    url = f"/cases/{case_id}/letters/acknowledgement"
    first = client.post(url, data=data, headers=HTML, follow_redirects=False)
    again = client.post(url, data=data, headers=HTML, follow_redirects=False)
    assert first.status_code == again.status_code == 303
    assert first.headers["location"] == again.headers["location"]
    assert len(letters_sent(client, case_id)) == 1


def test_preview_and_print_show_the_edited_text_and_record_nothing(
    client: TestClient, case_id: UUID
) -> None:
    sign_in(client, Role.OFFICER)
    preview = post_letter(client, case_id, "preview", EDITED)
    assert preview.status_code == 200
    assert '<h2 class="govuk-heading-m">Preview</h2>' in preview.text
    assert html.escape(EDITED.splitlines()[-1]) in preview.text
    printed = post_letter(client, case_id, "print", EDITED)
    assert printed.status_code == 200
    assert "<title>Print: Acknowledgement letter" in printed.text
    assert 'class="app-letter app-letter--print"' in printed.text
    assert "style=" not in printed.text
    assert letters_sent(client, case_id) == []


def test_a_letter_checks_against_those_sent(client: TestClient, case_id: UUID) -> None:
    sign_in(client, Role.OFFICER)
    assert post_letter(client, case_id, "send", EDITED).status_code == 303
    sign_in(client, Role.AUDITOR)  # anyone who may read the case may check
    form = client.get(f"/cases/{case_id}/letters/check", headers=HTML)
    assert form.status_code == 200
    token = hidden(form)["csrf_token"]
    url = f"/cases/{case_id}/letters/check"
    matched = client.post(url, data={"csrf_token": token, "text": "\n" + EDITED}, headers=HTML)
    assert matched.status_code == 200
    assert "This letter was sent" in matched.text
    changed = client.post(
        url, data={"csrf_token": token, "text": EDITED.replace("Monday", "Tuesday")}, headers=HTML
    )
    assert "This letter was sent" not in changed.text
    assert "does not match any letter recorded on this case" in changed.text
    empty = client.post(url, data={"csrf_token": token, "text": "  "}, headers=HTML)
    assert empty.status_code == 400
    assert "<title>Error: Check a letter" in empty.text
    assert "Paste the text of the letter you want to check" in empty.text
    assert ledger_of(client).reads_of(case_id)[-1]["what"] == "letter check"


def test_an_empty_letter_is_an_error_by_its_field_with_nothing_recorded(
    client: TestClient, case_id: UUID
) -> None:
    sign_in(client, Role.OFFICER)
    answer = post_letter(client, case_id, "send", "   ")
    assert answer.status_code == 422
    assert "<title>Error: Acknowledgement letter" in answer.text
    assert 'href="#text"' in answer.text
    assert "Enter the letter" in answer.text
    bad_channel = post_letter(client, case_id, "send", EDITED, channel="pigeon")
    assert bad_channel.status_code == 422
    assert 'href="#channel"' in bad_channel.text
    assert html.escape(EDITED.splitlines()[-1]) in bad_channel.text  # what was entered is kept
    assert letters_sent(client, case_id) == []


def test_a_stale_form_or_a_wrong_token_records_nothing(client: TestClient, case_id: UUID) -> None:
    sign_in(client, Role.OFFICER)
    form = letter_form(client, case_id)
    ledger_of(client).acknowledge(case_id, CommandContext(OFFICER))  # someone else, meanwhile
    data = {**hidden(form), "channel": "post", "text": EDITED, "action": "send"}
    url = f"/cases/{case_id}/letters/acknowledgement"
    stale = client.post(url, data=data, headers=HTML)
    assert stale.status_code == 409
    assert "Someone else changed this case" in stale.text
    expired = client.post(url, data={**data, "csrf_token": "x"}, headers=HTML)
    assert expired.status_code == 400
    assert "The form has expired" in expired.text
    assert letters_sent(client, case_id) == []


def test_policy_other_organisation_not_found_auditor_not_permitted(
    client: TestClient, case_id: UUID
) -> None:
    sign_in(client, Role.MANAGER, OTHER)
    for path in ("/letters", "/letters/acknowledgement", "/letters/check"):
        theirs = client.get(f"/cases/{case_id}{path}", headers=HTML)
        nobodys = client.get(f"/cases/{UUID(int=7)}{path}", headers=HTML)
        assert theirs.status_code == nobodys.status_code == 404, path
        assert "Pat Example" not in theirs.text
    sign_in(client, Role.AUDITOR)
    assert client.get(f"/cases/{case_id}/letters/response", headers=HTML).status_code == 403
    assert client.get(f"/cases/{case_id}/letters/nonsense", headers=HTML).status_code == 403
    sign_in(client, Role.OFFICER)
    assert client.get(f"/cases/{case_id}/letters/nonsense", headers=HTML).status_code == 404
    client.cookies.clear()
    signed_out = client.get(f"/cases/{case_id}/letters", headers=HTML, follow_redirects=False)
    assert signed_out.headers["location"] == "/sign-in"


def template_form(client: TestClient, kind: str = "acknowledgement") -> Response:
    page = client.get(f"/letter-templates/{kind}", headers=HTML)
    assert page.status_code == 200, page.text
    return page


def save(client: TestClient, body: str, kind: str = "acknowledgement", **changes: str) -> Response:
    data = {**hidden(template_form(client, kind)), "body": body, **changes}
    return client.post(f"/letter-templates/{kind}", data=data, headers=HTML, follow_redirects=False)


def test_a_manager_edits_a_template_and_letters_start_from_it(
    client: TestClient, case_id: UUID
) -> None:
    manager = sign_in(client, Role.MANAGER)
    listing = client.get("/letter-templates", headers=HTML)
    assert listing.status_code == 200
    assert "complaints-ledger (the default template)" in listing.text
    saved = save(client, "Hello {{ complainant.name }}, case {{ case.reference }}.\n")
    assert (saved.status_code, saved.headers["location"]) == (
        303,
        "/letter-templates?saved=acknowledgement",
    )
    assert "Acknowledgement template saved" in client.get(saved.headers["location"]).text
    store = client.app.state.store.letter_templates  # type: ignore[attr-defined]
    current = store.current(COUNCIL, LetterKind.ACKNOWLEDGEMENT)
    assert (current.version, current.changed_by) == (2, manager)
    assert current.changed_at
    assert [v.version for v in store.history(COUNCIL, LetterKind.ACKNOWLEDGEMENT)] == [2, 1]
    assert store.current(OTHER, LetterKind.ACKNOWLEDGEMENT).version == 1  # theirs is untouched
    form = letter_form(client, case_id)
    assert prefilled(form) == f"Hello Pat Example, case {str(case_id)[:8].upper()}.\n"
    assert hidden(form)["template_version"] == "2"
    assert post_letter(client, case_id, "send", prefilled(form)).status_code == 303
    assert letters_sent(client, case_id)[0]["template_version"] == 2


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("{{ ''.__class__.__mro__ }}", "unsafe"),
        ("{{ case.reference.upper() }}", "unsafe"),
        ("Dear {{ complainant.nmae }}", "letters do not have"),
        ("{% for x in case.subjects %}", "Line 1"),
        ("{% macro m() %}{% endmacro %}", "cannot use macros"),
        ("{{ 'x' * 1000000000 }}", "operator *"),
        ("   ", "Enter the template"),
    ],
)
def test_a_template_that_cannot_make_a_letter_is_refused(
    client: TestClient, body: str, message: str
) -> None:
    sign_in(client, Role.MANAGER)
    refused = save(client, body)
    assert refused.status_code == 422, refused.text
    assert "<title>Error: Acknowledgement letter template" in refused.text
    assert 'href="#body"' in refused.text
    assert message in html.unescape(refused.text)
    store = client.app.state.store.letter_templates  # type: ignore[attr-defined]
    assert store.current(COUNCIL, LetterKind.ACKNOWLEDGEMENT).version == 1


def test_a_template_saved_by_someone_else_meanwhile_is_a_conflict(client: TestClient) -> None:
    sign_in(client, Role.MANAGER)
    stale = hidden(template_form(client))
    assert save(client, "First {{ today }}").status_code == 303
    data = {**stale, "body": "Second {{ today }}"}
    conflict = client.post("/letter-templates/acknowledgement", data=data, headers=HTML)
    assert conflict.status_code == 409
    assert "Someone else changed this template" in conflict.text
    assert "Second {{ today }}" in html.unescape(conflict.text)  # kept


def test_only_managers_edit_templates(client: TestClient) -> None:
    sign_in(client, Role.OFFICER)
    assert client.get("/letter-templates", headers=HTML).status_code == 403
    assert client.get("/letter-templates/response", headers=HTML).status_code == 403
    assert "Letter templates" not in client.get("/worklist", headers=HTML).text
    sign_in(client, Role.MANAGER)
    assert 'href="/letter-templates"' in client.get("/worklist", headers=HTML).text
    assert client.get("/letter-templates/nonsense", headers=HTML).status_code == 404
