"""Dependencies of the read-model routes: a read-side connection lent for the request and the
scope of organisations whose figures the caller may see."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Annotated

from fastapi import Depends, Query, Request

from complaints_ledger.access import Policy, Principal
from complaints_ledger.access.policy import AGGREGATE_READERS
from complaints_ledger.api.deps import LedgerDep
from complaints_ledger.domain.calendars import uk_local_date
from complaints_ledger.domain.errors import InvalidValueError, NotPermittedError
from complaints_ledger.inputs import LedgerDay, LedgerInstant, Name, refuse_future
from complaints_ledger.persistence.view_db import ViewDatabase, ViewDatabases
from complaints_ledger.readside.as_of_limits import AsOfLimits
from complaints_ledger.readside.discovery import available_projections
from complaints_ledger.readside.failures import Failures
from complaints_ledger.readside.source import EventLog
from complaints_ledger.readside.tracking import Tracking
from complaints_ledger.settings import Settings


def views(request: Request) -> Iterator[ViewDatabase]:
    """A connection of the read side's pool, this request's alone until it has been answered."""
    databases: ViewDatabases = request.app.state.views
    with databases.connection() as db:
        yield db


def projection_lag(db: ViewDatabase) -> dict[tuple[str, ...], float]:
    """Events in the log not yet applied, per read model (all of them if never built)."""
    head, tracking = EventLog(db).head(), Tracking(db)
    tracking.ensure()
    lag: dict[tuple[str, ...], float] = {}
    for name, projection in available_projections().items():
        position = tracking.get(projection.name)
        lag[name,] = float(head - (position.position if position else 0))
    return lag


def halted_projections(db: ViewDatabase) -> dict[tuple[str, ...], float]:
    """The position of the event each halted read model stopped at (docs/projections.md)."""
    failures = Failures(db)
    failures.ensure()
    return {(failure.name,): float(failure.position) for failure in failures.all()}


async def as_of_query(
    ledger: LedgerDep,
    as_of: Annotated[
        LedgerInstant | None,
        Query(
            description="As recorded at this instant (RFC 3339 with a timezone); not later "
            "than now."
        ),
    ] = None,
) -> datetime | None:
    """`?as_of=`, within the ledger's lifetime and not after the ledger's own time."""
    if as_of is not None and (why := refuse_future(as_of, ledger.clock())) is not None:
        raise InvalidValueError(f"as_of {why}", field="as_of")
    return as_of


async def as_of_limits(request: Request) -> AsOfLimits:
    """How many as-of builds, of how many rows, the settings let the cache keep."""
    settings: Settings = request.app.state.settings
    return settings.as_of_limits


ViewsDep = Annotated[ViewDatabase, Depends(views)]
AsOfLimitsDep = Annotated[AsOfLimits, Depends(as_of_limits)]
AsOfQuery = Annotated[datetime | None, Depends(as_of_query)]
TodayQuery = Annotated[
    LedgerDay | None, Query(description="Judge 'overdue' on this day (default: today in the UK).")
]
OrganisationQuery = Annotated[Name | None, Query(description="Only this organisation.")]


def today_or(today: date | None, as_of: datetime | None) -> date:
    if today is not None:
        return today
    return uk_local_date(as_of or datetime.now().astimezone())


def scoped_organisation(
    policy: Policy, principal: Principal, organisation: str | None
) -> str | None:
    """The organisation to filter by: the caller's own unless their role sees every one."""
    policy.require_role(principal, AGGREGATE_READERS, "reading figures")
    allowed = policy.visible_organisations(principal)
    if allowed is None:
        return organisation
    if organisation is not None and organisation not in allowed:
        raise NotPermittedError(
            f"{principal.principal} may see the figures of {', '.join(sorted(allowed))} only",
            field="organisation",
        )
    return organisation or next(iter(allowed))
