"""`GET /complaints`: the caller's organisation's cases, filtered, a page at a time."""

from __future__ import annotations

import base64
import binascii
from datetime import date, datetime
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Query

from complaints_ledger.access.policy import CASE_READERS
from complaints_ledger.api.deps import PolicyDep, PrincipalDep
from complaints_ledger.api.problems import documented
from complaints_ledger.api.read_deps import TodayQuery, ViewsDep, today_or
from complaints_ledger.domain.errors import InvalidValueError, NotPermittedError
from complaints_ledger.domain.values import RegimeId, Role, Status
from complaints_ledger.inputs import LedgerDay, Name
from complaints_ledger.readside.runner import current_namespace
from projections import timeliness
from projections.timeliness_queries import case_list

READ_MODEL_PROBLEMS = documented(400, 401, 403, 404, 422, 503)
router = APIRouter(tags=["complaints"])
LISTERS = CASE_READERS - {Role.OMBUDSMAN, Role.REGULATOR}


def _cursor(item: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(orjson.dumps([item["received_at"], item["case_id"]])).decode()


def _after(cursor: str) -> tuple[str, str]:
    try:
        received_at, case_id = orjson.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (binascii.Error, orjson.JSONDecodeError, ValueError, TypeError):
        raise InvalidValueError("cursor is not one this API gave out", field="cursor") from None
    return str(received_at), str(case_id)


@router.get("/complaints", responses=READ_MODEL_PROBLEMS)
def list_complaints(
    principal: PrincipalDep,
    policy: PolicyDep,
    db: ViewsDep,
    organisation: Annotated[
        Name | None, Query(description="The caller's own organisation (the default).")
    ] = None,
    status: Annotated[Status | None, Query()] = None,
    regime: Annotated[RegimeId | None, Query()] = None,
    overdue: Annotated[bool | None, Query(description="Only (not) overdue cases.")] = None,
    received_from: Annotated[
        LedgerDay | None, Query(description="Received on or after (UTC).")
    ] = None,
    received_to: Annotated[
        LedgerDay | None, Query(description="Received on or before (UTC).")
    ] = None,
    cursor: Annotated[
        Name | None, Query(description="From the previous page's next_cursor.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    today: TodayQuery = None,
) -> dict[str, Any]:
    """Cases the caller's organisation deals with, newest first; no personal data."""
    policy.require_role(principal, LISTERS, "listing cases")
    if organisation is not None and organisation != principal.organisation:
        raise NotPermittedError(
            f"{principal.principal} may list the cases of {principal.organisation} only",
            field="organisation",
        )
    namespace = current_namespace(db, timeliness.PROJECTION, None)
    items = case_list(
        db, organisation=principal.organisation, today=today_or(today, None), namespace=namespace
    )
    wanted = [i for i in items if _matches(i, status, regime, overdue, received_from, received_to)]
    if cursor is not None:
        last = _after(cursor)
        wanted = [i for i in wanted if (i["received_at"], i["case_id"]) < last]
    page = wanted[:limit]
    more = len(wanted) > limit
    return {"items": page, "next_cursor": _cursor(page[-1]) if more else None}


def _matches(
    item: dict[str, Any],
    status: Status | None,
    regime: RegimeId | None,
    overdue: bool | None,
    received_from: date | None,
    received_to: date | None,
) -> bool:
    received = datetime.fromisoformat(item["received_at"]).date()
    return (
        (status is None or item["status"] == status)
        and (regime is None or item["regime"] == regime)
        and (overdue is None or item["overdue"] == overdue)
        and (received_from is None or received >= received_from)
        and (received_to is None or received <= received_to)
    )
