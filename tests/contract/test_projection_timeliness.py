"""Timeliness dashboard on both stores: a small, realistic year of cases built with the ledger and
a simulated clock, projected, and queried for counts, overdue lists and working-day speeds."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from complaints_ledger.application.context import CommandContext
from complaints_ledger.domain.complaint import Complaint
from complaints_ledger.domain.values import (
    Actor,
    EscalationRoute,
    ExtendedDeadline,
    Kind,
    Outcome,
    Person,
    RegimeId,
    Remedy,
    Role,
)
from complaints_ledger.persistence.view_db import ViewDatabase
from complaints_ledger.readside.runner import ReadModelRunner, as_of_namespace
from complaints_ledger.readside.views import physical_name
from projections.timeliness import CASES, PROJECTION, STATUTORY_DEADLINES
from projections.timeliness_queries import (
    DASHBOARD_KEYS,
    OVERDUE_KEYS,
    dashboard,
    deadline_status,
    overdue_cases,
)
from tests import builders
from tests.stories import ClockedLedger

COUNCIL = "Northshire County Council"
PROVIDER = "Brightwater Home Care Ltd"
GLASGOW = "Glasgow City Council"
TODAY = date(2026, 12, 10)  # a Thursday


class Story(ClockedLedger):
    """Commands happen when the clock says."""

    def __init__(self, url: str) -> None:
        super().__init__(url, datetime(2026, 1, 5, 9, tzinfo=UTC))

    def at(self, day: date, hour: int = 10) -> Story:
        self.move_to(day, hour)
        return self

    def ctx(self, organisation: str = COUNCIL, role: Role = Role.OFFICER) -> CommandContext:
        return CommandContext(Actor("k.officer", organisation, role))

    def receive(
        self,
        name: str,
        *,
        organisation: str = COUNCIL,
        service: str = "home care",
        regime: RegimeId = RegimeId.ENGLAND_2009,
        kind: Kind = Kind.COMPLAINT,
    ) -> None:
        intake = builders.intake(
            kind=kind,
            regime=regime,
            receiving_organisation=organisation,
            about_organisation=organisation,
            service=service,
            subjects=("communication", service),
            complainant=Person("Pat Example", email="pat@example.org"),
            summary="Carers arrived late and the family was not told.",
        )
        self.cases[name] = self.ledger.receive(intake, self.ctx(organisation))

    def respond(self, name: str, organisation: str = COUNCIL) -> None:
        self.ledger.send_response(
            self.cases[name],
            self.ctx(organisation),
            outcome=Outcome.NOT_UPHELD,
            remedies=(Remedy.EXPLANATION,),
            signed_by="Director of Adult Social Services",
            ombudsman_rights_given=True,
            summary="We looked at the visit logs.",
        )


def tell_the_year(story: Story) -> None:
    """A: late acknowledgement, on-time response. B: missed response. C: referred from a provider
    to the council. D: withdrawn. E: lgsco-code stage 2, answered late. F: SPSO in Scotland.
    G: a compliment. H: response due tomorrow (at risk)."""
    led, c = story.ledger, story.cases
    story.at(date(2026, 5, 18)).receive("G", kind=Kind.COMPLIMENT)
    story.at(date(2026, 5, 22), hour=9).receive("A")  # Fri; Mon 25 May is a bank holiday
    led.acknowledge(c["A"], story.at(date(2026, 5, 29)).ctx())  # due Thu 28 May: late
    story.at(date(2026, 6, 1)).receive("B")
    story.at(date(2026, 6, 2)).receive("C", organisation=PROVIDER)
    story.receive("D", service="residential care")
    led.acknowledge(c["B"], story.at(date(2026, 6, 3)).ctx())
    led.refer(
        c["C"],
        story.ctx(PROVIDER),
        to_organisation=COUNCIL,
        reason="council-commissioned care: the council deals with it",
        consent_to_share=True,
    )
    led.accept_referral(c["C"], story.at(date(2026, 6, 5)).ctx())
    led.acknowledge(c["C"], story.at(date(2026, 6, 8)).ctx())
    led.withdraw(c["D"], story.at(date(2026, 6, 10)).ctx(), reason="resolved informally")
    led.start_investigation(c["A"], story.at(date(2026, 6, 15)).ctx(), investigator="p.jones")
    story.at(date(2026, 7, 1)).receive("E", service="charging", regime=RegimeId.LGSCO_CODE)
    led.acknowledge(c["E"], story.at(date(2026, 7, 2)).ctx())
    led.start_investigation(c["E"], story.ctx(), investigator="j.smith")
    story.at(date(2026, 7, 9)).respond("E")
    led.escalate(
        c["E"], story.at(date(2026, 7, 13)).ctx(), route=EscalationRoute.STAGE_2, reason="unhappy"
    )
    story.at(date(2026, 7, 15)).respond("A")
    led.close_case(c["A"], story.ctx())
    led.acknowledge(c["E"], story.ctx())
    led.start_investigation(c["E"], story.ctx(), investigator="a.khan")
    story.at(date(2026, 7, 30)).receive("F", organisation=GLASGOW, regime=RegimeId.SPSO_MCHP)
    led.acknowledge(c["F"], story.at(date(2026, 7, 31)).ctx(GLASGOW))
    story.at(date(2026, 8, 7)).respond("F", GLASGOW)  # Scottish calendar: due Fri 7 Aug
    story.at(date(2026, 8, 20)).respond("E")  # stage 2 due Wed 12 Aug: late
    story.at(date(2026, 9, 1)).respond("C")
    story.at(date(2026, 11, 26)).receive("H", service="assessment", regime=RegimeId.LGSCO_CODE)
    led.acknowledge(c["H"], story.at(date(2026, 11, 27)).ctx())  # response due Fri 11 Dec
    story.at(TODAY, hour=8)


def tell_what_happened_next(story: Story) -> None:
    led, c = story.ledger, story.cases
    story.at(TODAY, hour=11).respond("B")  # six months ran out on 30 Nov: late
    led.extend_deadline(
        c["H"],
        story.ctx(),
        deadline=ExtendedDeadline.RESPONSE,
        working_days=5,
        reason="awaiting the provider's records",
        complainant_consent=True,
    )
    led.reopen(c["A"], story.ctx(role=Role.MANAGER), reason="new information from the family")
    led.correct_fact(
        c["E"],
        story.ctx(role=Role.MANAGER),
        field="service",
        new_value="charging and financial assessment",
        reason="recorded under the wrong service",
    )
    story.at(TODAY + timedelta(days=1)).receive("I", service="residential care")


@pytest.fixture
def story(store_url: str) -> Story:
    return Story(store_url)


def non_zero(row: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in row.items() if value}


def table_rows(db: ViewDatabase, namespace: str = "rm") -> list[tuple[Any, ...]]:
    name = physical_name(PROJECTION, CASES, namespace)
    return db.execute(f"SELECT {', '.join(CASES.columns)} FROM {name} ORDER BY case_id")


def assert_projected_as_the_domain(
    case: Complaint, row: dict[str, Any], today: date, name: str
) -> None:
    """The row's stored due dates and their statuses today are exactly the aggregate's."""
    expected = {d.name: (d.due.isoformat(), d.status) for d in case.deadlines(today) if d.statutory}
    projected = {
        deadline: (row[f"{deadline}_due"], deadline_status(row, deadline, today))
        for deadline in STATUTORY_DEADLINES
        if row[f"{deadline}_due"] is not None
    }
    assert projected == expected, (name, today)


def test_dashboard_counts_each_complaint_once_where_it_is_handled(story: Story, db: Any) -> None:
    tell_the_year(story)
    ReadModelRunner(db).rebuild(PROJECTION)

    full_rows = dashboard(db, today=TODAY)
    rows = [non_zero(row) for row in full_rows]

    home_care = {"organisation": COUNCIL, "service": "home care", "regime": "england-2009"}
    assert rows == [
        {
            "organisation": GLASGOW,
            "service": "home care",
            "regime": "spso-mchp",
            "month": "2026-07",
            "received": 1,
            "acknowledged_on_time": 1,
            "responded_on_time": 1,  # on the Scottish calendar (England's would make it late)
            "median_working_days_to_acknowledge": 1.0,
            "p90_working_days_to_acknowledge": 1.0,
            "median_working_days_to_respond": 5.0,
            "p90_working_days_to_respond": 5.0,
        },
        {
            "organisation": COUNCIL,
            "service": "assessment",
            "regime": "lgsco-code",
            "month": "2026-11",
            "received": 1,
            "acknowledged_on_time": 1,
            "response_outstanding": 1,
            "at_risk": 1,
            "median_working_days_to_acknowledge": 1.0,
            "p90_working_days_to_acknowledge": 1.0,
        },
        {
            "organisation": COUNCIL,
            "service": "charging",
            "regime": "lgsco-code",
            "month": "2026-07",
            "received": 1,
            "stage_2_requested": 1,
            "acknowledged_on_time": 1,
            "responded_on_time": 1,
            "stage_2_acknowledged_on_time": 1,
            "stage_2_responded_late": 1,
            "median_working_days_to_acknowledge": 1.0,
            "p90_working_days_to_acknowledge": 1.0,
            "median_working_days_to_respond": 6.0,
            "p90_working_days_to_respond": 6.0,
        },
        {
            **home_care,
            "month": "2026-05",
            "received": 1,
            "compliments": 1,
            "acknowledged_late": 1,
            "responded_on_time": 1,
            "median_working_days_to_acknowledge": 4.0,
            "p90_working_days_to_acknowledge": 4.0,
            "median_working_days_to_respond": 37.0,
            "p90_working_days_to_respond": 37.0,
        },
        {
            **home_care,
            "month": "2026-06",  # B, and C from the council's own receipt on 5 Jun
            "received": 2,
            "acknowledged_on_time": 2,
            "responded_on_time": 1,
            "response_outstanding": 1,
            "overdue_now": 1,
            "median_working_days_to_acknowledge": 1.5,
            "p90_working_days_to_acknowledge": 2.0,
            "median_working_days_to_respond": 61.0,
            "p90_working_days_to_respond": 61.0,
        },
        {
            "organisation": COUNCIL,
            "service": "residential care",
            "regime": "england-2009",
            "month": "2026-06",
            "received": 1,
            "withdrawn": 1,
            "acknowledgement_stopped": 1,
            "response_stopped": 1,
        },
    ]
    assert all(tuple(row) == DASHBOARD_KEYS for row in full_rows)
    assert not dashboard(db, organisation=PROVIDER, today=TODAY)  # C counts once: at the council
    risky = dashboard(db, organisation=COUNCIL, today=TODAY, at_risk_working_days=0)
    assert sum(row["at_risk"] for row in risky) == 0  # H is due tomorrow, 1 working day away


def test_overdue_cases_most_overdue_first(story: Story, db: Any) -> None:
    tell_the_year(story)
    ReadModelRunner(db).rebuild(PROJECTION)
    b, h = str(story.cases["B"]), str(story.cases["H"])

    overdue = overdue_cases(db, today=TODAY)
    later = overdue_cases(db, organisation=COUNCIL, today=date(2026, 12, 16))

    assert overdue == [
        {
            "case_id": b,
            "organisation": COUNCIL,
            "service": "home care",
            "regime": "england-2009",
            "status": "acknowledged",
            "deadline": "response",
            "due": "2026-11-30",
            "working_days_overdue": 8,
        }
    ]
    assert tuple(overdue[0]) == OVERDUE_KEYS
    assert [(r["case_id"], r["due"], r["working_days_overdue"]) for r in later] == [
        (b, "2026-11-30", 12),
        (h, "2026-12-11", 3),
    ]
    assert not overdue_cases(db, organisation=GLASGOW, today=date(2026, 12, 16))
    assert dashboard(db, organisation=GLASGOW, today=date(2027, 6, 1))[0]["overdue_now"] == 0


def test_due_dates_and_statuses_are_the_domains(story: Story, db: Any) -> None:
    tell_the_year(story)
    tell_what_happened_next(story)
    ReadModelRunner(db).rebuild(PROJECTION)
    columns = list(CASES.columns)
    rows = {row[0]: dict(zip(columns, row, strict=True)) for row in table_rows(db)}

    assert len(rows) == len(story.cases)
    for name, case_id in story.cases.items():
        case, row = story.ledger.get(case_id), rows[str(case_id)]
        for today in (date(2026, 6, 4), TODAY, date(2026, 12, 16), date(2027, 7, 1)):
            assert_projected_as_the_domain(case, row, today, name)
    a = rows[str(story.cases["A"])]
    assert a["status"] == "responded"  # reopened: back where it was, its clocks running again
    assert a["stopped_at"] is None
    c = rows[str(story.cases["C"])]
    assert c["first_received_at"].startswith("2026-06-02")
    assert c["received_at"].startswith("2026-06-05")


def test_catch_up_after_more_commands_equals_a_fresh_rebuild(story: Story, db: Any) -> None:
    tell_the_year(story)
    runner = ReadModelRunner(db)
    runner.rebuild(PROJECTION)
    tell_what_happened_next(story)

    applied = runner.catch_up(PROJECTION)
    caught_up = table_rows(db)
    runner.rebuild(PROJECTION)

    assert applied == 5
    assert caught_up == table_rows(db)
    rows = dashboard(db, organisation=COUNCIL, today=TODAY)
    june = next(r for r in rows if r["month"] == "2026-06" and r["service"] == "home care")
    assert (june["responded_late"], june["response_outstanding"], june["overdue_now"]) == (1, 0, 0)
    assert any(r["service"] == "charging and financial assessment" for r in rows)
    stored = repr(caught_up)
    for personal in ("Pat Example", "pat@example.org", "Carers arrived", "provider's records"):
        assert personal not in stored


def test_rebuild_as_of_shows_only_what_was_recorded_by_then(story: Story, db: Any) -> None:
    tell_the_year(story)
    instant = datetime(2026, 6, 9, 12, tzinfo=UTC)  # before D's withdrawal and everything later
    runner = ReadModelRunner(db)
    runner.rebuild(PROJECTION, as_of=instant)

    then = date(2026, 6, 9)
    rows = dashboard(db, today=then, namespace=as_of_namespace(instant))

    assert [(r["service"], r["month"], r["received"]) for r in rows] == [
        ("home care", "2026-05", 1),
        ("home care", "2026-06", 2),
        ("residential care", "2026-06", 1),
    ]
    residential = rows[2]
    assert (residential["withdrawn"], residential["acknowledgement_outstanding"]) == (0, 1)
    assert residential["overdue_now"] == 1  # D's acknowledgement was due Fri 5 Jun
    assert rows[0]["response_outstanding"] == 1  # A had not been answered yet
    assert [
        r["case_id"] for r in overdue_cases(db, today=then, namespace=as_of_namespace(instant))
    ] == [str(story.cases["D"])]
    assert not db.table_exists(physical_name(PROJECTION, CASES, "rm"))
