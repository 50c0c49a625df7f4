"""Working-day calendars: the calendar in force, what-if, and one-off holidays (ADR 0016).

Any signed-in role reads a calendar and asks what a change would move (the what-if lists only
the cases of the organisations whose figures the caller may see). A nation's calendar counts
for every organisation, so only an admin adds or removes a holiday.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from complaints_ledger.api.deps import LedgerDep, PolicyDep, PrincipalDep
from complaints_ledger.api.problems import documented
from complaints_ledger.api.read_deps import ViewsDep
from complaints_ledger.api.routes import SummaryRoute
from complaints_ledger.application.calendar_service import CalendarBook
from complaints_ledger.application.context import CommandContext
from complaints_ledger.domain.calendars import Calendar
from complaints_ledger.domain.errors import InvalidValueError
from complaints_ledger.domain.values import Role
from complaints_ledger.inputs import LedgerDay, Name
from projections.calendar_what_if import what_if, what_if_document

CALENDAR_KEEPERS = frozenset({Role.ADMIN})
router = APIRouter(tags=["calendars"], route_class=SummaryRoute)
DayQuery = Annotated[LedgerDay | None, Query(description="A day, YYYY-MM-DD.")]


class HolidayChange(BaseModel):
    """A day to add or remove, and why."""

    model_config = ConfigDict(extra="forbid")

    day: LedgerDay
    reason: Name = Field(description="Why, e.g. the proclamation.")
    name: Name | None = Field(None, description="As explanations name it (adding only).")


# A change is a POST: the body limits (413, 415) and malformed JSON (400) apply before the route.
CHANGE_PROBLEMS = (400, 401, 403, 409, 413, 415, 422, 503)


@router.get("/calendars/{nation}", responses=documented(401, 422, 503))
def read_calendar(
    nation: Calendar,
    ledger: LedgerDep,
    _principal: PrincipalDep,
    year: Annotated[int | None, Query(ge=2000, le=2099, description="Default: this year.")] = None,
) -> dict[str, Any]:
    """A nation's working-day calendar in force: version, bank holidays, adjustments."""
    book = CalendarBook(ledger)
    shown = year or date.today().year  # noqa: DTZ011 - the year only
    return book.document(nation, shown)


@router.get("/calendars/{nation}/what-if", responses=documented(401, 409, 422, 503))
def calendar_what_if(
    nation: Calendar,
    principal: PrincipalDep,
    policy: PolicyDep,
    db: ViewsDep,
    add: DayQuery = None,
    remove: DayQuery = None,
) -> dict[str, Any]:
    """Every open deadline that adding or removing a day would move, old -> new."""
    if add is None and remove is None:
        raise InvalidValueError("name a day to add or a day to remove", field="add")
    if add is not None and remove is not None:
        raise InvalidValueError("name a day to add or a day to remove, not both", field="remove")
    organisations = policy.visible_organisations(principal)
    current, changed, moves = what_if(
        db, nation, add=add, remove=remove, organisations=organisations
    )
    return what_if_document(current, changed, moves)


@router.post(
    "/calendars/{nation}/holidays", status_code=201, responses=documented(*CHANGE_PROBLEMS)
)
def add_holiday(
    nation: Calendar,
    body: HolidayChange,
    ledger: LedgerDep,
    principal: PrincipalDep,
    policy: PolicyDep,
) -> dict[str, Any]:
    """Add a one-off bank holiday (admins); read models re-derive the open cases."""
    policy.require_role(principal, CALENDAR_KEEPERS, "changing a calendar")
    book = CalendarBook(ledger)
    in_force = book.add_holiday(
        CommandContext(principal.actor), nation, day=body.day, reason=body.reason, name=body.name
    )
    return book.document(nation, body.day.year, in_force)


@router.post(
    "/calendars/{nation}/holiday-removals",
    status_code=201,
    responses=documented(*CHANGE_PROBLEMS),
)
def remove_holiday(
    nation: Calendar,
    body: HolidayChange,
    ledger: LedgerDep,
    principal: PrincipalDep,
    policy: PolicyDep,
) -> dict[str, Any]:
    """Remove a bank holiday (admins); read models re-derive the open cases."""
    policy.require_role(principal, CALENDAR_KEEPERS, "changing a calendar")
    if body.name is not None:
        raise InvalidValueError("a removal takes no name", field="name")
    book = CalendarBook(ledger)
    in_force = book.remove_holiday(
        CommandContext(principal.actor), nation, day=body.day, reason=body.reason
    )
    return book.document(nation, body.day.year, in_force)
