"""The case page's command buttons and forms over HTTP, on both stores: a button and a form for
every catalogue command the policy lets the signed-in person run (none, and 403 or 404, for
anyone else), each form made from the command's body; a submission runs the command as the API
does, with the form's version as If-Match: a stale form is told someone changed the case and
writes nothing, a bad value is named by its field, a wrong CSRF token changes nothing."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, time, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from complaints_ledger.application.catalogue import CATALOGUE, CaseCommand, CommandCall
from complaints_ledger.application.catalogue import command_named as named
from complaints_ledger.application.context import CommandContext
from complaints_ledger.application.ledger import ComplaintsLedger
from complaints_ledger.domain.calendars import UK_TIME_ZONE
from complaints_ledger.domain.errors import StoreUnavailableError
from complaints_ledger.domain.registry import OrganisationKind
from complaints_ledger.domain.values import Actor, Ombudsman, Person, Regulator, Role
from complaints_ledger.web.actions import PATH_ITEMS, form_address, link_address
from complaints_ledger.web.command_pages import CONFLICT
from complaints_ledger.web.forms import Kind, form_fields
from tests import builders
from tests.api.test_web_case_page import COUNCIL, HTML, OTHER, account, sign_in_as
from tests.api.test_web_case_page import client as client  # noqa: PLC0414 - the fixture

CQC = "Care Quality Commission"
DUE = "2030-06-01"  # after any day the tests run on
OFFICER = Actor("o.khan", COUNCIL)
ITEMS = {"action_id": "A1", "remedy_id": "R1"}  # the ids the worked case's items get
ROLES = (Role.OFFICER, Role.MANAGER, Role.REGULATOR)  # who runs each command here
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


def ledger_of(client: TestClient) -> ComplaintsLedger:
    found: ComplaintsLedger = client.app.state.store.ledger  # type: ignore[attr-defined]
    return found


def run(ledger: ComplaintsLedger, case_id: UUID, name: str, payload: dict[str, Any]) -> None:
    command = named(name)
    body = command.body.model_validate(payload)
    path = {parameter: ITEMS[parameter] for parameter in command.path_parameters}
    command(ledger, CommandCall(case_id, CommandContext(OFFICER), body, path))


def new_case(client: TestClient, received_at: datetime | None = None) -> UUID:
    intake = builders.intake(
        receiving_organisation=COUNCIL,
        about_organisation=COUNCIL,
        complainant=Person("Pat Example", email="pat@example.org"),
    )
    ctx = CommandContext(OFFICER, occurred_at=received_at)
    case_id: UUID = ledger_of(client).receive(intake, ctx)
    return case_id


@pytest.fixture
def worked_case(client: TestClient) -> UUID:
    """A case with an open action, an ombudsman's remedy and a notification to the CQC, so every
    command has something to act on."""
    ledger = ledger_of(client)
    admin = CommandContext(Actor("admin", "complaints-ledger", Role.ADMIN))
    ledger.register_organisation(
        admin, name=CQC, kind=OrganisationKind.REGULATOR, regulator_body=Regulator.CQC
    )
    case_id = new_case(client)
    run(ledger, case_id, "acknowledge", {})
    action = {"action_id": "A1", "description": "Retrain", "owner": "Jo", "due_on": DUE}
    run(ledger, case_id, "plan_action", action)
    run(ledger, case_id, "escalate", {"route": "regulator", "reason": "Harm", "regulator": "CQC"})
    run(ledger, case_id, "escalate", {"route": "ombudsman", "reason": "Unhappy", "body": "LGSCO"})
    remedy = {"remedy": "apology", "description": "Apologise", "due_on": DUE}
    outcome = {"body": "LGSCO", "decision": "upheld_fault_only", "finding": "Poor records"}
    run(ledger, case_id, "record_ombudsman_outcome", {**outcome, "remedies": [remedy]})
    return case_id


def sign_in(client: TestClient, role: Role, organisation: str = COUNCIL) -> None:
    email = f"{role}.{uuid4().hex[:8]}@{organisation.split(maxsplit=1)[0].lower()}.example"
    org = CQC if role == Role.REGULATOR else organisation
    sign_in_as(client, account(client, email, org, role))


def address(case_id: UUID, command: CaseCommand[Any]) -> str:
    path = {parameter: ITEMS[parameter] for parameter in command.path_parameters}
    return form_address(str(case_id), command, path)


def button(case_id: UUID, command: CaseCommand[Any]) -> str:
    """Where the case page's button for the command goes (letters have a page of their own)."""
    path = {parameter: ITEMS[parameter] for parameter in command.path_parameters}
    return link_address(str(case_id), command, path)


def buttons(client: TestClient, case_id: UUID) -> set[str]:
    page = client.get(f"/cases/{case_id}", headers=HTML)
    assert page.status_code == 200
    return set(re.findall(r'<a href="([^"]+)" role="button"', page.text))


def hidden(page: Response) -> dict[str, str]:
    return {name: html.unescape(value) for name, value in HIDDEN.findall(page.text)}


def events(client: TestClient, case_id: UUID) -> list[str]:
    return [entry.type for entry in ledger_of(client).history(case_id)]


def submit(
    client: TestClient, case_id: UUID, name: str, answers: dict[str, str], **changes: str
) -> Response:
    """Open the command's form and send it with `answers` (and hidden fields `changes`)."""
    url = address(case_id, named(name))
    form = client.get(url, headers=HTML)
    assert form.status_code == 200, form.text
    data = {**hidden(form), **changes, **answers}
    return client.post(url, data=data, headers=HTML, follow_redirects=False)


def test_the_hidden_fields_never_meet_a_body_field() -> None:
    for command in CATALOGUE:
        assert not {"csrf_token", "version", "form_key", "add_item"} & set(
            command.body.model_fields
        )
        assert all(parameter in PATH_ITEMS for parameter in command.path_parameters)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_a_button_and_a_form_for_each_command_it_may_run(
    client: TestClient, worked_case: UUID, role: Role
) -> None:
    sign_in(client, role)
    mine = [command for command in CATALOGUE if role in command.roles]
    case = ledger_of(client).get(worked_case)
    now = [command for command in mine if case.state_refusal(command.name) is None]
    assert {"acknowledge", "reopen"}.isdisjoint(command.name for command in now)
    assert buttons(client, worked_case) == {button(worked_case, c) for c in now}
    for command in mine:  # a form the procedure refuses now still opens, and says why if sent
        form = client.get(address(worked_case, command), headers=HTML)
        assert form.status_code == 200, (command.name, form.text)
        assert f"<title>{command.name.replace('_', ' ').capitalize()}" in form.text
        assert hidden(form)["version"] == str(ledger_of(client).get(worked_case).version)
        for field in form_fields(command.body):
            assert f'id="{field.anchor}"' in form.text, (command.name, field.id)


def shown_commands(client: TestClient, case_id: UUID) -> set[str]:
    """The commands the case page offers, by their address: `/do/COMMAND`, or a page of its
    own (`letters`)."""
    parts = [
        address.removeprefix(f"/cases/{case_id}/").split("/")
        for address in buttons(client, case_id)
    ]
    return {part[1] if part[0] == "do" else part[0] for part in parts}


def test_the_buttons_follow_where_the_case_has_got_to(client: TestClient) -> None:
    sign_in(client, Role.MANAGER)
    ledger, case_id = ledger_of(client), new_case(client)
    labels = {
        "received": {"acknowledge", "assign-handler", "withdraw", "refer", "letters"},
        "never": {"reopen", "send-response", "record-evidence", "resume-target"},
    }
    shown = shown_commands(client, case_id)
    assert labels["received"] <= shown
    assert not labels["never"] & shown
    run(ledger, case_id, "acknowledge", {})
    run(ledger, case_id, "start_investigation", {"investigator": "p.jones"})
    shown = shown_commands(client, case_id)
    assert {"record-evidence", "send-response", "pause-target"} <= shown
    assert not {"acknowledge", "start-investigation", "reopen", "resume-target"} & shown
    run(ledger, case_id, "withdraw", {"reason": "No longer wanted"})
    shown = shown_commands(client, case_id)
    assert shown == {"correct-fact", "place-litigation-hold"}  # what a withdrawn case still takes


def test_every_command_has_a_role_here_that_may_run_it() -> None:
    assert all(any(role in command.roles for role in ROLES) for command in CATALOGUE)


def test_a_role_that_may_not_run_a_command_gets_no_button_and_403(
    client: TestClient, worked_case: UUID
) -> None:
    sign_in(client, Role.AUDITOR)
    assert buttons(client, worked_case) == set()
    for command in CATALOGUE:
        answer = client.get(address(worked_case, command), headers=HTML)
        assert answer.status_code == 403, command.name
        assert "You cannot see this page" in answer.text
    sign_in(client, Role.OFFICER)
    managers_only = [c for c in CATALOGUE if Role.OFFICER not in c.roles]
    assert managers_only
    for command in managers_only:
        assert button(worked_case, command) not in buttons(client, worked_case)
        assert client.get(address(worked_case, command), headers=HTML).status_code == 403


def test_another_organisations_case_form_is_page_not_found(
    client: TestClient, worked_case: UUID
) -> None:
    sign_in(client, Role.MANAGER, OTHER)
    for command in CATALOGUE:
        theirs = client.get(address(worked_case, command), headers=HTML)
        nobodys = client.get(address(UUID(int=7), command), headers=HTML)
        assert theirs.status_code == nobodys.status_code == 404
        assert theirs.text == nobodys.text
    answer = submit_blind(client, worked_case, "acknowledge")
    assert answer.status_code == 404
    assert "Pat Example" not in answer.text


def submit_blind(client: TestClient, case_id: UUID, name: str) -> Response:
    """A post to a form the person was never given, with their own session's token."""
    page = client.get("/cases/" + str(UUID(int=7)), headers=HTML)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None
    data = {"csrf_token": token.group(1), "version": "1", "form_key": "k" * 24}
    return client.post(address(case_id, named(name)), data=data, headers=HTML)


def test_an_officer_acknowledges_through_the_form(client: TestClient) -> None:
    case_id = new_case(client)
    sign_in(client, Role.OFFICER)
    sent = submit(client, case_id, "acknowledge", {"discussion_offered": "yes"})
    assert sent.status_code == 303
    assert sent.headers["location"] == f"/cases/{case_id}?recorded=2"
    assert events(client, case_id) == ["Received", "Acknowledged"]
    entry = ledger_of(client).history(case_id)[-1]
    assert entry.actor["organisation"] == COUNCIL
    page = client.get(sent.headers["location"], headers=HTML)
    banner = re.findall(r'notification-banner__heading">([^<]+)<', page.text)
    assert banner == ["Acknowledged"]
    assert "govuk-notification-banner--success" in page.text


def test_sending_the_same_form_twice_records_it_once(client: TestClient) -> None:
    case_id = new_case(client)
    run(ledger_of(client), case_id, "acknowledge", {})
    sign_in(client, Role.OFFICER)
    url = address(case_id, named("start_investigation"))
    data = {**hidden(client.get(url, headers=HTML)), "investigator": "Sam Lee"}
    first = client.post(url, data=data, headers=HTML, follow_redirects=False)
    again = client.post(url, data=data, headers=HTML, follow_redirects=False)
    assert first.status_code == again.status_code == 303
    assert first.headers["location"] == again.headers["location"]
    assert events(client, case_id) == ["Received", "Acknowledged", "InvestigationStarted"]


def test_a_date_that_is_not_real_is_named_in_the_error_summary(client: TestClient) -> None:
    case_id = new_case(client)
    sign_in(client, Role.OFFICER)
    answers = {
        "agreed_until-day": "31",
        "agreed_until-month": "2",
        "agreed_until-year": "2026",
        "agreed_with_complainant": "yes",
    }
    sent = submit(client, case_id, "agree_response_period", answers)
    assert sent.status_code == 422
    assert "<title>Error: Agree response period" in sent.text
    assert '<a href="#agreed_until-day">Agreed until must be a real date</a>' in sent.text
    assert 'name="agreed_until-day" type="text" value="31"' in sent.text  # kept as entered
    assert 'value="yes" checked' in sent.text
    assert events(client, case_id) == ["Received"]


def test_a_missing_answer_and_a_refused_one_are_named_by_their_fields(client: TestClient) -> None:
    case_id = new_case(client)
    sign_in(client, Role.OFFICER)
    missing = submit(client, case_id, "refer", {"reason": "Provider first"})
    assert missing.status_code == 422
    assert '<a href="#to_organisation">Enter to organisation</a>' in missing.text
    assert '<a href="#consent_to_share">Select yes or no for consent to share</a>' in missing.text
    unknown = {"to_organisation": "Nobody Ltd", "reason": "Why", "consent_to_share": "yes"}
    refused = submit(client, case_id, "refer", unknown)
    assert refused.status_code == 422  # the ledger's own check, named by its field
    assert '<a href="#to_organisation">no organisation' in refused.text
    assert events(client, case_id) == ["Received"]


def test_a_rule_of_the_procedure_is_told_in_the_summary(client: TestClient) -> None:
    case_id = new_case(client)
    run(ledger_of(client), case_id, "acknowledge", {})
    sign_in(client, Role.OFFICER)
    again = submit(client, case_id, "acknowledge", {})
    assert again.status_code == 409
    assert "<title>Error: Acknowledge" in again.text
    assert events(client, case_id) == ["Received", "Acknowledged"]


def test_a_form_made_before_someone_changed_the_case_writes_nothing(client: TestClient) -> None:
    case_id = new_case(client)
    sign_in(client, Role.OFFICER)
    url = address(case_id, named("start_investigation"))
    stale = {**hidden(client.get(url, headers=HTML)), "investigator": "Sam Lee"}
    run(ledger_of(client), case_id, "acknowledge", {})  # another officer, meanwhile
    answer = client.post(url, data=stale, headers=HTML, follow_redirects=False)
    assert answer.status_code == 409
    assert CONFLICT in answer.text
    assert "<title>Error: Start investigation" in answer.text
    assert 'value="Sam Lee"' in answer.text  # what was entered is kept
    assert events(client, case_id) == ["Received", "Acknowledged"]
    assert hidden(answer)["version"] == "2"  # sent again after checking, it applies
    resent = client.post(url, data={**hidden(answer), "investigator": "Sam Lee"}, headers=HTML)
    assert resent.status_code == 200
    assert events(client, case_id) == ["Received", "Acknowledged", "InvestigationStarted"]


def test_a_wrong_csrf_token_changes_nothing(client: TestClient) -> None:
    case_id = new_case(client)
    sign_in(client, Role.OFFICER)
    sent = submit(client, case_id, "acknowledge", {}, csrf_token="not-the-session-token")  # noqa: S106
    assert sent.status_code == 400
    assert "The form has expired" in sent.text
    assert events(client, case_id) == ["Received"]


def test_signed_out_a_form_asks_for_a_sign_in(client: TestClient) -> None:
    case_id = new_case(client)
    url = address(case_id, named("acknowledge"))
    for answer in (
        client.get(url, headers=HTML, follow_redirects=False),
        client.post(url, data={"version": "1"}, headers=HTML, follow_redirects=False),
    ):
        assert (answer.status_code, answer.headers["location"]) == (303, "/sign-in")
    assert events(client, case_id) == ["Received"]


def test_a_store_outage_is_503_and_writes_nothing(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    case_id = new_case(client)
    sign_in(client, Role.OFFICER)

    def refuse(*_: object, **__: object) -> None:
        raise StoreUnavailableError("the store refused the write: disk full")

    monkeypatch.setattr(ledger_of(client), "acknowledge", refuse)
    sent = submit(client, case_id, "acknowledge", {})
    assert sent.status_code == 503
    assert "disk full" not in sent.text
    monkeypatch.undo()
    assert events(client, case_id) == ["Received"]


def test_an_ombudsmans_remedies_are_entered_one_item_at_a_time(
    client: TestClient, worked_case: UUID
) -> None:
    sign_in(client, Role.OFFICER)
    url = address(worked_case, named("record_ombudsman_outcome"))
    form = hidden(client.get(url, headers=HTML))
    assert form["remedies--count"] == "1"
    grown = client.post(url, data={**form, "add_item": "remedies"}, headers=HTML)
    assert grown.status_code == 200
    assert hidden(grown)["remedies--count"] == "2"
    assert 'id="remedies-1-remedy"' in grown.text
    answers = {
        "body": "LGSCO",
        "decision": "upheld_fault_only",
        "finding": "Late again",
        "remedies-1-remedy": "training",
        "remedies-1-description": "Train the team",
        "remedies-1-due_on-day": "40",
        "remedies-1-due_on-month": "1",
        "remedies-1-due_on-year": "2030",
    }
    bad = client.post(url, data={**hidden(grown), **answers}, headers=HTML)
    assert bad.status_code == 422
    assert '<a href="#remedies-1-due_on-day">Due on must be a real date</a>' in bad.text
    answers["remedies-1-due_on-day"] = "4"
    done = client.post(url, data={**hidden(grown), **answers}, headers=HTML)
    assert done.status_code == 200
    remedies = ledger_of(client).get(worked_case).records["ombudsman_remedies"]
    assert [(r["id"], r["remedy"]) for r in remedies] == [("R1", "apology"), ("R2", "training")]


def test_each_kind_of_field_has_its_own_input() -> None:
    kinds = {field.kind for command in CATALOGUE for field in form_fields(command.body)}
    assert kinds >= set(Kind) - {Kind.GROUP, Kind.LINES}  # no body has these yet


def test_when_it_happened_is_a_day_and_a_time_in_uk_time(client: TestClient) -> None:
    now = datetime.now(UTC)
    case_id = new_case(client, received_at=now - timedelta(days=10))
    sign_in(client, Role.OFFICER)
    day = (now - timedelta(days=5)).astimezone(UK_TIME_ZONE).date()
    when = {
        "occurred_at-day": str(day.day),
        "occurred_at-month": str(day.month),
        "occurred_at-year": str(day.year),
    }
    no_time = submit(client, case_id, "acknowledge", when)
    assert no_time.status_code == 422
    assert '<a href="#occurred_at-day">When it happened must include a time</a>' in no_time.text
    assert submit(client, case_id, "acknowledge", {**when, "occurred_at-time": "10:15"}).is_redirect
    entry = ledger_of(client).history(case_id)[-1]
    assert entry.occurred_at == datetime.combine(day, time(10, 15), UK_TIME_ZONE)


def test_a_manager_corrects_the_subjects_one_on_each_line(client: TestClient) -> None:
    case_id = new_case(client)
    sign_in(client, Role.MANAGER)
    answers = {"field": "subjects", "new_value": "home care\r\ncharging\r\n", "reason": "Misfiled"}
    assert submit(client, case_id, "correct_fact", answers).is_redirect
    assert ledger_of(client).get(case_id).subjects == ("home care", "charging")


def test_an_ombudsman_acting_for_another_body_is_refused_by_that_field(
    client: TestClient, worked_case: UUID
) -> None:
    lgsco = "Local Government and Social Care Ombudsman"
    admin = CommandContext(Actor("admin", "complaints-ledger", Role.ADMIN))
    ledger_of(client).register_organisation(
        admin, name=lgsco, kind=OrganisationKind.OMBUDSMAN, ombudsman_body=Ombudsman.LGSCO
    )
    sign_in_as(client, account(client, "casework@lgsco.example", lgsco, Role.OMBUDSMAN))
    answers = {"body": "PHSO", "decision": "not_upheld", "finding": "No fault"}
    refused = submit(client, worked_case, "record_ombudsman_outcome", answers)
    assert refused.status_code == 403
    assert '<a href="#body">' in refused.text
    assert len(ledger_of(client).get(worked_case).records["ombudsman_outcomes"]) == 1
