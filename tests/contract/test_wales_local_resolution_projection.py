"""Wales reg 16 in the read models, on both stores: the timeliness dashboard, the overdue list and
the worklist count the local resolution discussion and the written resolution's 5 working days
(reg 16(5)) exactly as the aggregate does, and catching up equals a rebuild."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from complaints_ledger.domain.values import EscalationRoute, RegimeId
from complaints_ledger.readside.runner import ReadModelRunner
from projections import worklist as worklist_model
from projections.timeliness import CASES, PROJECTION
from projections.timeliness_queries import dashboard, overdue_cases
from projections.worklist import worklist
from tests.contract.test_projection_timeliness import (
    Story,
    assert_projected_as_the_domain,
    table_rows,
)

WELSH = "Bryngarw County Borough Council"
TODAY = date(2026, 7, 20)  # a Monday


@pytest.fixture
def story(store_url: str) -> Story:
    return Story(store_url)


def discuss(story: Story, name: str, on: date, *, resolved: bool) -> None:
    story.ledger.record_local_resolution(
        story.cases[name],
        story.at(on).ctx(WELSH),
        resolved=resolved,
        summary="Talked it through with the family; agreed a new visit rota.",
    )


def tell(story: Story) -> None:
    """R: resolved on the phone, terms sent in time. L: resolved, terms sent late. O: resolved,
    terms never sent (overdue today). U: not resolved, then a formal investigation."""
    led, c = story.ledger, story.cases
    for name in ("R", "L", "O", "U"):
        story.at(date(2026, 6, 1)).receive(name, organisation=WELSH, regime=RegimeId.WALES_2014)
    for name in ("R", "L", "O", "U"):
        led.acknowledge(c[name], story.at(date(2026, 6, 2)).ctx(WELSH))
    for name in ("R", "L", "O"):
        discuss(story, name, date(2026, 6, 4), resolved=True)  # terms due Thu 11 Jun
    discuss(story, "U", date(2026, 6, 5), resolved=False)
    story.at(date(2026, 6, 10)).respond("R", WELSH)
    story.at(date(2026, 6, 15)).respond("L", WELSH)
    story.at(date(2026, 6, 16)).respond("U", WELSH)
    led.escalate(
        c["U"], story.at(date(2026, 6, 18)).ctx(WELSH), route=EscalationRoute.STAGE_2, reason="no"
    )
    story.at(TODAY)


def rows_by_name(story: Story, db: Any) -> dict[str, dict[str, Any]]:
    columns = list(CASES.columns)
    rows = {row[0]: dict(zip(columns, row, strict=True)) for row in table_rows(db)}
    return {name: rows[str(case_id)] for name, case_id in story.cases.items()}


def test_the_read_model_counts_the_welsh_clocks_as_the_aggregate(story: Story, db: Any) -> None:
    tell(story)
    ReadModelRunner(db).rebuild(PROJECTION)
    rows = rows_by_name(story, db)
    for name, case_id in story.cases.items():
        case, row = story.ledger.get(case_id), rows[name]
        for today in (date(2026, 6, 5), date(2026, 6, 12), TODAY):
            assert_projected_as_the_domain(case, row, today, name)
    assert rows["R"]["written_resolution_due"] == "2026-06-11"
    assert rows["U"]["written_resolution_due"] is None  # not resolved: nothing in writing due
    assert rows["U"]["response_met_at"].startswith("2026-06-05")  # met by the discussion


def test_the_dashboard_and_overdue_list_show_the_written_resolution(story: Story, db: Any) -> None:
    tell(story)
    ReadModelRunner(db).rebuild(PROJECTION)
    (row,) = dashboard(db, organisation=WELSH, today=TODAY)
    assert row["regime"] == "wales-2014"
    assert (row["written_resolution_sent_on_time"], row["written_resolution_sent_late"]) == (1, 1)
    assert row["written_resolution_outstanding"] == 1
    assert row["responded_on_time"] == 4  # every discussion within 10 WD of acknowledging
    overdue = overdue_cases(db, organisation=WELSH, today=TODAY)
    assert [(o["case_id"], o["deadline"]) for o in overdue] == [
        (str(story.cases["O"]), "written_resolution")
    ]
    assert overdue[0]["due"] == "2026-06-11"


def test_the_worklist_leads_with_the_overdue_written_resolution(story: Story, db: Any) -> None:
    tell(story)
    ReadModelRunner(db).rebuild(worklist_model.PROJECTION)
    listed = worklist(db, organisation=WELSH, today=TODAY)
    first = listed[0]
    assert (first["case_id"], first["next_deadline"]) == (
        str(story.cases["O"]),
        "written_resolution",
    )
    assert first["overdue"]


def test_catching_up_on_discussions_equals_a_rebuild(story: Story, db: Any) -> None:
    story.at(date(2026, 6, 1)).receive("X", organisation=WELSH, regime=RegimeId.WALES_2014)
    runner = ReadModelRunner(db)
    runner.rebuild(PROJECTION)
    story.ledger.acknowledge(story.cases["X"], story.at(date(2026, 6, 2)).ctx(WELSH))
    discuss(story, "X", date(2026, 6, 3), resolved=False)
    discuss(story, "X", date(2026, 6, 8), resolved=True)
    assert runner.catch_up(PROJECTION) == 3
    caught_up = table_rows(db)
    runner.rebuild(PROJECTION)
    assert caught_up == table_rows(db)
    row = rows_by_name(story, db)["X"]
    assert row["local_resolution_discussed_at"].startswith("2026-06-03")
    assert row["written_resolution_due"] == "2026-06-15"  # 5 WD after Mon 8 Jun
    assert "agreed a new visit rota" not in repr(caught_up)  # the summary is personal
