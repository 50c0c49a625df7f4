"""The learning register page's GET parameters (theme, organisation, service, action status,
period, page), read and checked, and the lessons they select from the read model's.

Each filter offers what the register holds now (its themes, organisations, services and
reporting years) or a fixed list (the statuses of an action). A value not in its list is
reported for its field and left out, so the page still shows the lessons. A theme matches
whatever its case, as over the API. The status filter keeps the lessons whose case has an
action in that status, and of their actions those only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any
from urllib.parse import urlencode

from complaints_ledger.web.worklist_query import MAX_PAGE_DIGITS
from projections.annual_report_counts import reporting_year

Lesson = dict[str, Any]
PATH = "/learning"
# The page's words for an action's status, and the read model's for the same (action_status).
STATUSES = {"planned": "open", "completed": "done", "overdue": "overdue"}
STATUS_OF = {model: word for word, model in STATUSES.items()}
FILTERS = ("theme", "organisation", "service", "status", "period")
MESSAGES = {
    "theme": "Choose a theme from the list",
    "organisation": "Choose an organisation from the list",
    "service": "Choose a service from the list",
    "status": "Choose an action status from the list",
    "period": "Choose a reporting year from the list",
}
APRIL = 4


def reporting_year_of(day: str) -> str:
    """The reporting year (from 1 April, as the annual report counts) of a UK date: "2026-27"."""
    value = date.fromisoformat(day)
    return reporting_year(value.year if value.month >= APRIL else value.year - 1).label


def _first_spelling(themes: Sequence[str]) -> tuple[str, ...]:
    """Each theme once, however its lessons capitalise it (as the API matches it)."""
    found: dict[str, str] = {}
    for theme in themes:
        found.setdefault(theme.casefold(), theme)
    return tuple(sorted(found.values(), key=str.casefold))


@dataclass(frozen=True)
class LearningChoices:
    """What each filter offers."""

    theme: tuple[str, ...]
    organisation: tuple[str, ...]
    service: tuple[str, ...]
    status: tuple[str, ...]
    period: tuple[str, ...]

    @classmethod
    def of(cls, lessons: Sequence[Lesson]) -> LearningChoices:
        return cls(
            theme=_first_spelling([lesson["theme"] for lesson in lessons]),
            organisation=tuple(sorted({lesson["organisation"] for lesson in lessons})),
            service=tuple(sorted({lesson["service"] for lesson in lessons if lesson["service"]})),
            status=tuple(STATUSES),
            period=tuple(
                sorted(
                    {reporting_year_of(lesson["recorded_on"]) for lesson in lessons}, reverse=True
                )
            ),
        )

    def chosen(self, name: str, value: str) -> str | None:
        """The option `value` names (a theme in any case), or None when it is not offered."""
        if name == "theme":
            return next((t for t in self.theme if t.casefold() == value.casefold()), None)
        return value if value in getattr(self, name) else None


@dataclass(frozen=True)
class LearningQuery:
    """What the page was asked to show; `url(...)` gives the address of a variation of it."""

    theme: str | None = None
    organisation: str | None = None
    service: str | None = None
    status: str | None = None
    period: str | None = None
    page: int = 1

    @property
    def filtered(self) -> bool:
        return any(getattr(self, name) for name in FILTERS)

    def url(self, **changes: Any) -> str:
        query = replace(self, **changes)
        chosen = [(name, value) for name in FILTERS if (value := getattr(query, name))]
        if query.page != 1:
            chosen.append(("page", str(query.page)))
        return f"{PATH}?{urlencode(chosen)}" if chosen else PATH


def read_query(
    params: Mapping[str, str], choices: LearningChoices
) -> tuple[LearningQuery, dict[str, str]]:
    """The query the parameters ask for, and an error message per field whose value is not
    one the page offers (that filter is then left out)."""
    errors: dict[str, str] = {}
    chosen: dict[str, str] = {}
    for name in FILTERS:
        value = params.get(name, "").strip()
        if not value:
            continue
        option = choices.chosen(name, value)
        if option is None:
            errors[name] = MESSAGES[name]
        else:
            chosen[name] = option
    page = params.get("page", "")
    number = int(page) if page.isdecimal() and len(page) <= MAX_PAGE_DIGITS else 1
    return LearningQuery(**chosen, page=max(number, 1)), errors


def _kept(lesson: Lesson, query: LearningQuery) -> bool:
    return (
        (query.theme is None or query.theme.casefold() == lesson["theme"].casefold())
        and query.organisation in {None, lesson["organisation"]}
        and query.service in {None, lesson["service"]}
        and query.period in {None, reporting_year_of(lesson["recorded_on"])}
    )


def select(lessons: Sequence[Lesson], query: LearningQuery) -> list[Lesson]:
    """The lessons the filters let through, newest first; with a status, only the lessons with
    an action in it, and of their actions only those."""
    selected = []
    for lesson in sorted(lessons, key=lambda item: item["recorded_at"], reverse=True):
        if not _kept(lesson, query):
            continue
        if query.status is None:
            selected.append(lesson)
            continue
        actions = [a for a in lesson["actions"] if a["status"] == STATUSES[query.status]]
        if actions:
            selected.append({**lesson, "actions": actions})
    return selected
