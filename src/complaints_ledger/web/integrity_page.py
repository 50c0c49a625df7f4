"""The integrity page (screen 8 of issue 16), for managers and auditors: the latest signed
checkpoint (as `GET /integrity/checkpoints/latest`) and "Verify now", which runs the same
verification as `complaints-ledger verify` (web/verification_runs.py).

Sending the form starts a run (or finds the one running), waits a few seconds for it, then
redirects to the page, which shows the result, or how far the run has got and a link to look
again: a long verification never holds the request.

The verification covers the whole ledger, every organisation's cases. What it finds is named
by its place in the log; a case's id only when the person may see that case (another
organisation's case never shows that it exists).
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from complaints_ledger.access.sessions import Session
from complaints_ledger.domain.errors import LedgerError
from complaints_ledger.integrity.keys import public_key_text
from complaints_ledger.integrity.log_sealer import LogSealer
from complaints_ledger.integrity.verify import Finding
from complaints_ledger.web.formatting import local_time
from complaints_ledger.web.page_guards import expired_form, session_with_role
from complaints_ledger.web.staff_pages import INTEGRITY_ROLES
from complaints_ledger.web.templating import render_page
from complaints_ledger.web.verification_runs import VerificationRun, Verifications

router = APIRouter(include_in_schema=False)
WAIT_SECONDS = 3.0  # how long sending the form waits for a run before showing its progress
FINDINGS_SHOWN = 20
NOT_FOR_YOU = "The integrity page is for managers and auditors; you are signed in as {role}."
PROBLEMS = {
    "altered": "An event's stored bytes differ from when it was sealed",
    "missing": "A sealed event is gone from the store",
    "moved": "Another event is stored where a sealed one was",
    "inserted": "An event appears where none was sealed",
    "chain": "A case's hash chain breaks",
    "checkpoint": "A signed checkpoint does not match the log",
    "signature": "A checkpoint's signature does not verify",
}


def _integrity_reader(request: Request) -> Session | Response:
    return session_with_role(request, INTEGRITY_ROLES, NOT_FOR_YOU)


def verifications(request: Request) -> Verifications:
    found: Verifications = request.app.state.verifications
    return found


@router.get("/integrity", response_class=HTMLResponse)
def integrity_page(request: Request) -> Response:
    allowed = _integrity_reader(request)
    if isinstance(allowed, Response):
        return allowed
    with request.app.state.views.connection() as db:
        checkpoint = LogSealer(db).latest_checkpoint()
    run = verifications(request).latest
    return render_page(
        request,
        "integrity.html",
        checkpoint=checkpoint,
        checkpoint_time=local_time(checkpoint.time) if checkpoint else "",
        has_key=request.app.state.signing_key is not None,
        run=_run_view(request, allowed, run) if run is not None else None,
    )


@router.post("/integrity/verify")
async def verify_now(request: Request) -> Response:
    allowed = _integrity_reader(request)
    if isinstance(allowed, Response):
        return allowed
    expired = expired_form(request, await request.form())
    if expired is not None:
        return expired
    key = request.app.state.signing_key
    run = verifications(request).start(
        request.app.state.settings.store_url,
        public_key_text(key) if key is not None else None,
        allowed.email,
    )
    run.ended.wait(WAIT_SECONDS)
    return RedirectResponse("/integrity#verification", status_code=HTTPStatus.SEE_OTHER)


def _run_view(request: Request, session: Session, run: VerificationRun) -> dict[str, Any]:
    report = run.report
    findings = report.findings if report is not None else []
    return {
        "running": run.running,
        "started": local_time(run.started_at.isoformat()),
        "started_by": run.started_by,
        "finished": local_time(run.finished_at.isoformat()) if run.finished_at else "",
        "read": run.read,
        "head": run.head,
        "failure": run.failure,
        "report": report,
        "findings": [_finding_view(request, session, f) for f in findings[:FINDINGS_SHOWN]],
        "more_findings": max(len(findings) - FINDINGS_SHOWN, 0),
    }


def _finding_view(request: Request, session: Session, finding: Finding) -> dict[str, Any]:
    shown_detail = finding.problem in {"checkpoint", "signature"}  # these name no case
    return {
        "problem": PROBLEMS.get(finding.problem, finding.problem),
        "detail": finding.detail if shown_detail else "",
        "position": finding.position,
        "version": finding.version,
        "case_id": finding.case_id if _sees(request, session, finding.case_id) else None,
    }


def _sees(request: Request, session: Session, case_id: str | None) -> bool:
    """Whether the person may read the case `case_id` (an event of an organisation or an access
    log is no case: never named)."""
    if case_id is None:
        return False
    store = request.app.state.store
    try:
        complaint = store.ledger.get(UUID(case_id))
        store.policy.check_can_read_case(session.principal, complaint)
    except (ValueError, LedgerError):
        return False
    return True
