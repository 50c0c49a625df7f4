"""The worklist page's GET parameters (filters, sort, page), read from the query string and
checked, and the selection they ask for: the read model's rows filtered, sorted and paged.

Filters offer fixed lists (the open statuses, the regimes) or what is on the worklist now (its
services and handlers, "unassigned" first). A value not in its list is reported for its field
and left out, so the page still shows the cases. Sort and page come from the page's own links:
a value it never gives out falls back to the default. The fields a filter form sends empty are
dropped from the address by a redirect."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol
from urllib.parse import urlencode

from complaints_ledger.domain.values import RegimeId, Status
from projections.worklist import CLOSED_STATUSES, UNASSIGNED

Case = dict[str, Any]
PATH = "/worklist"
PAGE_SIZE = 25
DUE_SOON_WORKING_DAYS = 2
OPEN_STATUSES = tuple(status.value for status in Status if status.value not in CLOSED_STATUSES)
REGIMES = tuple(regime.value for regime in RegimeId)
FILTERS = ("status", "service", "regime", "handler")
OVERDUE_ONLY = "yes"  # the value of the "Overdue cases only" checkbox
DESCENDING = "descending"
MESSAGES = {
    "status": "Choose a status from the list",
    "service": "Choose a service from the list",
    "regime": "Choose a regime from the list",
    "handler": "Choose a handler from the list",
    "overdue": "Select overdue cases only, or leave it unselected to see every case",
}
STATUS_ORDER = {status: place for place, status in enumerate(OPEN_STATUSES)}
MAX_PAGE_DIGITS = 6
NOTHING_DUE = "9999-12-31"  # sorts a case with no deadline pending after every due date


def _by_due(case: Case) -> tuple[str, str, str]:
    return (case["next_due"] or NOTHING_DUE, case["received_on"], case["case_id"])


def _by_received(case: Case) -> tuple[str, str]:
    return (case["received_on"], case["case_id"])


def _by_status(case: Case) -> tuple[int, str, str, str]:
    return (STATUS_ORDER.get(case["status"], len(STATUS_ORDER)), *_by_due(case))


SORTS: dict[str, Callable[[Case], tuple[Any, ...]]] = {
    "due": _by_due,
    "received": _by_received,
    "status": _by_status,
}
DEFAULT_SORT = "due"


@dataclass(frozen=True)
class Choices:
    """What each filter offers."""

    status: tuple[str, ...]
    service: tuple[str, ...]
    regime: tuple[str, ...]
    handler: tuple[str, ...]

    @classmethod
    def of(cls, cases: Sequence[Case]) -> Choices:
        handlers = sorted({case["handler"] for case in cases} - {UNASSIGNED})
        return cls(
            status=OPEN_STATUSES,
            service=tuple(sorted({case["service"] for case in cases if case["service"]})),
            regime=REGIMES,
            handler=(UNASSIGNED, *handlers),
        )


@dataclass(frozen=True)
class WorklistQuery:
    """What the page was asked to show; `url(...)` gives the address of a variation of it."""

    status: str | None = None
    service: str | None = None
    regime: str | None = None
    handler: str | None = None
    overdue_only: bool = False
    sort: str = DEFAULT_SORT
    descending: bool = False
    page: int = 1

    @property
    def filtered(self) -> bool:
        return self.overdue_only or any(getattr(self, name) for name in FILTERS)

    def url(self, **changes: Any) -> str:
        query = replace(self, **changes)
        encoded = urlencode(query.parameters())
        return f"{PATH}?{encoded}" if encoded else PATH

    def parameters(self) -> list[tuple[str, str]]:
        """The query string's parameters, defaults left out."""
        chosen = [(name, value) for name in FILTERS if (value := getattr(self, name))]
        if self.overdue_only:
            chosen.append(("overdue", OVERDUE_ONLY))
        if self.sort != DEFAULT_SORT:
            chosen.append(("sort", self.sort))
        if self.descending:
            chosen.append(("order", DESCENDING))
        if self.page != 1:
            chosen.append(("page", str(self.page)))
        return chosen

    def unfiltered(self) -> str:
        """This page's address without its filters (the sort kept)."""
        return WorklistQuery(sort=self.sort, descending=self.descending).url()

    def sorting(self) -> dict[str, str]:
        """The sort's parameters, for the filter form to keep."""
        return {name: value for name, value in self.parameters() if name in {"sort", "order"}}

    def sorted_by(self, sort: str) -> str:
        """A column header's link: sorts by it, or the other way round if it is sorted already."""
        descending = not self.descending if sort == self.sort else False
        return self.url(sort=sort, descending=descending, page=1)

    def aria_sort(self, sort: str) -> str | None:
        if sort != self.sort:
            return None
        return DESCENDING if self.descending else "ascending"


def read_query(params: Mapping[str, str], choices: Choices) -> tuple[WorklistQuery, dict[str, str]]:
    """The query the parameters ask for, and an error message per field whose value is not
    one the page offers (that filter is then left out)."""
    errors: dict[str, str] = {}
    chosen: dict[str, str] = {}
    for name in FILTERS:
        value = params.get(name, "").strip()
        if value and value in getattr(choices, name):
            chosen[name] = value
        elif value:
            errors[name] = MESSAGES[name]
    overdue = params.get("overdue", "")
    if overdue not in {"", OVERDUE_ONLY}:
        errors["overdue"] = MESSAGES["overdue"]
    sort = params.get("sort", DEFAULT_SORT)
    query = WorklistQuery(
        status=chosen.get("status"),
        service=chosen.get("service"),
        regime=chosen.get("regime"),
        handler=chosen.get("handler"),
        overdue_only=overdue == OVERDUE_ONLY,
        sort=sort if sort in SORTS else DEFAULT_SORT,
        descending=params.get("order") == DESCENDING,
        page=_page_number(params.get("page", "")),
    )
    return query, errors


def without_empty_fields(params: Sequence[tuple[str, str]], path: str = PATH) -> str | None:
    """The address without the fields a filter form sent empty ("All statuses"), so that what
    is bookmarked or shared is short; None when none was empty."""
    kept = [(name, value) for name, value in params if value]
    if len(kept) == len(params):
        return None
    return f"{path}?{urlencode(kept)}" if kept else path


def _page_number(text: str) -> int:
    if text.isdecimal() and len(text) <= MAX_PAGE_DIGITS and int(text) > 0:
        return int(text)
    return 1


def select(cases: Sequence[Case], query: WorklistQuery) -> list[Case]:
    """The cases the filters let through, in the order asked for. Cases with no deadline
    pending come last whichever way the next deadline is sorted."""
    kept = [
        case
        for case in cases
        if all(getattr(query, name) in {None, case[name]} for name in FILTERS)
        and (case["overdue"] or not query.overdue_only)
    ]
    ordered = sorted(kept, key=SORTS[query.sort], reverse=query.descending)
    if query.sort == DEFAULT_SORT:
        ordered = [c for c in ordered if c["next_due"]] + [c for c in ordered if not c["next_due"]]
    return ordered


def urgency(case: Case) -> str | None:
    """ "overdue" when the next deadline has passed, "due soon" within 2 working days of it."""
    if case["overdue"]:
        return "overdue"
    days = case["due_in_working_days"]
    if days is not None and days <= DUE_SOON_WORKING_DAYS:
        return "due soon"
    return None


@dataclass(frozen=True)
class Page:
    """One page of the selection: its cases and where they sit in it (1-based, inclusive)."""

    cases: list[Case]
    number: int
    pages: int
    total: int

    @property
    def first(self) -> int:
        return (self.number - 1) * PAGE_SIZE + 1 if self.total else 0

    @property
    def last(self) -> int:
        return self.first + len(self.cases) - 1 if self.total else 0


def page_of(cases: Sequence[Case], number: int) -> Page:
    """Page `number` (the last one when it is further)."""
    pages = max(1, -(-len(cases) // PAGE_SIZE))
    number = min(number, pages)
    start = (number - 1) * PAGE_SIZE
    return Page(list(cases[start : start + PAGE_SIZE]), number, pages, len(cases))


class Addressed(Protocol):
    """A page's query that gives the address of a variation of itself (another page)."""

    def url(self, **changes: Any) -> str: ...


def pagination(query: Addressed, page: Page) -> dict[str, Any] | None:
    """GOV.UK's pagination component's parameters: previous, next, the first and last pages
    and those next to the current one, with an ellipsis for the gaps; None for one page."""
    if page.pages == 1:
        return None
    shown = sorted({1, page.pages, page.number - 1, page.number, page.number + 1} - {0})
    items: list[dict[str, Any]] = []
    for number in (n for n in shown if n <= page.pages):
        if items and number - items[-1].get("number", 0) > 1:
            items.append({"ellipsis": True})
        items.append(
            {"number": number, "href": query.url(page=number), "current": number == page.number}
        )
    return {
        "items": items,
        "previous": {"href": query.url(page=page.number - 1)} if page.number > 1 else None,
        "next": {"href": query.url(page=page.number + 1)} if page.number < page.pages else None,
    }
