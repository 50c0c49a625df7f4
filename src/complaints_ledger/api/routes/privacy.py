"""Data subjects' rights and the retention schedule: erasure, subject access, the retention run.

A data subject is named by their id (`subject_id`, from the case: see domain/privacy.py). Their
requests are answered by a manager or admin of the organisation holding their case; a subject
of a case the caller may not see is reported as not found, like a case.
"""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse

from complaints_ledger.api import command_bodies as bodies
from complaints_ledger.api import idempotency
from complaints_ledger.api.cases import RequestContext
from complaints_ledger.api.deps import ContextDep, IdempotencyKey, Purpose
from complaints_ledger.api.idempotency import RequestKey
from complaints_ledger.api.models import ErasureView
from complaints_ledger.api.problems import documented
from complaints_ledger.api.responses import PRIVATE
from complaints_ledger.api.routes import SummaryRoute
from complaints_ledger.application.context import CommandContext
from complaints_ledger.domain.complaint import Complaint
from complaints_ledger.domain.errors import (
    ConflictError,
    DuplicateCommandError,
    InvalidValueError,
    RuleViolationError,
)
from complaints_ledger.inputs import LedgerDay
from complaints_ledger.persistence.subject_table import SubjectRecord
from complaints_ledger.privacy.erasure import ErasureResult, erase_subject
from complaints_ledger.privacy.retention import (
    Decision,
    RetentionSchedule,
    run_retention,
)
from complaints_ledger.privacy.subject_access import subject_export

router = APIRouter(tags=["personal data"], route_class=SummaryRoute)

SubjectId = Annotated[UUID, Path(description="The data subject's id (a UUID).")]
ERASE = "erasing a data subject's personal data"
EXPORT = "a subject access export"


@router.post(
    "/subjects/{subject_id}/erasure",
    response_model=ErasureView,
    responses=documented(400, 401, 403, 404, 409, 413, 415, 422, 503),
)
def erase(
    subject_id: SubjectId,
    body: bodies.Erasure,
    context: ContextDep,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Erase a data subject's personal data from their case and history (managers, admins)."""
    record, complaint = _subject_case(context, subject_id, ERASE)
    key = context.request_key(idempotency_key, body)
    if key is not None and (replay := _replay(context, record, complaint, key)) is not None:
        return replay
    ctx = CommandContext(
        actor=context.principal.actor,
        occurred_at=body.occurred_at,
        correlation_id=idempotency.correlation_id(key),
    )
    try:
        result = erase_subject(context.ledger, subject_id, ctx, reason=body.reason)
    except (ConflictError, DuplicateCommandError, RuleViolationError):
        if key is not None:
            replay = _replay(context, record, context.ledger.get(record.case_id), key)
            if replay is not None:
                return replay
        raise
    if not result.finished_earlier_erasure:
        context.metrics.events_appended.inc()
    return _erased(result)


@router.get("/subjects/{subject_id}", responses=documented(401, 403, 404, 422, 503))
def subject_access(
    subject_id: SubjectId, context: ContextDep, purpose: Purpose = None
) -> JSONResponse:
    """Everything held about a data subject, for a subject access request (managers, admins)."""
    record, _ = _subject_case(context, subject_id, EXPORT)
    context.ledger.record_read(
        record.case_id,
        context.principal.actor,
        what=f"subject access export of {subject_id}",
        purpose=purpose,
    )
    return JSONResponse(subject_export(context.ledger, subject_id), headers=PRIVATE)


@router.post("/retention/run", responses=documented(401, 403, 413, 415, 422, 503))
def retention_run(
    context: ContextDep,
    dry_run: Annotated[bool, Query(description="Only report what is due; erase nothing.")],
    today: Annotated[
        LedgerDay | None,
        Query(description="Judge what is due on this day (dry runs only; default today, UK)."),
    ] = None,
) -> dict[str, Any]:
    """Run the retention schedule on the admin's organisation's cases: erase the personal data
    of those past retention (admins).

    Like every POST it is sent as `application/json`; it takes no body (send none, or `{}`).
    """
    context.policy.check_can_run_retention(context.principal)
    if today is not None and not dry_run:
        raise InvalidValueError(
            "a simulated day is for dry runs only: send dry_run=true, or leave today out",
            field="today",
        )
    ledger = context.ledger
    schedule = RetentionSchedule.from_years(ledger.settings.retention_years)
    report = run_retention(
        ledger, schedule, today=today, dry_run=dry_run, organisation=context.principal.organisation
    )
    erased = [d for d in report.decisions if d.decision == Decision.ERASED]
    if erased:
        context.metrics.events_appended.inc(sum(len(d.subjects) for d in erased))
    return report.as_json()


def _subject_case(
    context: RequestContext, subject_id: UUID, action: str
) -> tuple[SubjectRecord, Complaint]:
    """The subject and their case: 404 if unknown or not the caller's to see, then 403."""
    record = context.ledger.subject_keys.require(subject_id)
    complaint = context.ledger.get(record.case_id)
    context.policy.check_can_handle_subject(context.principal, complaint, subject_id, action)
    return record, complaint


def _replay(
    context: RequestContext, record: SubjectRecord, complaint: Complaint, key: RequestKey
) -> JSONResponse | None:
    """The first response to this key, if a request with it already recorded the erasure. The
    key is destroyed again in case the first attempt stopped before it could."""
    if not any(key.used_by(cid) for cid in complaint.correlation_ids):
        return None
    version = idempotency.prior_version(context.ledger.history(record.case_id), key)
    if version is None:  # pragma: no cover - correlation ids come from the history
        return None
    context.ledger.subject_keys.destroy(record.subject_id, record.case_id, record.role)
    return _erased(
        ErasureResult(
            record.subject_id,
            record.case_id,
            record.role,
            version,
            finished_earlier_erasure=False,
        )
    )


def _erased(result: ErasureResult) -> JSONResponse:
    view = ErasureView(
        subject_id=result.subject_id,
        role=result.role,
        case_id=result.case_id,
        version=result.version,
        finished_earlier_erasure=result.finished_earlier_erasure,
    )
    return JSONResponse(view.model_dump(mode="json"), headers=PRIVATE)
