"""The complaints resource: log a complaint; read a case and its history (now or as of a time)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from complaints_ledger.api.deps import CaseId, ReaderDep, ReceiverDep
from complaints_ledger.api.models import CaseView, CreatedCase, HistoryView
from complaints_ledger.api.problems import documented
from complaints_ledger.api.read_deps import AsOfQuery
from complaints_ledger.api.routes import SummaryRoute
from complaints_ledger.api.schemas import ComplaintCreate

router = APIRouter(prefix="/complaints", tags=["complaints"], route_class=SummaryRoute)

READ_PROBLEMS = documented(401, 403, 404, 422, 503)


@router.post(
    "",
    status_code=201,
    response_model=CreatedCase,
    responses=documented(400, 401, 403, 409, 413, 415, 422, 503),
)
def receive(body: ComplaintCreate, commands: ReceiverDep) -> JSONResponse:
    """Log a new complaint, concern or compliment."""
    return commands.receive(body)


@router.get("/{case_id}", response_model=CaseView, responses=READ_PROBLEMS)
def read_case(case_id: CaseId, reader: ReaderDep, as_of: AsOfQuery = None) -> JSONResponse:
    """The case with its deadlines, now or as recorded at `as_of`."""
    return reader.case(case_id, as_of)


@router.get("/{case_id}/history", response_model=HistoryView, responses=READ_PROBLEMS)
def read_history(case_id: CaseId, reader: ReaderDep, as_of: AsOfQuery = None) -> JSONResponse:
    """Every event of the case in order, as recorded (up to `as_of`)."""
    return reader.history(case_id, as_of)
