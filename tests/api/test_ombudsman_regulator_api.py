"""Ombudsman and regulator principals through HTTP, on both stores: an ombudsman records its own
decisions on the cases escalated to it (never another body's), remedy compliance is followed up
per remedy, a regulator reads the cases notified to it (people as pseudonyms unless the
notification is about an identified person) and acknowledges them; everyone else's answers stay
404 or 403 as the existence rules require."""

from __future__ import annotations

from typing import Any

import pytest

from complaints_ledger.application.context import CommandContext
from complaints_ledger.domain.registry import OrganisationKind
from complaints_ledger.domain.values import Actor, Ombudsman, Regulator, Role
from tests.api.test_complaints_api import LGSCO, MANAGER, OFFICER, Api, Who
from tests.api.test_complaints_api import api as api  # noqa: PLC0414 - the fixture, re-exported
from tests.builders import assert_problem

PHSO = "Parliamentary and Health Service Ombudsman"
CQC, RQIA = "Care Quality Commission", "Regulation and Quality Improvement Authority"
AS_LGSCO: Who = (Role.OMBUDSMAN, LGSCO)
AS_PHSO: Who = (Role.OMBUDSMAN, PHSO)
AS_CQC: Who = (Role.REGULATOR, CQC)
AS_RQIA: Who = (Role.REGULATOR, RQIA)
DUE = "2026-07-01"
OUTCOME: dict[str, Any] = {
    "body": "LGSCO",
    "decision": "upheld_fault_causing_injustice",
    "finding": "The council delayed the care assessment by five months.",
    "remedies": [
        {"remedy": "apology", "description": "Apologise in writing", "due_on": DUE},
        {"remedy": "financial", "description": "Pay 300 pounds", "due_on": DUE},
    ],
    "reference": "25 001 234",
}


@pytest.fixture
def bodies(api: Api) -> Api:
    admin = CommandContext(Actor("admin", "complaints-ledger", Role.ADMIN))
    kind = OrganisationKind
    api.ledger.register_organisation(
        admin, name=PHSO, kind=kind.OMBUDSMAN, ombudsman_body=Ombudsman.PHSO
    )
    api.ledger.register_organisation(
        admin, name=CQC, kind=kind.REGULATOR, regulator_body=Regulator.CQC
    )
    api.ledger.register_organisation(
        admin, name=RQIA, kind=kind.REGULATOR, regulator_body=Regulator.RQIA
    )
    return api


def read(api: Api, case_id: str, who: Who) -> Any:
    return api.client.get(f"/complaints/{case_id}", headers=api.auth(*who))


def escalated_to_lgsco(api: Api) -> str:
    case_id = api.logged()
    escalation = {"route": "ombudsman", "reason": "Unhappy", "body": "LGSCO"}
    assert api.run(case_id, "escalations", escalation).status_code == 200
    return case_id


def test_an_england_2009_case_cannot_be_escalated_to_the_spso(bodies: Api) -> None:
    case_id = bodies.logged()
    escalation = {"route": "ombudsman", "reason": "Unhappy", "body": "SPSO"}
    problem = assert_problem(bodies.run(case_id, "escalations", escalation), 422, "body")
    assert "LGSCO" in problem["detail"]
    assert bodies.events(case_id) == ["Received"]


def test_the_ombudsman_records_its_decision_and_the_case_shows_it(bodies: Api) -> None:
    case_id = escalated_to_lgsco(bodies)
    response = bodies.run(case_id, "ombudsman-outcomes", OUTCOME, AS_LGSCO)
    assert response.status_code == 200, response.text
    (decision,) = response.json()["ombudsman_decisions"]
    assert (decision["fault"], decision["injustice"]) == (True, True)
    assert [r["id"] for r in response.json()["ombudsman_remedies"]] == ["R1", "R2"]
    old_shape = {"body": "LGSCO", "decision": "not_upheld"}
    again = bodies.run(case_id, "ombudsman-decisions", old_shape, AS_LGSCO)
    assert again.status_code == 200, "the ombudsman records its own decision (no more 403)"
    assert len(again.json()["ombudsman_decisions"]) == 2


def test_another_ombudsman_sees_nothing_and_none_acts_for_another_body(bodies: Api) -> None:
    case_id = escalated_to_lgsco(bodies)
    assert_problem(read(bodies, case_id, AS_PHSO), 404, "id")
    phso_outcome = {**OUTCOME, "body": "PHSO", "remedies": []}
    assert_problem(bodies.run(case_id, "ombudsman-outcomes", phso_outcome, AS_PHSO), 404, "id")
    assert_problem(bodies.run(case_id, "ombudsman-outcomes", phso_outcome, AS_LGSCO), 403, "body")
    ack = {"discussion_offered": True}
    assert_problem(bodies.run(case_id, "acknowledgement", ack, AS_LGSCO), 403, "role")
    assert_problem(
        bodies.run(case_id, "regulator-acknowledgements", {"regulator": "CQC"}, AS_LGSCO),
        403,
        "role",
    )


def test_remedy_compliance_per_remedy_and_overdue_remedies(bodies: Api) -> None:
    case_id = escalated_to_lgsco(bodies)
    assert bodies.run(case_id, "ombudsman-outcomes", OUTCOME, AS_LGSCO).status_code == 200
    complied = {"outcome": "complied", "evidence": "Apology letter of 10 June"}
    response = bodies.run(case_id, "ombudsman-remedies/R1/compliance", complied, OFFICER)
    assert response.status_code == 200, response.text
    assert_problem(
        bodies.run(case_id, "ombudsman-remedies/R9/compliance", complied, OFFICER), 422, "remedy_id"
    )
    bodies.clock.advance(days=45)
    view = read(bodies, case_id, MANAGER).json()
    assert view["overdue_remedies"] == ["R2"]
    assert [r["status"] for r in view["ombudsman_remedies"]] == ["complied", "overdue"]
    assert_problem(
        bodies.run(case_id, "ombudsman-remedies/R2/compliance", complied, AS_LGSCO), 422, "outcome"
    )
    late = {"outcome": "late", "evidence": "Payment on 15 July"}
    assert (
        bodies.run(case_id, "ombudsman-remedies/R2/compliance", late, AS_LGSCO).status_code == 200
    )
    assert read(bodies, case_id, MANAGER).json()["overdue_remedies"] == []
    assert_problem(
        bodies.run(case_id, "ombudsman-remedies/R2/compliance", late, AS_PHSO), 404, "id"
    )


def test_a_regulator_reads_the_case_notified_to_it_as_pseudonyms(bodies: Api) -> None:
    case_id = bodies.logged()
    assert_problem(read(bodies, case_id, AS_CQC), 404, "id")
    notification = {"route": "regulator", "reason": "Missed medication", "regulator": "CQC"}
    assert bodies.run(case_id, "escalations", notification).status_code == 200
    view = read(bodies, case_id, AS_CQC)
    assert view.status_code == 200, view.text
    assert "Canary" not in view.text
    assert view.json()["summary"] == "[withheld]"
    assert_problem(read(bodies, case_id, AS_RQIA), 404, "id")
    assert_problem(bodies.client.get("/complaints", headers=bodies.auth(*AS_CQC)), 403, "role")


def test_a_regulator_sees_who_when_the_notification_is_about_them(bodies: Api) -> None:
    case_id = bodies.logged()
    notification = {
        "route": "regulator",
        "reason": "Safeguarding concern about a named resident",
        "regulator": "CQC",
        "about_identified_person": True,
    }
    assert bodies.run(case_id, "escalations", notification).status_code == 200
    assert read(bodies, case_id, AS_CQC).json()["complainant"]["name"] == "Canary Person"


def test_a_regulator_acknowledges_the_notification(bodies: Api) -> None:
    case_id = bodies.logged()
    notification = {"route": "regulator", "reason": "Missed medication", "regulator": "CQC"}
    assert bodies.run(case_id, "escalations", notification).status_code == 200
    ack = {"regulator": "CQC", "reference": "ENQ1-123", "note": "Passed to the inspector"}
    response = bodies.run(case_id, "regulator-acknowledgements", ack, AS_CQC)
    assert response.status_code == 200, response.text
    (notified,) = response.json()["regulator_notifications"]
    assert notified["acknowledged_at"] is not None
    assert "Canary" not in response.text, "the regulator's answer keeps people pseudonymous"
    assert_problem(
        bodies.run(case_id, "regulator-acknowledgements", {"regulator": "RQIA"}, AS_CQC),
        403,
        "regulator",
    )
    assert_problem(
        bodies.run(case_id, "regulator-acknowledgements", {"regulator": "CQC"}, OFFICER),
        403,
        "role",
    )
    assert_problem(bodies.run(case_id, "investigation", {"investigator": "x"}, AS_CQC), 403, "role")
    wrong_nation = {"route": "regulator", "reason": "r", "regulator": "RQIA"}
    assert_problem(bodies.run(case_id, "escalations", wrong_nation), 422, "regulator")
