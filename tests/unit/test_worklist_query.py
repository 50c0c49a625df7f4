"""The worklist page's query and selection, without a store: urgency tags, the parameters a
link carries, and GOV.UK pagination with ellipses."""

from __future__ import annotations

from typing import Any

import pytest

from complaints_ledger.web.worklist_query import (
    PAGE_SIZE,
    Choices,
    WorklistQuery,
    page_of,
    pagination,
    read_query,
    urgency,
    without_empty_fields,
)


def case(**changes: Any) -> dict[str, Any]:
    return {"overdue": False, "due_in_working_days": None, **changes}


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"overdue": True, "due_in_working_days": -4}, "overdue"),
        ({"due_in_working_days": 0}, "due soon"),  # due today
        ({"due_in_working_days": 2}, "due soon"),
        ({"due_in_working_days": 3}, None),
        ({}, None),  # nothing due
    ],
)
def test_urgency(changes: dict[str, Any], expected: str | None) -> None:
    assert urgency(case(**changes)) == expected


def test_a_query_round_trips_through_its_own_links() -> None:
    choices = Choices(("received",), ("home care",), ("england-2009",), ("unassigned",))
    query = WorklistQuery(
        status="received", service="home care", handler="unassigned", overdue_only=True, page=3
    )
    link = query.url(sort="status", descending=True)
    assert link == (
        "/worklist?status=received&service=home+care&handler=unassigned&overdue=yes"
        "&sort=status&order=descending&page=3"
    )
    params = dict(pair.split("=") for pair in link.split("?")[1].split("&"))
    params["service"] = "home care"
    assert read_query(params, choices) == (
        WorklistQuery(
            status="received",
            service="home care",
            handler="unassigned",
            overdue_only=True,
            sort="status",
            descending=True,
            page=3,
        ),
        {},
    )
    assert query.unfiltered() == "/worklist"
    assert WorklistQuery().url() == "/worklist"


def test_sorting_by_the_same_column_again_reverses_it_and_starts_at_page_one() -> None:
    query = WorklistQuery(sort="received", page=2)
    assert query.sorted_by("received") == "/worklist?sort=received&order=descending"
    assert query.sorted_by("status") == "/worklist?sort=status"
    assert query.aria_sort("received") == "ascending"
    assert query.aria_sort("due") is None


def test_pagination_shows_the_ends_and_the_neighbours_with_ellipses() -> None:
    cases = [case(n=n) for n in range(PAGE_SIZE * 9 + 1)]  # 10 pages
    page = page_of(cases, 5)
    shown = pagination(WorklistQuery(page=5), page)
    assert shown is not None
    items = [item.get("number", "...") for item in shown["items"]]
    assert items == [1, "...", 4, 5, 6, "...", 10]
    assert shown["previous"] == {"href": "/worklist?page=4"}
    assert shown["next"] == {"href": "/worklist?page=6"}
    assert (page.first, page.last, page.total) == (101, 125, 226)
    assert pagination(WorklistQuery(), page_of(cases[:PAGE_SIZE], 1)) is None
    assert page_of([], 1).first == page_of([], 1).last == 0


def test_the_fields_a_filter_form_sent_empty_leave_the_address() -> None:
    sent = [("status", ""), ("service", "home care"), ("handler", ""), ("overdue", "yes")]
    assert without_empty_fields(sent) == "/worklist?service=home+care&overdue=yes"
    assert without_empty_fields([("status", ""), ("handler", "")]) == "/worklist"
    assert without_empty_fields([("status", "received")]) is None
    assert without_empty_fields([]) is None
