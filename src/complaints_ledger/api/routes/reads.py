"""`GET /complaints/{id}/reads`: who read a case, when, in what role and why (its access log)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from complaints_ledger.api.deps import CaseId, ContextDep, Purpose
from complaints_ledger.api.problems import documented
from complaints_ledger.api.responses import PRIVATE
from complaints_ledger.api.routes import SummaryRoute
from complaints_ledger.application.access_records import list_reads
from complaints_ledger.domain.values import Role

router = APIRouter(prefix="/complaints", tags=["complaints"], route_class=SummaryRoute)


class AccessRecordView(BaseModel):
    at: datetime
    principal: str
    organisation: str
    role: Role
    what: str
    purpose: str | None


class ReadsView(BaseModel):
    id: str
    reads: list[AccessRecordView]


@router.get(
    "/{case_id}/reads", response_model=ReadsView, responses=documented(401, 403, 404, 422, 503)
)
def read_log(case_id: CaseId, context: ContextDep, purpose: Purpose = None) -> JSONResponse:
    """Who read the case, oldest first (managers and auditors of the organisation holding it).

    Listing is a read too: it is recorded first, so the list ends with this one.
    """
    complaint = context.ledger.get(case_id)
    context.policy.check_can_list_reads(context.principal, complaint)
    reads = list_reads(context.ledger, case_id, context.principal.actor, purpose=purpose)
    return JSONResponse({"id": str(case_id), "reads": reads}, headers=PRIVATE)
