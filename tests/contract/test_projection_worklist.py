"""Worklist on both stores: open cases per organisation and handler, next deadline first;
closed and withdrawn cases leave it, reopened ones return, referrals move on acceptance."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

import pytest

from complaints_ledger.application.context import CommandContext
from complaints_ledger.domain.values import (
    Actor,
    Channel,
    EscalationRoute,
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
from projections.worklist import CASES, PROJECTION, WORKLIST_KEYS, worklist
from tests import builders
from tests.stories import ClockedLedger

COUNCIL = "Northshire County Council"
PROVIDER = "Brightwater Home Care Ltd"
GLASGOW = "Glasgow City Council"
TODAY = date(2026, 12, 10)  # a Thursday


class Story(ClockedLedger):
    """Each command happens at 10:00 UTC on its day, unless told another hour."""

    def __init__(self, url: str) -> None:
        super().__init__(url, datetime(2026, 1, 5, 9, tzinfo=UTC))

    def on(
        self, day: date, hour: int = 10, organisation: str = COUNCIL, role: Role = Role.OFFICER
    ) -> CommandContext:
        self.move_to(day, hour)
        return self.then(organisation, role)

    def then(self, organisation: str = COUNCIL, role: Role = Role.OFFICER) -> CommandContext:
        """Another command at the same moment as the last one."""
        return CommandContext(Actor("k.officer", organisation, role))

    def receive(
        self,
        name: str,
        day: date,
        *,
        organisation: str = COUNCIL,
        regime: RegimeId = RegimeId.ENGLAND_2009,
        kind: Kind = Kind.COMPLAINT,
    ) -> None:
        intake = builders.intake(
            kind=kind,
            channel=Channel.PHONE,
            regime=regime,
            receiving_organisation=organisation,
            about_organisation=organisation,
            subjects=("home care", "communication"),
            complainant=Person("Sam Example", phone="01234 567890"),
            summary="Nobody came on Tuesday.",
        )
        self.cases[name] = self.ledger.receive(intake, self.on(day, organisation=organisation))

    def respond(self, name: str, day: date, hour: int = 10) -> None:
        self.ledger.send_response(
            self.cases[name],
            self.on(day, hour),
            outcome=Outcome.NOT_UPHELD,
            remedies=(Remedy.EXPLANATION,),
            signed_by="Head of Service",
            ombudsman_rights_given=True,
            summary="The visit logs show the carer came.",
        )


def tell_the_autumn(story: Story) -> None:
    """W1 investigated by p.jones; W2 acknowledgement overdue; W3 referred by a provider, not yet
    accepted; W4 answered and closed; W5 withdrawn; W6 at stage 2 under lgsco-code; W7 a
    compliment; W8 SPSO in Glasgow; W9 acknowledgement due tomorrow."""
    led, c = story.ledger, story.cases
    story.receive("W4", date(2026, 9, 1))
    led.acknowledge(c["W4"], story.on(date(2026, 9, 2)))
    led.start_investigation(c["W4"], story.on(date(2026, 9, 2), 11), investigator="p.jones")
    story.respond("W4", date(2026, 10, 1))
    led.close_case(c["W4"], story.on(date(2026, 10, 2)))
    story.receive("W1", date(2026, 11, 2))
    story.receive("W6", date(2026, 11, 2), regime=RegimeId.LGSCO_CODE)
    led.acknowledge(c["W6"], story.on(date(2026, 11, 3)))
    led.start_investigation(c["W6"], story.on(date(2026, 11, 3), 11), investigator="j.smith")
    led.acknowledge(c["W1"], story.on(date(2026, 11, 4)))
    led.start_investigation(c["W1"], story.on(date(2026, 11, 4), 11), investigator="p.jones")
    story.respond("W6", date(2026, 11, 10))
    story.receive("W2", date(2026, 11, 30), regime=RegimeId.LGSCO_CODE)
    story.receive("W3", date(2026, 12, 1), organisation=PROVIDER)
    led.refer(
        c["W3"],
        story.on(date(2026, 12, 2), organisation=PROVIDER),
        to_organisation=COUNCIL,
        reason="council-commissioned care",
        consent_to_share=True,
    )
    story.receive("W5", date(2026, 12, 3))
    led.withdraw(c["W5"], story.on(date(2026, 12, 4)), reason="no longer wishes to pursue")
    led.escalate(
        c["W6"], story.on(date(2026, 12, 7)), route=EscalationRoute.STAGE_2, reason="not resolved"
    )
    story.receive("W8", date(2026, 12, 7), organisation=GLASGOW, regime=RegimeId.SPSO_MCHP)
    story.receive("W7", date(2026, 12, 8), kind=Kind.COMPLIMENT)
    story.receive("W9", date(2026, 12, 8))
    led.acknowledge(c["W8"], story.on(date(2026, 12, 8), 11, organisation=GLASGOW))


def tell_thursday(story: Story) -> None:
    """Today: the referral is accepted, W4 reopened, W2 acknowledged, W6's stage 2 picked up,
    W1 answered and closed, W9's subjects corrected."""
    led, c = story.ledger, story.cases
    led.accept_referral(c["W3"], story.on(TODAY, 11))
    led.reopen(c["W4"], story.then(), reason="the family sent new evidence")
    led.acknowledge(c["W2"], story.then())
    led.acknowledge(c["W6"], story.then())
    led.start_investigation(c["W6"], story.then(), investigator="a.khan")
    story.respond("W1", TODAY, hour=12)
    led.close_case(c["W1"], story.then())
    led.correct_fact(
        c["W9"],
        story.on(TODAY, 16, role=Role.MANAGER),
        field="subjects",
        new_value=["home care", "communication", "charging"],
        reason="the call also raised the invoice",
    )


@pytest.fixture
def story(store_url: str) -> Story:
    return Story(store_url)


def table_rows(db: ViewDatabase) -> list[tuple[Any, ...]]:
    name = physical_name(PROJECTION, CASES, "rm")
    return db.execute(f"SELECT {', '.join(CASES.columns)} FROM {name} ORDER BY case_id")


def names(story: Story, rows: list[dict[str, Any]]) -> list[str]:
    by_id = {str(case_id): name for name, case_id in story.cases.items()}
    return [by_id[row["case_id"]] for row in rows]


BRIEF_KEYS = ("handler", "status", "next_deadline", "next_due", "overdue", "due_in_working_days")


def brief(story: Story, rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [
        (name, *(r[key] for key in BRIEF_KEYS))
        for name, r in zip(names(story, rows), rows, strict=True)
    ]


def test_open_cases_per_organisation_next_deadline_first(story: Story, db: Any) -> None:
    tell_the_autumn(story)
    ReadModelRunner(db).rebuild(PROJECTION)

    rows = worklist(db, organisation=COUNCIL, today=TODAY)

    assert brief(story, rows) == [
        ("W2", "unassigned", "received", "acknowledgement", "2026-12-07", True, -3),
        ("W9", "unassigned", "received", "acknowledgement", "2026-12-11", False, 1),
        ("W6", "unassigned", "escalated", "stage_2_acknowledgement", "2026-12-14", False, 2),
        ("W1", "p.jones", "investigating", "response", "2027-05-01", False, 96),
        ("W3", "unassigned", "referred", None, None, False, None),  # pending: no clock here yet
        ("W7", "unassigned", "received", None, None, False, None),  # a compliment
    ]
    w3 = rows[4]
    assert (w3["organisation"], w3["referred_from"], w3["received_on"]) == (
        COUNCIL,
        PROVIDER,
        "2026-12-01",
    )
    w6 = rows[2]
    assert (w6["stage"], w6["regime"], w6["kind"], w6["subject_count"]) == (
        2,
        "lgsco-code",
        "complaint",
        2,
    )
    assert all(tuple(row) == WORKLIST_KEYS for row in rows)
    assert names(story, worklist(db, organisation=COUNCIL, handler="p.jones", today=TODAY)) == [
        "W1"
    ]
    unassigned = worklist(db, organisation=COUNCIL, handler="unassigned", today=TODAY)
    assert names(story, unassigned) == ["W2", "W9", "W6", "W3", "W7"]
    assert not worklist(db, organisation=PROVIDER, today=TODAY)  # the referral went to the council
    assert brief(story, worklist(db, organisation=GLASGOW, today=TODAY)) == [
        ("W8", "unassigned", "acknowledged", "response", "2026-12-14", False, 2),
    ]


def test_catch_up_moves_referrals_returns_reopened_and_equals_a_rebuild(
    story: Story, db: Any
) -> None:
    tell_the_autumn(story)
    runner = ReadModelRunner(db)
    runner.rebuild(PROJECTION)
    tell_thursday(story)

    assert runner.catch_up(PROJECTION) == 8
    caught_up = table_rows(db)
    rows = worklist(db, organisation=COUNCIL, today=TODAY)
    runner.rebuild(PROJECTION)

    assert caught_up == table_rows(db)
    assert brief(story, rows) == [
        ("W9", "unassigned", "received", "acknowledgement", "2026-12-11", False, 1),
        ("W3", "unassigned", "received", "acknowledgement", "2026-12-15", False, 3),
        ("W2", "unassigned", "acknowledged", "response", "2026-12-24", False, 10),
        ("W6", "a.khan", "investigating", "stage_2_response", "2027-01-12", False, 20),
        ("W4", "p.jones", "responded", None, None, False, None),  # reopened: back again
        ("W7", "unassigned", "received", None, None, False, None),
    ]
    w3, w9 = rows[1], rows[0]
    assert (w3["received_on"], w3["referred_from"]) == ("2026-12-10", None)
    assert w9["subject_count"] == 3
    for row in rows:  # the next deadline is the domain's earliest statutory one not yet met
        case = story.ledger.get(UUID(row["case_id"]))
        unmet = sorted(d.due for d in case.deadlines(TODAY) if d.statutory and d.met_at is None)
        assert row["next_due"] == (unmet[0].isoformat() if unmet else None)
    stored = repr(caught_up)
    for personal in ("Sam Example", "01234 567890", "Nobody came", "visit logs"):
        assert personal not in stored


def test_rebuild_as_of_shows_the_worklist_as_it_was(story: Story, db: Any) -> None:
    tell_the_autumn(story)
    tell_thursday(story)
    instant = datetime(2026, 12, 3, 12, tzinfo=UTC)  # W3 referred, W5 not yet withdrawn
    runner = ReadModelRunner(db)
    runner.rebuild(PROJECTION, as_of=instant)

    rows = worklist(
        db, organisation=COUNCIL, today=date(2026, 12, 3), namespace=as_of_namespace(instant)
    )

    assert brief(story, rows) == [
        ("W2", "unassigned", "received", "acknowledgement", "2026-12-07", False, 2),
        ("W5", "unassigned", "received", "acknowledgement", "2026-12-08", False, 3),
        ("W1", "p.jones", "investigating", "response", "2027-05-01", False, 101),
        ("W6", "j.smith", "responded", None, None, False, None),
        ("W3", "unassigned", "referred", None, None, False, None),
    ]
    assert not db.table_exists(physical_name(PROJECTION, CASES, "rm"))


def test_a_manager_assigning_and_reassigning_moves_the_case_between_handlers(
    story: Story, db: Any
) -> None:
    tell_the_autumn(story)
    runner = ReadModelRunner(db)
    runner.rebuild(PROJECTION)
    led, c, manager = story.ledger, story.cases, Role.MANAGER
    led.assign_handler(c["W2"], story.on(TODAY, 11, role=manager), handler="a.khan")
    led.assign_handler(c["W1"], story.then(role=manager), handler="a.khan", reason="on leave")
    led.assign_handler(c["W6"], story.then(role=manager), handler="r.singh")  # stage 2's own

    assert runner.catch_up(PROJECTION) == 3
    caught_up = table_rows(db)
    runner.rebuild(PROJECTION)

    assert caught_up == table_rows(db)
    by_handler = {
        handler: names(story, worklist(db, organisation=COUNCIL, handler=handler, today=TODAY))
        for handler in ("a.khan", "p.jones", "r.singh", "unassigned")
    }
    assert by_handler == {
        "a.khan": ["W2", "W1"],
        "p.jones": [],
        "r.singh": ["W6"],
        "unassigned": ["W9", "W3", "W7"],
    }
    w2 = worklist(db, organisation=COUNCIL, handler="a.khan", today=TODAY)[0]
    assert w2["status"] == "received"  # assigned, not yet investigated
