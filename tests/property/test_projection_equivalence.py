"""Every read model is a pure function of the events: however it is built, it holds the same rows.

Hypothesis writes random small histories through the application (a few cases; acknowledge,
investigate, discuss (Wales), respond, refer and accept (or decline, recall, pass on), withdraw,
close, reopen, lessons, actions, escalations, extensions, corrections; a simulated clock moving
on by random amounts; refusals skipped). For every built-in projection the tables must be
identical when built

- incrementally: `catch_up` with a small page size after every few commands,
- from scratch: `rebuild`,
- as of an instant after the last event: `rebuild(as_of=...)`,

and an as-of build at an instant mid-way must equal what the incremental build held right then.
Each example gets a fresh database: a new SQLite file, or a new schema on PostgreSQL.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import count
from pathlib import Path
from typing import Any
from uuid import UUID

import psycopg
import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from psycopg import sql

from complaints_ledger.application.context import CommandContext
from complaints_ledger.application.ledger import ComplaintsLedger
from complaints_ledger.domain.calendars import uk_local_date
from complaints_ledger.domain.complaint import Complaint
from complaints_ledger.domain.errors import LedgerError
from complaints_ledger.domain.lifecycle_rules import CODE_REGIMES
from complaints_ledger.domain.values import (
    Actor,
    Channel,
    EscalationRoute,
    ExtendedDeadline,
    Kind,
    Ombudsman,
    OmbudsmanDecision,
    Outcome,
    Person,
    RegimeId,
    Role,
    Status,
)
from complaints_ledger.persistence.store_url import parse_store_url
from complaints_ledger.persistence.view_db import ViewDatabase
from complaints_ledger.readside.discovery import available_projections
from complaints_ledger.readside.read_model import ReadModel, Table
from complaints_ledger.readside.records import EventRecord
from complaints_ledger.readside.runner import ReadModelRunner, as_of_namespace
from complaints_ledger.readside.views import Views, physical_name
from complaints_ledger.settings import Settings
from tests import builders

START = datetime(2026, 3, 2, 9, tzinfo=UTC)
ORGANISATIONS = ("Northshire Council", "Sunrise Home Care Ltd", "Northshire NHS Trust")
PROVIDER = "Sunrise Home Care Ltd"
PROJECTIONS = tuple(available_projections().values())
SQLITE_EXAMPLES = max(25, settings.default.max_examples // 5)
POSTGRES_EXAMPLES = max(8, settings.default.max_examples // 20)

Tables = dict[str, list[tuple[Any, ...]]]

# ---- what may happen ---------------------------------------------------------------------------

organisations = st.sampled_from(ORGANISATIONS)
case_numbers = st.integers(min_value=0, max_value=3)
# Mostly hours, sometimes weeks: deadlines are met, missed, and cross BST and year ends.
gaps = st.one_of(
    st.integers(min_value=1, max_value=6 * 60), st.integers(min_value=1, max_value=30 * 24 * 60)
)
backdates = st.one_of(st.just(0), st.integers(min_value=1, max_value=2 * 24 * 60))


def step(name: str, **params: st.SearchStrategy[Any]) -> st.SearchStrategy[tuple[str, dict]]:
    return st.tuples(st.just(name), st.fixed_dictionaries(params))


receive = step(
    "receive",
    organisation=organisations,
    kind=st.sampled_from([Kind.COMPLAINT, Kind.COMPLAINT, Kind.COMPLAINT, Kind.CONCERN]),
    regime=st.sampled_from(list(RegimeId)),
    channel=st.sampled_from([Channel.EMAIL, Channel.PHONE, Channel.LETTER]),
    service=st.sampled_from(["home care", "residential care", "reablement"]),
    subjects=st.sampled_from([("home care",), ("communication", "fees"), ("fees", "fees")]),
)
compliment = step("receive", organisation=organisations, kind=st.just(Kind.COMPLIMENT))
# A case taken a few steps along its usual path (minutes between the steps), to reach deep states.
progress = step(
    "progress",
    case=case_numbers,
    outcome=st.sampled_from(list(Outcome)),
    two=st.booleans(),
    refer_to=st.one_of(st.none(), st.none(), organisations),
    hops=st.lists(st.integers(min_value=1, max_value=3 * 24 * 60), min_size=1, max_size=6),
)
others = st.one_of(
    receive,
    compliment,
    step("acknowledge", case=case_numbers, agreed=st.one_of(st.none(), st.integers(20, 200))),
    step("investigate", case=case_numbers, investigator=st.sampled_from(["i.patel", "r.singh"])),
    step("assign", case=case_numbers, handler=st.sampled_from(["i.patel", "s.okafor"])),
    step("respond", case=case_numbers, outcome=st.sampled_from(list(Outcome))),
    step("discuss", case=case_numbers, resolved=st.booleans()),  # Wales reg 16
    step("refer", case=case_numbers, to=organisations),
    step("accept", case=case_numbers, regime=st.one_of(st.none(), st.sampled_from(list(RegimeId)))),
    step("decline", case=case_numbers, suggest=st.one_of(st.none(), organisations)),
    step("recall", case=case_numbers),
    step("pass_on", case=case_numbers, to=organisations),
    step("withdraw", case=case_numbers),
    step("close", case=case_numbers, reason=st.sampled_from([None, "Nothing to change"])),
    step("reopen", case=case_numbers),
    step(
        "lesson",
        case=case_numbers,
        lesson_id=st.sampled_from(["L1", "L2"]),
        theme=st.sampled_from(["Communication", "Timeliness"]),
        shared=st.booleans(),
    ),
    step(
        "plan",
        case=case_numbers,
        action_id=st.sampled_from(["A1", "A2"]),
        due_in=st.integers(0, 90),
    ),
    step("complete", case=case_numbers, action_id=st.sampled_from(["A1", "A2"])),
    step(
        "escalate",
        case=case_numbers,
        route=st.sampled_from(list(EscalationRoute)),
        body=st.sampled_from([Ombudsman.LGSCO, Ombudsman.PHSO]),
    ),
    step(
        "decide",
        case=case_numbers,
        body=st.sampled_from([Ombudsman.LGSCO, Ombudsman.PHSO]),
        decision=st.sampled_from(list(OmbudsmanDecision)),
    ),
    step(
        "extend",
        case=case_numbers,
        deadline=st.sampled_from(list(ExtendedDeadline)),
        working_days=st.integers(1, 15),
    ),
    step(
        "correct",
        case=case_numbers,
        fact=st.sampled_from(
            [
                ("service", "day care"),
                ("subjects", ["fees", "communication"]),
                ("kind", "concern"),
                ("received_at", "90"),
            ]
        ),
    ),
    step("catch_up"),
)
steps = st.integers(min_value=0, max_value=9).flatmap(lambda n: progress if n < 4 else others)


@dataclass(frozen=True)
class History:
    steps: list[tuple[int, int, tuple[str, dict[str, Any]]]]  # (gap, backdate, step)
    mid: int  # after this many steps, the incremental tables are kept for comparison
    every: int  # catch up after this many steps (and at each "catch_up" step)
    page_size: int  # the incremental runner's page
    rebuild_page_size: int


@st.composite
def histories(draw: st.DrawFn) -> History:
    first = (0, draw(backdates), draw(receive))
    rest = draw(st.lists(st.tuples(gaps, backdates, steps), min_size=6, max_size=24))
    return History(
        steps=[first, *rest],
        mid=draw(st.integers(min_value=1, max_value=len(rest) + 1)),
        every=draw(st.integers(min_value=1, max_value=6)),
        page_size=draw(st.sampled_from([1, 2, 3, 7, 50])),
        rebuild_page_size=draw(st.sampled_from([1, 4, 5000])),
    )


# ---- writing a history through the application ---------------------------------------------------


@dataclass
class World:
    ledger: ComplaintsLedger
    clock: list[datetime]
    cases: list[UUID] = field(default_factory=list)
    ids: Iterator[int] = field(default_factory=count)
    applied: list[str] = field(default_factory=list)

    def context(self, organisation: str, backdate: int = 0) -> CommandContext:
        now = self.clock[0]
        return CommandContext(
            Actor("someone", organisation, Role.MANAGER),
            occurred_at=now - timedelta(minutes=backdate),
            correlation_id=f"cmd-{next(self.ids)}",
        )

    def today(self) -> date:
        return uk_local_date(self.clock[0])


def _receive(world: World, params: dict[str, Any], backdate: int) -> None:
    organisation = params["organisation"]
    intake = builders.intake(
        kind=params["kind"],
        channel=params.get("channel", Channel.LETTER),
        regime=params.get("regime", RegimeId.ENGLAND_2009),
        receiving_organisation=organisation,
        service=params.get("service", "home care"),
        subjects=params.get("subjects", ("home care",)),
        complainant=Person("Jo Bloggs", email="jo@example.org"),
        summary="Carers missed visits",
    )
    world.cases.append(world.ledger.receive(intake, world.context(organisation, backdate)))


Next = tuple[str, dict[str, Any]]


def _next_step(case: Complaint, params: dict[str, Any]) -> Next:
    """The usual next step of a case, so that deep states are reached."""
    if case.kind == Kind.COMPLIMENT and case.status == Status.ACKNOWLEDGED:
        return "close", {"reason": None}
    if case.status in {Status.RECEIVED, Status.ESCALATED}:
        return "acknowledge", {"agreed": None}
    if case.status == Status.REFERRED:
        return "accept", {"regime": None}
    if case.status in {Status.ACKNOWLEDGED, Status.INVESTIGATING}:
        return _handling_step(case, params)
    return _after_response_step(case, params)


def _handling_step(case: Complaint, params: dict[str, Any]) -> Next:
    if case.status == Status.INVESTIGATING:
        return "respond", {"outcome": params["outcome"]}
    if not case.time_limit().in_time:
        return "accept_late", {}
    if params["refer_to"] not in {None, case.handling_organisation}:
        return "refer", {"to": params["refer_to"]}
    if case.regime == RegimeId.WALES_2014 and not case.records.get("local_resolution"):
        return "discuss", {"resolved": params["two"]}
    taken = set(case.investigators.values())
    free = next(name for name in ("i.patel", "s.okafor", "r.singh") if name not in taken)
    return "investigate", {"investigator": free}


def _after_response_step(case: Complaint, params: dict[str, Any]) -> Next:
    if case.status == Status.RESPONDED and params["two"] and not case.ombudsman_bodies:
        stage_2 = case.stage == 1 and case.regime in CODE_REGIMES
        route = EscalationRoute.STAGE_2 if stage_2 else EscalationRoute.OMBUDSMAN
        return "escalate", {"route": route, "body": Ombudsman.LGSCO}
    if case.status == Status.RESPONDED and case.outcome != Outcome.NOT_UPHELD and not case.actions:
        return "plan", {"action_id": "A1", "due_in": 30}
    if case.status == Status.RESPONDED:
        return "close", {"reason": None}
    if case.status == Status.CLOSED and params["two"]:
        return "reopen", {}
    pending = [a for a, entry in case.actions.items() if entry["completed_at"] is None]
    if pending:
        return "complete", {"action_id": pending[0]}
    return "lesson", {"lesson_id": "L1", "theme": "Timeliness", "shared": True}


Command = Callable[[ComplaintsLedger, UUID, CommandContext, dict[str, Any]], object]


def _plan(ledger: ComplaintsLedger, case_id: UUID, ctx: CommandContext, p: dict[str, Any]) -> int:
    assert ctx.occurred_at is not None
    planned_on = uk_local_date(ctx.occurred_at)
    return ledger.plan_action(
        case_id,
        ctx,
        action_id=p["action_id"],
        description=f"Action {p['action_id']}",
        owner="Manager",
        due_on=planned_on + timedelta(days=p["due_in"]),
    )


def _escalate(
    ledger: ComplaintsLedger, case_id: UUID, ctx: CommandContext, p: dict[str, Any]
) -> int:
    body = p.get("body") if p["route"] == EscalationRoute.OMBUDSMAN else None
    return ledger.escalate(case_id, ctx, route=p["route"], reason="Unhappy", body=body)


def _correct(
    ledger: ComplaintsLedger, case_id: UUID, ctx: CommandContext, p: dict[str, Any]
) -> int:
    field_name, value = p["fact"]
    if field_name == "received_at":  # so many minutes before the receipt as recorded
        value = (ledger.get(case_id).received_at - timedelta(minutes=int(value))).isoformat()
    return ledger.correct_fact(case_id, ctx, field=field_name, new_value=value, reason="Typo")


COMMANDS: dict[str, Command] = {
    "acknowledge": lambda ledger, case_id, ctx, p: ledger.acknowledge(
        case_id, ctx, response_period_agreed_until=p["agreed"]
    ),
    "accept_late": lambda ledger, case_id, ctx, p: ledger.accept_late_complaint(
        case_id,
        ctx,
        good_reason_for_delay="In hospital",
        can_investigate_effectively_and_fairly=True,
    ),
    "investigate": lambda ledger, case_id, ctx, p: ledger.start_investigation(
        case_id, ctx, investigator=p["investigator"]
    ),
    "assign": lambda ledger, case_id, ctx, p: ledger.assign_handler(
        case_id, ctx, handler=p["handler"], reason="Workload"
    ),
    "respond": lambda ledger, case_id, ctx, p: ledger.send_response(
        case_id,
        ctx,
        outcome=p["outcome"],
        remedies=(),
        signed_by="Director",
        ombudsman_rights_given=True,
        summary="Our findings",
    ),
    "discuss": lambda ledger, case_id, ctx, p: ledger.record_local_resolution(
        case_id, ctx, resolved=p["resolved"], summary="Talked it through"
    ),
    "refer": lambda ledger, case_id, ctx, p: ledger.refer(
        case_id, ctx, to_organisation=p["to"], reason="Theirs", consent_to_share=True
    ),
    "accept": lambda ledger, case_id, ctx, p: ledger.accept_referral(
        case_id, ctx, regime=p["regime"]
    ),
    "decline": lambda ledger, case_id, ctx, p: ledger.decline_referral(
        case_id, ctx, reason="Not ours", suggested_organisation=p["suggest"]
    ),
    "recall": lambda ledger, case_id, ctx, p: ledger.recall_referral(
        case_id, ctx, reason="Sent too soon"
    ),
    "pass_on": lambda ledger, case_id, ctx, p: ledger.pass_on_referral(
        case_id, ctx, to_organisation=p["to"], reason="Theirs", consent_to_share=True
    ),
    "withdraw": lambda ledger, case_id, ctx, p: ledger.withdraw(
        case_id, ctx, reason="No longer needed"
    ),
    "close": lambda ledger, case_id, ctx, p: ledger.close_case(
        case_id, ctx, no_action_needed_reason=p["reason"]
    ),
    "reopen": lambda ledger, case_id, ctx, p: ledger.reopen(case_id, ctx, reason="New information"),
    "lesson": lambda ledger, case_id, ctx, p: ledger.record_lesson(
        case_id,
        ctx,
        lesson_id=p["lesson_id"],
        theme=p["theme"],
        lesson="Rotas changed without notice",
        action="Notice of rota changes",
        shared_with_partners=p["shared"],
    ),
    "plan": _plan,
    "complete": lambda ledger, case_id, ctx, p: ledger.complete_action(
        case_id, ctx, action_id=p["action_id"]
    ),
    "escalate": _escalate,
    "decide": lambda ledger, case_id, ctx, p: ledger.record_ombudsman_decision(
        case_id, ctx, body=p["body"], decision=p["decision"]
    ),
    "extend": lambda ledger, case_id, ctx, p: ledger.extend_deadline(
        case_id,
        ctx,
        deadline=p["deadline"],
        working_days=p["working_days"],
        reason="Complex",
        complainant_consent=True,
    ),
    "correct": _correct,
}


def _apply(world: World, name: str, params: dict[str, Any], backdate: int) -> str:
    """Run one command; returns its name (a "progress" step names the command it chose)."""
    if name == "receive":
        _receive(world, params, backdate)
        return name
    case_id = world.cases[params["case"] % len(world.cases)]
    case = world.ledger.get(case_id)
    if name == "progress":
        name, params = _next_step(case, params)
    organisation = case.handling_organisation
    if name in {"accept", "decline", "pass_on"} and case.pending_referral:
        organisation = case.pending_referral["to"]
    if name == "acknowledge" and params["agreed"] is not None:
        params = {**params, "agreed": world.today() + timedelta(days=params["agreed"])}
    COMMANDS[name](world.ledger, case_id, world.context(organisation, backdate), params)
    return name


# ---- reading the tables ------------------------------------------------------------------------


def contents(db: ViewDatabase, projection: ReadModel, namespace: str = "rm") -> Tables:
    return {
        table.name: sorted(
            db.execute(f"SELECT * FROM {physical_name(projection, table, namespace)}"), key=repr
        )
        for table in projection.tables
    }


def assert_same(found: Tables, expected: Tables, what: str) -> None:
    for table, rows in expected.items():
        assert found[table] == rows, f"{what}: table {table} differs"


def check_equivalence(url: str, history: History) -> None:
    clock = [START]
    ledger = ComplaintsLedger(Settings(store=url), clock=lambda: clock[0])
    db = ViewDatabase(parse_store_url(url))
    try:
        world = World(ledger, clock)
        live = ReadModelRunner(db, page_size=history.page_size)
        for projection in PROJECTIONS:  # built while the log is empty: all else is incremental
            live.catch_up(projection)
        middle: dict[str, Tables] = {}
        middle_instant = START
        for number, (gap, backdate, (name, params)) in enumerate(history.steps, start=1):
            clock[0] += timedelta(minutes=gap)
            for hop in params.get("hops", [0]) if name != "catch_up" else []:
                clock[0] += timedelta(minutes=hop)
                with suppress(LedgerError):  # the domain refused: nothing was written
                    world.applied.append(_apply(world, name, params, backdate))
            if name == "catch_up" or number % history.every == 0 or number == history.mid:
                for projection in PROJECTIONS:
                    live.catch_up(projection)
            if number == history.mid:
                middle = {p.name: contents(db, p) for p in PROJECTIONS}
                middle_instant = clock[0]  # every later event is recorded at least a minute on
        note(f"applied: {world.applied}")

        for projection in PROJECTIONS:
            live.catch_up(projection)
        incremental = {p.name: contents(db, p) for p in PROJECTIONS}
        after_all = clock[0] + timedelta(hours=1)
        rebuilder = ReadModelRunner(db, page_size=history.rebuild_page_size)
        for projection in PROJECTIONS:
            name = projection.name
            rebuilder.rebuild(projection, as_of=after_all)
            found = contents(db, projection, as_of_namespace(after_all))
            assert_same(found, incremental[name], f"{name}: as of after the last event")
            rebuilder.rebuild(projection, as_of=middle_instant)
            found = contents(db, projection, as_of_namespace(middle_instant))
            assert_same(found, middle[name], f"{name}: as of mid-way")
            rebuilder.rebuild(projection)
            assert_same(contents(db, projection), incremental[name], f"{name}: full rebuild")
            assert live.catch_up(projection) == 0, "a rebuild leaves nothing to catch up"
    finally:
        db.close()
        ledger.close()


# ---- the properties ------------------------------------------------------------------------------


@settings(max_examples=SQLITE_EXAMPLES, deadline=None)
@given(history=histories())
def test_every_projection_is_the_same_however_built_on_sqlite(
    tmp_path_factory: pytest.TempPathFactory, history: History
) -> None:
    folder: Path = tmp_path_factory.mktemp("history")
    check_equivalence(f"sqlite:///{folder.as_posix()}/ledger.db", history)


@settings(
    max_examples=POSTGRES_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(history=histories())
def test_every_projection_is_the_same_however_built_on_postgres(
    postgres_url: str, history: History
) -> None:
    schema = f"h_{secrets.token_hex(6)}"
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    try:
        check_equivalence(f"{postgres_url}?schema={schema}", history)
    finally:
        with psycopg.connect(postgres_url, autocommit=True) as connection:
            connection.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))


# ---- a projection that deletes rows --------------------------------------------------------------

OPEN = Table("open", {"case_id": "text", "organisation": "text"}, key=("case_id",))


def _opened(event: EventRecord, views: Views) -> None:
    organisation = event.data["receiving_organisation"]
    views.put(OPEN, {"case_id": event.case_id, "organisation": organisation})


def _ended(event: EventRecord, views: Views) -> None:
    views.delete(OPEN, event.case_id)


OPEN_CASES = ReadModel(
    name="open_cases",
    version=1,
    tables=(OPEN,),
    handlers={"Received": _opened, "Withdrawn": _ended},
)


def test_a_row_deleted_while_following_is_deleted(store_url: str) -> None:
    clock = [START]
    ledger = ComplaintsLedger(Settings(store=store_url), clock=lambda: clock[0])
    db = ViewDatabase(parse_store_url(store_url))
    try:
        world = World(ledger, clock)
        runner = ReadModelRunner(db)
        runner.catch_up(OPEN_CASES)
        for organisation in ORGANISATIONS[:2]:
            _receive(world, {"organisation": organisation, "kind": Kind.COMPLAINT}, 0)
        runner.catch_up(OPEN_CASES)
        clock[0] += timedelta(hours=1)
        _apply(world, "withdraw", {"case": 0}, 0)
        runner.catch_up(OPEN_CASES)
        incremental = contents(db, OPEN_CASES)
        runner.rebuild(OPEN_CASES)
        assert contents(db, OPEN_CASES) == {"open": [(str(world.cases[1]), ORGANISATIONS[1])]}
        assert incremental == contents(db, OPEN_CASES)
    finally:
        db.close()
        ledger.close()
