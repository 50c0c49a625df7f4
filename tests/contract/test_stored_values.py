"""The read side never dies on a stored value, on both stores: an old event holding NUL and other
control characters (written below the API, as events are forever) is projected with the
characters escaped, identically on SQLite and PostgreSQL; and an event a projection cannot apply
halts that projection just before it, recorded with its position, while the others go on."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from complaints_ledger.application.ledger import ComplaintsLedger
from complaints_ledger.domain.complaint import event_type_names
from complaints_ledger.persistence.view_db import ViewDatabase
from complaints_ledger.readside.discovery import select_projections
from complaints_ledger.readside.read_model import ReadModel, Table
from complaints_ledger.readside.records import EventRecord
from complaints_ledger.readside.runner import ReadModelRunner
from complaints_ledger.readside.storable import storable_text
from complaints_ledger.readside.views import Views, physical_name
from complaints_ledger.settings import Settings
from projections import annual_report, audit_trail, timeliness
from tests.contract.test_readside_runtime import seed, table_rows
from tests.stored_events import SHOWN_ABOUT, SHOWN_SERVICE, SHOWN_SUBJECT, write_hostile_case

HOSTILE_TEXT = st.text(
    st.one_of(st.characters(codec="utf-8"), st.sampled_from("\x00\x1b\r\n\x7f\x85\u202e\\'")),
    max_size=40,
)
SEEN = Table("seen", {"case_id": "text", "events": "integer"}, key=("case_id",))


def about_and_service(db: ViewDatabase, case_id: str) -> tuple[str, str]:
    table = physical_name(timeliness.PROJECTION, timeliness.CASES, "rm")
    [(about, service)] = db.execute(
        f"SELECT about_organisation, service FROM {table} WHERE case_id = ?",
        (case_id,),
    )
    return about, service


def hostile_case(store_url: str) -> UUID:
    with ComplaintsLedger(Settings(store=store_url)) as ledger:
        return write_hostile_case(ledger)


def test_an_event_holding_nul_and_control_characters_is_projected_escaped(
    store_url: str, db: ViewDatabase
) -> None:
    seed(store_url, 2)
    case_id = str(hostile_case(store_url))
    runner = ReadModelRunner(db)
    for projection in select_projections(()):
        assert runner.rebuild(projection).halted is None
        assert runner.catch_up(projection) == 0
    assert about_and_service(db, case_id) == (SHOWN_ABOUT, SHOWN_SERVICE)
    [(subjects,)] = db.execute(
        f"SELECT subjects FROM {physical_name(annual_report.PROJECTION, annual_report.CASES, 'rm')} "  # noqa: E501
        "WHERE case_id = ?",
        (case_id,),
    )
    assert orjson.loads(subjects) == ["home care", SHOWN_SUBJECT]
    assert runner.failures.all() == []


def test_live_catch_up_over_the_event_gives_what_a_rebuild_gives(
    store_url: str, db: ViewDatabase
) -> None:
    seed(store_url, 1)
    runner = ReadModelRunner(db, page_size=3)
    runner.rebuild(timeliness.PROJECTION)
    hostile_case(store_url)
    assert runner.catch_up(timeliness.PROJECTION) == 1
    followed = table_rows(db, timeliness.PROJECTION)
    runner.rebuild(timeliness.PROJECTION)
    assert table_rows(db, timeliness.PROJECTION) == followed


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(about=HOSTILE_TEXT, service=HOSTILE_TEXT)
def test_any_stored_text_is_projected_as_the_rule_shows_it(
    store_url: str, db: ViewDatabase, about: str, service: str
) -> None:
    with ComplaintsLedger(Settings(store=store_url)) as ledger:
        case_id = str(write_hostile_case(ledger, about=about, service=service))
    runner = ReadModelRunner(db)
    for projection in select_projections(()):
        runner.catch_up(projection)
    assert runner.failures.all() == []
    assert about_and_service(db, case_id) == (storable_text(about), storable_text(service))


def failing_on(case_id: UUID, *, refuse: str) -> ReadModel:
    """Counts events per case; on `case_id`'s events it raises (`refuse="handler"`) or writes a
    value no store's integer column holds (`refuse="row"`: the database refuses it on flush)."""

    def count(event: EventRecord, views: Views) -> None:
        row = views.get(SEEN, event.case_id) or {"case_id": event.case_id, "events": 0}
        row["events"] += 1
        if event.case_id == str(case_id):
            if refuse == "handler":
                raise ValueError(f"cannot count {event.type}")
            row["events"] = 2**70
        views.put(SEEN, row)

    return ReadModel(
        name="counting",
        version=1,
        tables=(SEEN,),
        handlers=dict.fromkeys(event_type_names(), count),
    )


def counted(db: ViewDatabase, projection: ReadModel) -> dict[str, Any]:
    return dict(db.execute(f"SELECT case_id, events FROM {physical_name(projection, SEEN, 'rm')}"))


def position_of(db: ViewDatabase, case_id: UUID) -> int:
    [(position,)] = db.execute(
        f"SELECT position FROM {physical_name(audit_trail.PROJECTION, audit_trail.EVENTS, 'rm')} "
        "WHERE case_id = ?",
        (str(case_id),),
    )
    return int(position)


@pytest.mark.parametrize("refuse", ["handler", "row"])
def test_a_failing_event_halts_its_projection_just_before_it_and_the_others_go_on(
    store_url: str, db: ViewDatabase, refuse: str
) -> None:
    last = seed(store_url, 2)
    with ComplaintsLedger(Settings(store=store_url)) as ledger:
        bad_case = write_hostile_case(ledger)
    seed(store_url, 1, start=last)
    failing = failing_on(bad_case, refuse=refuse)
    runner = ReadModelRunner(db, page_size=100)

    summary = runner.rebuild(failing)
    assert runner.catch_up(audit_trail.PROJECTION) == 13, "the other projection is not stopped"

    failing_at = position_of(db, bad_case)
    assert summary.halted is not None
    assert (summary.halted.position, summary.halted.case_id) == (failing_at, str(bad_case))
    assert summary.halted.event_type == "Received"
    assert summary.halted.error.split(":")[0] in {
        "ValueError",
        "OverflowError",
        "NumericValueOutOfRange",
    }
    position, _ = runner.status(failing)
    assert position is not None
    assert position.position == failing_at - 1, "halted just before the failing event"
    assert sorted(counted(db, failing).values()) == [4, 4], "the events before it are applied"
    assert runner.failures.all() == [summary.halted]

    assert runner.catch_up(failing) == 0, "not tried again before the retry interval"
    retrying = ReadModelRunner(db, retry_halted_after=0)
    assert retrying.catch_up(failing) == 0
    [again] = retrying.failures.all()
    assert (again.position, again.attempts) == (failing_at, 2)


def test_a_halted_projection_resumes_once_its_code_is_fixed(
    store_url: str, db: ViewDatabase
) -> None:
    seed(store_url, 1)
    bad_case = hostile_case(store_url)
    runner = ReadModelRunner(db, retry_halted_after=0)
    runner.rebuild(failing_on(bad_case, refuse="handler"))
    fixed = failing_on(UUID(int=0), refuse="handler")  # the same projection, its bug fixed

    assert runner.catch_up(fixed) == 1
    assert runner.failures.all() == []
    assert sorted(counted(db, fixed).values()) == [1, 4]
    assert runner.status(fixed)[0].position == runner.log.head()  # type: ignore[union-attr]


def test_an_as_of_build_halts_at_the_failing_event_too(store_url: str, db: ViewDatabase) -> None:
    seed(store_url, 1)
    bad_case = hostile_case(store_url)  # recorded by the host's clock, after the seeded cases
    runner = ReadModelRunner(db)
    summary = runner.rebuild(failing_on(bad_case, refuse="handler"), as_of=datetime.now(UTC))
    assert summary.halted is not None
    assert summary.halted.name.startswith("counting@rma_")
    assert summary.position == summary.halted.position - 1
