"""The retention schedule on both stores (issue 6), with a simulated clock.

Cases are closed (or withdrawn) on known dates over twelve years; the schedule keeps complaints
10 years, concerns 6 and compliments 3 (a setting). A run erases exactly the cases whose period
has ended, reports the one under a litigation hold as held, a dry run erases nothing, and a
second run has nothing left to do. A case closed on 29 February is due on 28 February.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from uuid import UUID

import pytest

from complaints_ledger.application.context import CommandContext
from complaints_ledger.application.ledger import ComplaintsLedger
from complaints_ledger.domain.privacy import ERASED, SubjectRole, subject_id_for
from complaints_ledger.domain.values import (
    Actor,
    Channel,
    ConsentBasis,
    Kind,
    Outcome,
    Person,
    Representative,
    Role,
)
from complaints_ledger.privacy.retention import (
    RETENTION_PRINCIPAL,
    Decision,
    RetentionReport,
    RetentionSchedule,
    run_retention,
)
from complaints_ledger.settings import Settings
from tests import builders

COUNCIL = "Northshire Council"
OFFICER = Actor("o.khan", COUNCIL)
MANAGER = Actor("m.jones", COUNCIL, Role.MANAGER)
YEARS = {"complaint": 10, "concern": 6, "compliment": 3}


def at(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 12, tzinfo=UTC)  # midday: the same date in UK time


@dataclass
class World:
    ledger: ComplaintsLedger
    now: datetime

    def ctx(self, when: datetime, actor: Actor = OFFICER) -> CommandContext:
        self.now = when
        return CommandContext(actor)

    def receive(
        self, when: datetime, name: str, kind: Kind = Kind.COMPLAINT, *, represented: bool = False
    ) -> UUID:
        intake = builders.intake(
            kind=kind,
            channel=Channel.LETTER,
            about_organisation="Sunrise Home Care Ltd",
            complainant=Person(name),
            summary=f"{name} wrote to us",
            representative=Representative(Person(f"{name} Junior"), "son", ConsentBasis.GIVEN)
            if represented
            else None,
        )
        return self.ledger.receive(intake, self.ctx(when))

    def respond(self, case_id: UUID, when: datetime) -> None:
        self.ledger.acknowledge(case_id, self.ctx(when))
        self.ledger.send_response(
            case_id,
            self.ctx(when),
            outcome=Outcome.NOT_UPHELD,
            remedies=(),
            signed_by="Head of Service",
            ombudsman_rights_given=True,
            summary="Our findings.",
        )

    def closed(
        self, name: str, received: datetime, closed: datetime, kind: Kind = Kind.COMPLAINT
    ) -> UUID:
        case_id = self.receive(received, name, kind, represented=name == "Alys Penhallow")
        if kind != Kind.COMPLIMENT:
            self.respond(case_id, received)
        self.ledger.close_case(case_id, self.ctx(closed))
        return case_id

    def run(self, today: date, *, dry_run: bool = False) -> RetentionReport:
        self.now = datetime.combine(today, datetime.min.time(), UTC).replace(hour=3)
        schedule = RetentionSchedule.from_years(self.ledger.settings.retention_years)
        return run_retention(self.ledger, schedule, today=today, dry_run=dry_run)

    def name_of(self, case_id: UUID) -> object:
        complainant = self.ledger.get(case_id).personal["complainant"]
        return complainant if complainant == ERASED else complainant["name"]


@pytest.fixture
def world(store_url: str) -> Iterator[World]:
    built = World(ledger=None, now=at(2013, 1, 1))  # type: ignore[arg-type]
    built.ledger = ComplaintsLedger(
        Settings(store=store_url, retention_years=YEARS, snapshot_interval=0),
        clock=lambda: built.now,
    )
    yield built
    built.ledger.close()


def decided(report: RetentionReport) -> dict[UUID, Decision]:
    return {d.case_id: d.decision for d in report.decisions}


def test_a_run_erases_exactly_the_cases_whose_retention_has_ended(world: World) -> None:
    cases = {
        # Complaints are kept 10 years after closing (or withdrawal).
        "due": world.closed("Alys Penhallow", at(2015, 3, 2), at(2015, 6, 1)),
        "leap day": world.closed("Bryn Aldous", at(2015, 12, 1), at(2016, 2, 29)),
        "within": world.closed("Cato Wrenfield", at(2016, 9, 1), at(2017, 1, 10)),
        "closed 2019": world.closed("Greer Ashdown", at(2019, 1, 7), at(2019, 5, 1)),
        "held": world.closed("Esme Tolliver", at(2014, 6, 2), at(2015, 1, 1)),
        # Concerns 6 years, compliments 3: the same closing date as "closed 2019" is due.
        "concern": world.closed("Fen Halloran", at(2019, 1, 7), at(2019, 5, 1), Kind.CONCERN),
        "compliment": world.closed("Kit Mabry", at(2022, 1, 3), at(2022, 1, 5), Kind.COMPLIMENT),
    }
    cases["open"] = world.receive(at(2014, 1, 6), "Dov Pargeter")
    world.ledger.acknowledge(cases["open"], world.ctx(at(2014, 1, 7)))
    cases["withdrawn"] = world.receive(at(2014, 3, 3), "Hal Brereton")
    world.ledger.withdraw(cases["withdrawn"], world.ctx(at(2014, 4, 1)), reason="resolved")
    # Closed in 2014 but reopened: the period starts again at its last closing, in 2020.
    cases["reopened"] = world.closed("Rue Castellan", at(2013, 10, 1), at(2014, 2, 3))
    world.ledger.reopen(cases["reopened"], world.ctx(at(2015, 2, 2), MANAGER), reason="new facts")
    world.ledger.close_case(cases["reopened"], world.ctx(at(2020, 1, 10)))
    world.ledger.place_litigation_hold(
        cases["held"], world.ctx(at(2020, 3, 2), MANAGER), reason="claim issued"
    )
    names = {label: world.name_of(case_id) for label, case_id in cases.items()}
    due = {"due", "leap day", "concern", "compliment", "withdrawn"}

    # A dry run the day before the leap-day case is due: it says what it would do, does nothing.
    report = world.run(date(2026, 2, 27), dry_run=True)
    assert report.cases_checked == len(cases)
    assert decided(report) == {
        **{cases[label]: Decision.WOULD_ERASE for label in due - {"leap day"}},
        cases["held"]: Decision.HELD,
    }
    assert {label: world.name_of(case_id) for label, case_id in cases.items()} == names

    # The run on 28 February 2026: ten years after 29 February 2016 have passed.
    report = world.run(date(2026, 2, 28))
    assert decided(report) == {
        **{cases[label]: Decision.ERASED for label in due},
        cases["held"]: Decision.HELD,
    }
    by_case = {d.case_id: d for d in report.decisions}
    leap = by_case[cases["leap day"]]
    assert (leap.closed_on, leap.due_on) == (date(2016, 2, 29), date(2026, 2, 28))
    assert by_case[cases["concern"]].due_on == date(2025, 5, 1)
    assert by_case[cases["compliment"]].due_on == date(2025, 1, 5)
    assert by_case[cases["held"]].hold_reason == "claim issued"
    assert by_case[cases["due"]].subjects == (
        subject_id_for(cases["due"], SubjectRole.COMPLAINANT),
        subject_id_for(cases["due"], SubjectRole.REPRESENTATIVE),
    )
    for label, case_id in cases.items():
        assert world.name_of(case_id) == (ERASED if label in due else names[label]), label
    assert world.ledger.get(cases["due"]).personal["representative"] == ERASED
    erasure = world.ledger.history(cases["concern"])[-1]
    assert erasure.type == "SubjectErased"
    assert erasure.actor == {
        "principal": RETENTION_PRINCIPAL,
        "organisation": COUNCIL,
        "role": "admin",
    }
    assert "6 years" in erasure.data["reason"]

    # Run again: nothing left to erase; the held case is still reported as held.
    assert decided(world.run(date(2026, 2, 28))) == {cases["held"]: Decision.HELD}

    # Once the hold is lifted the next run erases it, and after that a run reports nothing.
    world.ledger.lift_litigation_hold(
        cases["held"], world.ctx(at(2026, 3, 2), MANAGER), reason="claim settled"
    )
    assert decided(world.run(date(2026, 3, 2))) == {cases["held"]: Decision.ERASED}
    assert world.name_of(cases["held"]) == ERASED
    report = world.run(date(2026, 3, 2))
    assert (report.cases_checked, report.decisions) == (len(cases), [])
    for label in ("within", "closed 2019", "open", "reopened"):
        assert world.name_of(cases[label]) == names[label]
