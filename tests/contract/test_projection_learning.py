"""The learning register on both stores: lessons with their case's context and actions (open,
done, overdue against `today`), the public 'you said, we did' feed without personal data,
incremental catch-up and as-of builds."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

import pytest

from complaints_ledger.application.context import CommandContext
from complaints_ledger.domain.values import (
    Actor,
    Channel,
    ConsentBasis,
    Outcome,
    Person,
    Representative,
    Role,
)
from complaints_ledger.persistence.view_db import ViewDatabase
from complaints_ledger.readside.runner import ReadModelRunner, as_of_namespace
from complaints_ledger.readside.views import physical_name
from projections import learning_register as lr
from tests import builders
from tests.stories import ClockedLedger

COUNCIL = "Northshire Council"
SOUTHSHIRE = "Southshire Council"
HEALTHWATCH = "Healthwatch Northshire"
PROVIDER = "Sunrise Home Care Ltd"
PLANTED = (
    "Zebedee Quux-Planted",
    "07700 900123",
    "zq@planted.example",
    "1 Planted Row",
    "PLANTED-SUMMARY-xyzzy",
    "PLANTED-RESPONSE-plugh",
    "PLANTED-NOTES-frotz",
    "PLANTED-MESSAGE-gnusto",
    "PLANTED-FEEDBACK-rezrov",
    "Representative Plantname",
)


class World(ClockedLedger):
    """Each command happens (and is recorded) at the `when` its context names."""

    def __init__(self, url: str) -> None:
        super().__init__(url, datetime(2024, 1, 1, tzinfo=UTC))

    def ctx(self, when: datetime, org: str = COUNCIL, role: Role = Role.OFFICER) -> CommandContext:
        self.now = when
        return CommandContext(Actor("officer", org, role))

    def receive(
        self,
        when: datetime,
        *,
        org: str = COUNCIL,
        subjects: tuple[str, ...] = ("communication", "home care"),
        complainant: Person | None = None,
        summary: str = "Carers missed visits.",
        representative: Representative | None = None,
    ) -> UUID:
        intake = builders.intake(
            channel=Channel.PHONE,
            receiving_organisation=org,
            subjects=subjects,
            complainant=complainant or Person("Jo Bloggs"),
            summary=summary,
            representative=representative,
        )
        return self.ledger.receive(intake, self.ctx(when, org))

    def respond(
        self, case: UUID, when: datetime, outcome: Outcome, summary: str = "Findings."
    ) -> None:
        self.ledger.send_response(
            case,
            self.ctx(when),
            outcome=outcome,
            remedies=(),
            signed_by="Director",
            ombudsman_rights_given=True,
            summary=summary,
        )

    def plan(
        self, case: UUID, when: datetime, action_id: str, due_on: date, org: str = COUNCIL
    ) -> None:
        self.ledger.plan_action(
            case,
            self.ctx(when, org),
            action_id=action_id,
            description=f"Action {action_id}",
            owner="Service manager",
            due_on=due_on,
        )

    def complete(self, case: UUID, when: datetime, action_id: str, org: str = COUNCIL) -> None:
        self.ledger.complete_action(case, self.ctx(when, org), action_id=action_id)

    def lesson(
        self, case: UUID, when: datetime, lesson_id: str, theme: str, *, shared: bool, **kw: Any
    ) -> None:
        self.ledger.record_lesson(
            case,
            self.ctx(when, kw.get("org", COUNCIL)),
            lesson_id=lesson_id,
            theme=theme,
            lesson=f"Lesson {lesson_id}",
            action=f"We changed {lesson_id}",
            shared_with_partners=shared,
        )


@pytest.fixture
def world(store_url: str) -> Iterator[World]:
    built = World(store_url)
    yield built
    built.ledger.close()


def at(day: int, month: int = 5, hour: int = 9) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


def all_rows(db: ViewDatabase, namespace: str = "rm") -> dict[str, list[Any]]:
    return {
        table.name: sorted(
            db.execute(f"SELECT * FROM {physical_name(lr.PROJECTION, table, namespace)}"),
            key=repr,
        )
        for table in lr.PROJECTION.tables
    }


def statuses(lesson: dict[str, Any]) -> dict[str, str]:
    return {action["action_id"]: action["status"] for action in lesson["actions"]}


def test_lessons_carry_their_case_context_and_action_statuses_against_today(
    world: World, db: ViewDatabase
) -> None:
    case = world.receive(at(1))
    world.ledger.acknowledge(case, world.ctx(at(2)))
    world.respond(case, at(10), Outcome.UPHELD)
    world.plan(case, at(10, hour=10), "open", date(2026, 8, 1))
    world.plan(case, at(10, hour=11), "done", date(2026, 6, 1))
    world.plan(case, at(10, hour=12), "late", date(2026, 6, 10))
    world.complete(case, at(25), "done")
    world.lesson(case, at(26), "l1", "Communication", shared=True)
    world.lesson(case, at(27), "l2", "Staff attitude", shared=False)
    elsewhere = world.receive(at(3), org=SOUTHSHIRE, subjects=("charging",))
    world.lesson(elsewhere, at(28), "l3", "communication", shared=True, org=SOUTHSHIRE)
    referred = world.receive(at(4), org=HEALTHWATCH, subjects=("safeguarding",))
    world.lesson(referred, at(5), "l4", "Signposting", shared=False, org=HEALTHWATCH)
    world.ledger.refer(
        referred,
        world.ctx(at(6), HEALTHWATCH),
        to_organisation=COUNCIL,
        reason="council matter",
        consent_to_share=True,
    )
    world.ledger.accept_referral(referred, world.ctx(at(7)))
    ReadModelRunner(db).rebuild(lr.PROJECTION)

    found = lr.lessons(db, organisation=COUNCIL, today=date(2026, 7, 1))
    assert [lesson["lesson_id"] for lesson in found] == ["l4", "l1", "l2"]
    first = found[1]
    assert {k: first[k] for k in ("organisation", "service", "subjects", "outcome", "theme")} == {
        "organisation": COUNCIL,
        "service": "home care",
        "subjects": ["communication", "home care"],
        "outcome": "upheld",
        "theme": "Communication",
    }
    assert (first["lesson"], first["action"], first["recorded_on"]) == (
        "Lesson l1",
        "We changed l1",
        "2026-05-26",
    )
    assert statuses(first) == {"open": "open", "done": "done", "late": "overdue"}
    assert found[0]["organisation"] == COUNCIL  # counted where the referral was accepted
    assert found[0]["actions"] == []

    before_any_was_due = lr.lessons(db, organisation=COUNCIL, today=date(2026, 5, 20))
    assert statuses(before_any_was_due[1]) == {"open": "open", "done": "open", "late": "open"}
    on_the_due_date = lr.lessons(db, organisation=COUNCIL, today=date(2026, 6, 10))
    assert statuses(on_the_due_date[1])["late"] == "open"

    themed = lr.lessons(db, theme="COMMUNICATION", today=date(2026, 7, 1))
    assert [(x["lesson_id"], x["organisation"]) for x in themed] == [
        ("l1", COUNCIL),
        ("l3", SOUTHSHIRE),
    ]
    shared = lr.lessons(db, shared_only=True, today=date(2026, 7, 1))
    assert [x["lesson_id"] for x in shared] == ["l1", "l3"]
    assert lr.lessons(db, organisation=HEALTHWATCH, today=date(2026, 7, 1)) == []


def plant_personal_data(world: World) -> UUID:
    name, phone, email, address, summary, response, notes, message, feedback, rep = PLANTED
    case = world.receive(
        at(1),
        complainant=Person(name, email=email, phone=phone, address=address),
        summary=summary,
        representative=Representative(Person(rep), "daughter", ConsentBasis.GIVEN),
    )
    world.ledger.acknowledge(case, world.ctx(at(2)))
    world.ledger.start_investigation(case, world.ctx(at(3)), investigator="Investigator 1")
    world.ledger.record_evidence(
        case, world.ctx(at(4)), evidence_kind="statement", source="carer", notes=notes
    )
    world.ledger.update_complainant(case, world.ctx(at(5)), channel="phone", message=message)
    world.respond(case, at(10), Outcome.PARTLY_UPHELD, summary=response)
    world.ledger.request_feedback(case, world.ctx(at(11)), channel="email")
    world.ledger.receive_feedback(case, world.ctx(at(12)), satisfaction=2, comments=feedback)
    manager = world.ctx(at(13), role=Role.MANAGER)
    world.ledger.correct_fact(
        case, manager, field="complainant.phone", new_value=phone + "9", reason="typo"
    )
    return case


def test_the_public_feed_shows_what_we_did_and_never_personal_data(
    world: World, db: ViewDatabase
) -> None:
    case = plant_personal_data(world)
    world.plan(case, at(14), "a1", date(2026, 6, 1))
    world.plan(case, at(14, hour=10), "a2", date(2026, 9, 1))
    world.complete(case, at(20), "a1")
    # 23:30 UTC on 31 May is 00:30 on 1 June in London: the feed's month is June.
    world.lesson(case, datetime(2026, 5, 31, 23, 30, tzinfo=UTC), "l1", "Visits", shared=True)
    world.lesson(case, at(2, month=6), "l2", "Internal only", shared=False)
    other = world.receive(at(3), org=SOUTHSHIRE, subjects=("charging",))
    world.lesson(other, at(15), "s1", "Charging", shared=True, org=SOUTHSHIRE)
    ReadModelRunner(db).rebuild(lr.PROJECTION)

    feed = lr.you_said_we_did(db, organisation=COUNCIL)
    assert feed == [
        {
            "organisation": COUNCIL,
            "service": "home care",
            "theme": "Visits",
            "you_said": {
                "kind": "complaint",
                "subjects": ["communication", "home care"],
                "outcome": "partly_upheld",
            },
            "we_did": ["We changed l1", "Action a1"],
            "month": "2026-06",
        }
    ]
    everyone = lr.you_said_we_did(db)
    assert [(entry["theme"], entry["month"]) for entry in everyone] == [
        ("Visits", "2026-06"),
        ("Charging", "2026-05"),
    ]
    published = [
        str(everyone),
        str(lr.lessons(db, today=date(2026, 7, 1))),
        str(all_rows(db)),
    ]
    for text in published:
        for secret in PLANTED:
            assert secret not in text


def test_catch_up_equals_a_full_rebuild_and_as_of_shows_the_register_as_it_stood(
    world: World, db: ViewDatabase
) -> None:
    case = world.receive(at(1))
    world.ledger.acknowledge(case, world.ctx(at(2)))
    world.plan(case, at(3), "a1", date(2026, 6, 1))
    world.lesson(case, at(4), "l1", "Visits", shared=True)
    referred = world.receive(at(5), org=HEALTHWATCH, subjects=("safeguarding",))
    world.lesson(referred, at(6), "h1", "Signposting", shared=True, org=HEALTHWATCH)
    runner = ReadModelRunner(db, page_size=2)
    runner.rebuild(lr.PROJECTION)
    instant = world.now
    as_it_stood = lr.lessons(db, today=date(2026, 7, 1))

    world.respond(case, at(10), Outcome.NOT_UPHELD)
    world.complete(case, at(11), "a1")
    manager = world.ctx(at(12), role=Role.MANAGER)
    world.ledger.correct_fact(
        case, manager, field="subjects", new_value=["dignity", "home care"], reason="triage"
    )
    manager = world.ctx(at(12, hour=10), role=Role.MANAGER)
    world.ledger.correct_fact(
        case, manager, field="service", new_value="day services", reason="triage"
    )
    world.ledger.refer(
        referred,
        world.ctx(at(13), HEALTHWATCH),
        to_organisation=COUNCIL,
        reason="council matter",
        consent_to_share=True,
    )
    world.ledger.accept_referral(referred, world.ctx(at(14)))
    world.lesson(case, at(15), "l2", "Dignity", shared=False)
    runner.catch_up(lr.PROJECTION)
    followed = all_rows(db)
    now = lr.lessons(db, today=date(2026, 7, 1))
    assert [(x["lesson_id"], x["organisation"]) for x in now] == [
        ("l1", COUNCIL),
        ("h1", COUNCIL),
        ("l2", COUNCIL),
    ]
    assert (now[0]["subjects"], now[0]["service"], now[0]["outcome"]) == (
        ["dignity", "home care"],
        "day services",
        "not_upheld",
    )
    assert statuses(now[0]) == {"a1": "done"}

    runner.rebuild(lr.PROJECTION)
    assert all_rows(db) == followed
    assert lr.lessons(db, today=date(2026, 7, 1)) == now

    runner.rebuild(lr.PROJECTION, as_of=instant)
    namespace = as_of_namespace(instant)
    assert lr.lessons(db, today=date(2026, 7, 1), namespace=namespace) == as_it_stood
    assert statuses(as_it_stood[0]) == {"a1": "overdue"}
    assert as_it_stood[1]["organisation"] == HEALTHWATCH
    feed = lr.you_said_we_did(db, namespace=namespace)
    assert [(x["organisation"], x["we_did"]) for x in feed] == [
        (HEALTHWATCH, ["We changed h1"]),
        (COUNCIL, ["We changed l1"]),
    ]
