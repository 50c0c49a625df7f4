"""The annual report projection on both stores: regs 16-18 measures and KO41 counting rules
(no wrong door counts once, multi-subject complaints, the 1 April boundary in UK local time,
withdrawn and reopened complaints), incremental catch-up, as-of builds, renderers, no personal
data."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from itertools import count
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from complaints_ledger.application.context import CommandContext
from complaints_ledger.domain.values import (
    Actor,
    Channel,
    ConsentBasis,
    EscalationRoute,
    Kind,
    Ombudsman,
    OmbudsmanDecision,
    Outcome,
    Person,
    Representative,
    Role,
)
from complaints_ledger.persistence.view_db import ViewDatabase
from complaints_ledger.readside.runner import ReadModelRunner, as_of_namespace
from complaints_ledger.readside.views import physical_name
from projections import annual_report as ar
from projections.annual_report_render import render_csv, render_json, render_markdown
from tests import builders
from tests.stories import ClockedLedger

COUNCIL = "Northshire Council"
HEALTHWATCH = "Healthwatch Northshire"
SOUTHSHIRE = "Southshire Council"
PROVIDER = "Sunrise Home Care Ltd"
BST = timezone(timedelta(hours=1))
LONDON = ZoneInfo("Europe/London")
PLANTED = ("Zebedee Quux-Planted", "07700 900123", "zq@planted.example", "PLANTED-SUMMARY-xyzzy")


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
        kind: Kind = Kind.COMPLAINT,
        subjects: tuple[str, ...] = ("home care",),
        representative: Representative | None = None,
        name: str = "Jo Bloggs",
        summary: str = "Carers missed visits.",
    ) -> UUID:
        intake = builders.intake(
            kind=kind,
            channel=Channel.PHONE,
            receiving_organisation=org,
            service="home care" if "residential care" not in subjects else "residential care",
            subjects=subjects,
            complainant=Person(name),
            summary=summary,
            representative=representative,
        )
        return self.ledger.receive(intake, self.ctx(when, org))

    def respond(self, case: UUID, when: datetime, outcome: Outcome = Outcome.NOT_UPHELD) -> None:
        self.ledger.acknowledge(case, self.ctx(when - timedelta(hours=2)))
        self.ledger.send_response(
            case,
            self.ctx(when),
            outcome=outcome,
            remedies=(),
            signed_by="Director",
            ombudsman_rights_given=True,
            summary="Our findings.",
        )

    def close(self, case: UUID, when: datetime) -> None:
        self.ledger.close_case(case, self.ctx(when), no_action_needed_reason="already put right")

    def withdraw(self, case: UUID, when: datetime) -> None:
        self.ledger.withdraw(case, self.ctx(when), reason="complainant withdrew")

    def reopen(self, case: UUID, when: datetime) -> None:
        self.ledger.reopen(case, self.ctx(when), reason="new information")


@pytest.fixture
def world(store_url: str) -> Iterator[World]:
    built = World(store_url)
    yield built
    built.ledger.close()


def report(db: ViewDatabase, year: int, org: str = COUNCIL, **kw: Any) -> dict[str, Any]:
    return ar.annual_report(db, organisation=org, year=year, **kw)


def ko41(db: ViewDatabase, year: int, org: str = COUNCIL) -> dict[str, Any]:
    counts: dict[str, Any] = report(db, year, org)["ko41"]
    return counts


def flows(db: ViewDatabase, year: int) -> tuple[int, int, int, int]:
    counts = ko41(db, year)
    return (counts["brought_forward"], counts["new"], counts["resolved"], counts["carried_forward"])


def rebuild(db: ViewDatabase) -> None:
    ReadModelRunner(db).rebuild(ar.PROJECTION)


def all_rows(db: ViewDatabase, namespace: str = "rm") -> dict[str, list[Any]]:
    return {
        table.name: sorted(
            db.execute(f"SELECT * FROM {physical_name(ar.PROJECTION, table, namespace)}"),
            key=repr,
        )
        for table in ar.PROJECTION.tables
    }


# --------------------------------------------------------------------------- the reporting year


def test_reporting_year_runs_1_april_to_1_april_in_uk_local_time() -> None:
    start, end = ar.reporting_year_bounds(2026)
    assert (start, end) == (
        datetime(2026, 4, 1, tzinfo=LONDON),
        datetime(2027, 4, 1, tzinfo=LONDON),
    )
    assert start.astimezone(UTC) == datetime(2026, 3, 31, 23, tzinfo=UTC)  # BST
    assert ar.reporting_year_bounds("2026-27") == (start, end)
    assert ar.reporting_year_bounds(2021)[0].astimezone(UTC) == datetime(
        2021, 3, 31, 23, tzinfo=UTC
    )
    for wrong in ("2026-28", "26", "year"):
        with pytest.raises(ValueError, match="reporting year"):
            ar.reporting_year_bounds(wrong)


# --------------------------------------------------------------------------- counting rules


def test_a_complaint_counts_once_for_its_handler_and_once_per_subject(
    world: World, db: ViewDatabase
) -> None:
    referred = world.receive(datetime(2026, 5, 1, 10, tzinfo=UTC), org=HEALTHWATCH)
    world.ledger.refer(
        referred,
        world.ctx(datetime(2026, 5, 2, 10, tzinfo=UTC), HEALTHWATCH),
        to_organisation=COUNCIL,
        reason="the council commissions this care",
        consent_to_share=True,
    )
    world.ledger.accept_referral(referred, world.ctx(datetime(2026, 5, 4, 9, tzinfo=UTC)))
    three = ("charging", "communication", "home care")
    world.receive(datetime(2026, 6, 1, 9, tzinfo=UTC), org=SOUTHSHIRE, subjects=three)
    world.receive(datetime(2026, 6, 2, 9, tzinfo=UTC), org=SOUTHSHIRE, subjects=("communication",))
    rebuild(db)

    # No wrong door: the referral counts once, for the council that accepted it, from its receipt.
    assert report(db, 2026)["regs_16_18"]["complaints_received"] == 1
    assert ko41(db, 2026)["new"] == 1
    assert report(db, 2026, HEALTHWATCH)["regs_16_18"]["complaints_received"] == 0
    assert ko41(db, 2026, HEALTHWATCH)["new"] == 0
    facts = ar.case_facts(db, organisation=COUNCIL)
    assert [(UUID(f["case_id"]), f["received_at"][:10]) for f in facts] == [
        (referred, "2026-05-04")
    ]
    assert ar.case_facts(db, organisation=HEALTHWATCH) == []

    # Three subjects: once in the total, once under each subject.
    result = report(db, 2026, SOUTHSHIRE)
    expected = {"charging": 1, "communication": 2, "home care": 1}
    assert result["regs_16_18"]["complaints_received"] == 2
    assert result["regs_16_18"]["subjects"] == expected
    assert result["ko41"]["new"] == 2
    assert result["ko41"]["by_subject"] == expected
    assert sum(result["ko41"]["by_service"].values()) == 2


def test_brought_and_carried_forward_across_1_april_in_uk_local_time(
    world: World, db: ViewDatabase
) -> None:
    # 31 March 23:30 BST is still 2025-26; 23:30 UTC on 31 March is 00:30 BST on 1 April: 2026-27.
    open_from_march = world.receive(datetime(2026, 3, 31, 23, 30, tzinfo=BST))
    open_from_april = world.receive(datetime(2026, 3, 31, 23, 30, tzinfo=UTC))
    closed_in_march = world.receive(datetime(2026, 1, 15, 12, tzinfo=UTC))  # GMT
    closed_on_1_april = world.receive(datetime(2026, 1, 15, 13, tzinfo=UTC))
    closed_1_april_2027 = world.receive(datetime(2026, 6, 1, 9, tzinfo=UTC))
    closed_31_march_2027 = world.receive(datetime(2026, 6, 1, 10, tzinfo=UTC))
    for case, closed_at in (
        (closed_in_march, datetime(2026, 3, 31, 23, 30, tzinfo=BST)),
        (closed_on_1_april, datetime(2026, 3, 31, 23, 30, tzinfo=UTC)),
        (closed_1_april_2027, datetime(2027, 3, 31, 23, 30, tzinfo=UTC)),
        (closed_31_march_2027, datetime(2027, 3, 31, 22, 30, tzinfo=UTC)),
    ):
        world.respond(case, closed_at - timedelta(days=1))
        world.close(case, closed_at)
    rebuild(db)

    assert flows(db, 2025) == (0, 3, 1, 2)
    assert flows(db, 2026) == (2, 3, 2, 3)
    assert flows(db, 2027) == (3, 0, 1, 2)
    unresolved = {UUID(f["case_id"]) for f in ar.case_facts(db) if f["resolved_at"] is None}
    assert unresolved == {open_from_march, open_from_april}


def test_withdrawn_is_resolved_with_no_outcome_and_reopened_is_unresolved_again(
    world: World, db: ViewDatabase
) -> None:
    withdrawn = world.receive(datetime(2026, 5, 1, 9, tzinfo=UTC), org=SOUTHSHIRE)
    world.withdraw(withdrawn, datetime(2026, 5, 3, 9, tzinfo=UTC))
    reopened = world.receive(datetime(2026, 5, 1, 9, tzinfo=UTC))
    world.respond(reopened, datetime(2026, 6, 1, 9, tzinfo=UTC), Outcome.UPHELD)
    world.close(reopened, datetime(2026, 6, 2, 9, tzinfo=UTC))
    world.reopen(reopened, datetime(2026, 7, 1, 9, tzinfo=UTC))
    rebuild(db)

    counts = ko41(db, 2026, SOUTHSHIRE)
    assert (counts["new"], counts["resolved"], counts["carried_forward"]) == (1, 1, 0)
    assert counts["outcomes"] == {"upheld": 0, "partly_upheld": 0, "not_upheld": 0, "no_outcome": 1}
    assert counts["resolutions"] == {"closed": 0, "withdrawn": 1, "refused": 0}

    assert flows(db, 2026) == (0, 1, 0, 1)
    assert ko41(db, 2026)["outcomes"]["upheld"] == 0
    assert ar.case_facts(db, organisation=COUNCIL)[0]["resolved_at"] is None
    world.close(reopened, datetime(2027, 5, 2, 9, tzinfo=UTC))
    ReadModelRunner(db).catch_up(ar.PROJECTION)
    assert flows(db, 2026) == (0, 1, 0, 1)
    assert flows(db, 2027) == (1, 0, 1, 0)
    assert ko41(db, 2027)["outcomes"]["upheld"] == 1


def test_regs_16_18_measures(world: World, db: ViewDatabase) -> None:
    upheld = world.receive(datetime(2026, 4, 10, 9, tzinfo=UTC))
    world.respond(upheld, datetime(2026, 5, 1, 9, tzinfo=UTC), Outcome.UPHELD)
    world.ledger.plan_action(
        upheld,
        world.ctx(datetime(2026, 5, 1, 10, tzinfo=UTC)),
        action_id="a1",
        description="Retrain rota staff on missed-visit alerts",
        owner="Home care manager",
        due_on=date(2026, 6, 30),
    )
    world.ledger.plan_action(
        upheld,
        world.ctx(datetime(2026, 5, 1, 11, tzinfo=UTC)),
        action_id="a2",
        description="Audit visit logs",
        owner="Quality lead",
        due_on=date(2027, 6, 1),
    )
    world.ledger.complete_action(
        upheld, world.ctx(datetime(2026, 6, 20, 9, tzinfo=UTC)), action_id="a1"
    )
    world.ledger.record_lesson(
        upheld,
        world.ctx(datetime(2026, 6, 21, 9, tzinfo=UTC)),
        lesson_id="l1",
        theme="communication",
        lesson="Families were not told of changes",
        action="Call families when a visit moves",
        shared_with_partners=True,
    )
    world.close(upheld, datetime(2026, 6, 22, 9, tzinfo=UTC))
    world.ledger.escalate(
        upheld,
        world.ctx(datetime(2026, 8, 1, 9, tzinfo=UTC)),
        route=EscalationRoute.OMBUDSMAN,
        reason="complainant unhappy",
        body=Ombudsman.LGSCO,
    )
    world.ledger.record_ombudsman_decision(
        upheld,
        world.ctx(datetime(2026, 11, 1, 9, tzinfo=UTC)),
        body=Ombudsman.LGSCO,
        decision=OmbudsmanDecision.UPHELD_FAULT_INJUSTICE,
    )
    represented = world.receive(
        datetime(2026, 4, 10, 10, tzinfo=UTC),
        representative=Representative(Person("Sam Bloggs"), "son", ConsentBasis.GIVEN),
    )
    world.respond(represented, datetime(2026, 11, 20, 9, tzinfo=UTC), Outcome.PARTLY_UPHELD)
    not_upheld = world.receive(datetime(2026, 4, 11, 9, tzinfo=UTC))
    world.respond(not_upheld, datetime(2026, 5, 11, 9, tzinfo=UTC))
    world.receive(datetime(2026, 4, 12, 9, tzinfo=UTC), kind=Kind.CONCERN)
    world.receive(datetime(2026, 4, 13, 9, tzinfo=UTC), kind=Kind.COMPLIMENT)
    rebuild(db)

    regs = report(db, 2026)["regs_16_18"]
    assert regs["complaints_received"] == 3
    assert regs["other_feedback_received"] == {"concern": 1, "compliment": 1}
    assert (regs["responses_sent"], regs["well_founded"]) == (3, 2)
    assert "partly upheld" in regs["well_founded_definition"]
    assert regs["responses_within_notified_period"] == 2
    assert regs["responses_outside_notified_period"] == 1
    assert regs["referred_to_ombudsman"] == 1
    assert regs["ombudsman_decisions"] == {"upheld_fault_causing_injustice": 1}
    assert (regs["actions_planned"], regs["actions_completed"]) == (2, 1)
    assert [(a["description"], a["status"], a["completed_on"]) for a in regs["actions"]] == [
        ("Retrain rota staff on missed-visit alerts", "completed", "2026-06-20"),
        ("Audit visit logs", "planned", None),
    ]
    assert regs["learning_themes"] == {"communication": 1}
    counts = report(db, 2026)["ko41"]
    assert counts["by_complainant_status"] == {"complainant": 2, "representative": 1}
    assert counts["by_age_band"] == {"not_recorded": 3}
    assert report(db, 2027)["regs_16_18"]["actions"] == []


# --------------------------------------------------------------------------- property


PATHS = (
    (),
    ("withdraw",),
    ("respond",),
    ("respond", "close"),
    ("respond", "close", "reopen"),
    ("respond", "close", "reopen", "close"),
    ("respond", "withdraw"),
)
_orgs = count(1)
case_plans = st.tuples(
    st.integers(min_value=-60, max_value=440),  # day of receipt from 1 March 2026
    st.integers(min_value=0, max_value=23),
    st.sampled_from(PATHS),
    st.lists(st.integers(min_value=1, max_value=4000), min_size=4, max_size=4),  # gaps, hours
    st.sampled_from(list(Outcome)),
)


def play(world: World, org: str, plan: tuple[Any, ...]) -> tuple[datetime, datetime | None, str]:
    """Apply one case's plan; return its receipt, expected resolution time and outcome."""
    day, hour, path, gaps, outcome = plan
    when = datetime(2026, 3, 1, hour, tzinfo=UTC) + timedelta(days=day)
    case = world.receive(when, org=org)
    resolved, result = None, "no_outcome"
    for step, gap in zip(path, gaps, strict=False):
        when += timedelta(hours=gap + 3)
        if step == "respond":
            world.respond(case, when, outcome)
            result = str(outcome)
        elif step == "reopen":
            world.reopen(case, when)
            resolved = None
        else:
            (world.close if step == "close" else world.withdraw)(case, when)
            resolved = when
    return datetime(2026, 3, 1, hour, tzinfo=UTC) + timedelta(days=day), resolved, result


@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(plans=st.lists(case_plans, min_size=1, max_size=4))
def test_counts_follow_the_histories_and_outcomes_never_exceed_resolved(
    world: World, db: ViewDatabase, plans: list[tuple[Any, ...]]
) -> None:
    org = f"Council {next(_orgs)}"
    expected = [play(world, org, plan) for plan in plans]
    ReadModelRunner(db).catch_up(ar.PROJECTION)
    carried = 0
    for year in (2025, 2026, 2027):
        start, end = ar.reporting_year_bounds(year)
        counts = ko41(db, year, org)
        new = [e for e in expected if start <= e[0] < end]
        resolved = [e for e in expected if e[1] is not None and start <= e[1] < end]
        assert counts["new"] == len(new)
        assert counts["resolved"] == len(resolved)
        assert sum(counts["outcomes"].values()) == counts["resolved"]
        for outcome in ("upheld", "partly_upheld", "not_upheld", "no_outcome"):
            assert counts["outcomes"][outcome] == sum(1 for e in resolved if e[2] == outcome)
        assert counts["brought_forward"] == carried
        carried = sum(1 for e in expected if e[0] < end and (e[1] is None or e[1] >= end))
        assert counts["carried_forward"] == carried
        assert counts["carried_forward"] == counts["brought_forward"] + counts["new"] - len(
            resolved
        )


# --------------------------------------------------------------------------- rebuilds


def seed_first_part(world: World) -> tuple[UUID, UUID, UUID]:
    first = world.receive(datetime(2026, 4, 2, 9, tzinfo=UTC), subjects=("charging", "home care"))
    world.respond(first, datetime(2026, 5, 2, 9, tzinfo=UTC), Outcome.UPHELD)
    world.ledger.plan_action(
        first,
        world.ctx(datetime(2026, 5, 2, 10, tzinfo=UTC)),
        action_id="a1",
        description="Refund overcharge",
        owner="Finance",
        due_on=date(2026, 6, 1),
    )
    world.close(first, datetime(2026, 5, 3, 9, tzinfo=UTC))
    second = world.receive(datetime(2026, 4, 2, 10, tzinfo=UTC), org=HEALTHWATCH)
    third = world.receive(datetime(2026, 4, 3, 9, tzinfo=UTC))
    return first, second, third


def seed_second_part(world: World, first: UUID, second: UUID, third: UUID) -> None:
    world.reopen(first, datetime(2026, 7, 1, 9, tzinfo=UTC))
    world.ledger.complete_action(
        first, world.ctx(datetime(2026, 7, 2, 9, tzinfo=UTC)), action_id="a1"
    )
    world.ledger.refer(
        second,
        world.ctx(datetime(2026, 7, 3, 9, tzinfo=UTC), HEALTHWATCH),
        to_organisation=COUNCIL,
        reason="council matter",
        consent_to_share=True,
    )
    world.ledger.accept_referral(second, world.ctx(datetime(2026, 7, 4, 9, tzinfo=UTC)))
    manager = world.ctx(datetime(2026, 7, 5, 9, tzinfo=UTC), role=Role.MANAGER)
    world.ledger.correct_fact(
        third, manager, field="received_at", new_value="2026-03-30T09:00:00+01:00", reason="typo"
    )
    manager = world.ctx(datetime(2026, 7, 5, 10, tzinfo=UTC), role=Role.MANAGER)
    world.ledger.correct_fact(
        third, manager, field="subjects", new_value=["charging", "safeguarding"], reason="triage"
    )
    world.withdraw(third, datetime(2026, 7, 6, 9, tzinfo=UTC))


def test_catch_up_equals_a_full_rebuild_and_as_of_reproduces_the_published_report(
    world: World, db: ViewDatabase
) -> None:
    cases = seed_first_part(world)
    runner = ReadModelRunner(db, page_size=3)
    runner.rebuild(ar.PROJECTION)
    published = report(db, 2026)
    instant = datetime(2026, 6, 1, tzinfo=UTC)  # after the first part, before the second
    seed_second_part(world, *cases)
    runner.catch_up(ar.PROJECTION)
    followed, followed_report = all_rows(db), report(db, 2026)
    assert followed_report != published
    assert followed_report["ko41"]["new"] == 2  # the corrected receipt moved to 2025-26
    assert report(db, 2025)["ko41"]["by_subject"] == {"charging": 1, "safeguarding": 1}

    runner.rebuild(ar.PROJECTION)
    assert all_rows(db) == followed
    assert report(db, 2026) == followed_report

    runner.rebuild(ar.PROJECTION, as_of=instant)
    assert report(db, 2026, namespace=as_of_namespace(instant)) == published
    assert published["ko41"]["resolved"] == 1


# --------------------------------------------------------------------------- output


def test_renderers_and_no_personal_data_anywhere(world: World, db: ViewDatabase) -> None:
    name, phone, email, summary = PLANTED
    case = world.ledger.receive(
        builders.intake(
            subjects=("charging", "dignity"),
            complainant=Person(name, email=email, phone=phone, address="1 Planted Row"),
            summary=summary,
            representative=Representative(Person(f"{name} Junior"), "son", ConsentBasis.GIVEN),
        ),
        world.ctx(datetime(2026, 5, 1, 9, tzinfo=UTC)),
    )
    world.ledger.update_complainant(
        case, world.ctx(datetime(2026, 5, 2, 9, tzinfo=UTC)), channel="phone", message=summary
    )
    world.respond(case, datetime(2026, 5, 20, 9, tzinfo=UTC), Outcome.PARTLY_UPHELD)
    world.ledger.plan_action(
        case,
        world.ctx(datetime(2026, 5, 20, 10, tzinfo=UTC)),
        action_id="a1",
        description="Review | charging letters",
        owner="Finance",
        due_on=date(2026, 6, 1),
    )
    rebuild(db)
    result = report(db, 2026)
    markdown, text_csv, text_json = render_markdown(result), render_csv(result), render_json(result)

    for text in (str(all_rows(db)), str(ar.case_facts(db)), markdown, text_csv, text_json):
        for secret in (*PLANTED, "1 Planted Row"):
            assert secret not in text
    assert result["ko41"]["by_complainant_status"] == {"complainant": 0, "representative": 1}

    assert orjson.loads(text_json) == result
    rows = list(csv.DictReader(io.StringIO(text_csv)))
    assert list(rows[0]) == ["section", "measure", "key", "value"]
    cells = {(r["section"], r["measure"], r["key"]): r["value"] for r in rows}
    assert cells["report", "year", ""] == "2026-27"
    assert cells["regs_16_18", "complaints_received", ""] == "1"
    assert cells["regs_16_18", "well_founded", ""] == "1"
    assert cells["ko41", "by_subject", "dignity"] == "1"
    assert cells["ko41", "outcomes", "no_outcome"] == "0"
    assert cells["regs_16_18", "actions", "1.status"] == "overdue"
    assert markdown.startswith(f"# Complaints annual report 2026-27: {COUNCIL}")
    assert "1 April 2026 to 31 March 2027" in markdown
    assert "| Complaints received | 1 |" in markdown
    assert "Review \\| charging letters" in markdown
    assert "| Brought forward | New | Resolved | Carried forward |" in markdown
