"""A case's audit page (screen 8 of issue 16) and its bundle download, for the managers and
auditors of the organisation holding the case: the roles the API lets list who read it
(`Policy.check_can_list_reads`).

The page shows the case's audit trail (the `audit_trail` read model, brought up to date, as
`GET /complaints/{id}/audit-trail`) with each event's place in the signed log and whether its
hash chain still holds (integrity/case_chain.py), and who read the case (its access log, as
`GET /complaints/{id}/reads`). Another organisation's case is "Page not found"; opening the
page is a read of the case, recorded before anything is shown, and so is the download, which is
the API's own bundle (`GET /complaints/{id}/bundle`).
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from complaints_ledger.access.sessions import Session
from complaints_ledger.application.access_records import access_record_view
from complaints_ledger.domain.complaint import Complaint
from complaints_ledger.integrity.bundle import export_bundle
from complaints_ledger.integrity.case_chain import SealedVersion, case_chain
from complaints_ledger.integrity.checkpoints import Checkpoint
from complaints_ledger.integrity.log_sealer import LogSealer
from complaints_ledger.readside.runner import current_namespace
from complaints_ledger.web.case_page import event_label
from complaints_ledger.web.formatting import local_time
from complaints_ledger.web.page_guards import not_found_page, visible_case
from complaints_ledger.web.templating import render_page
from projections import audit_trail

router = APIRouter(include_in_schema=False)
AUDIT_READ = "audit page"  # what the read audit records for the page
BUNDLE_READ = "bundle"  # as the API and `complaints-ledger export` record a bundle


def _audited_case(request: Request, case_id: str) -> tuple[Session, Complaint] | Response:
    """The signed-in person and the case, if they may see its audit; else the page to answer."""
    return visible_case(request, case_id, request.app.state.store.policy.check_can_list_reads)


@router.get("/cases/{case_id}/audit", response_class=HTMLResponse)
def case_audit_page(request: Request, case_id: str) -> Response:
    allowed = _audited_case(request, case_id)
    if isinstance(allowed, Response):
        return allowed
    session, complaint = allowed
    ledger = request.app.state.store.ledger
    ledger.record_read(complaint.id, session.principal.actor, what=AUDIT_READ, purpose=None)
    reads = [access_record_view(read) for read in ledger.reads_of(complaint.id)]
    with request.app.state.views.connection() as db:
        namespace = current_namespace(db, audit_trail.PROJECTION, None)
        events = audit_trail.case_events(db, str(complaint.id), namespace)
        sealer = LogSealer(db)
        chain = case_chain(sealer, str(complaint.id))
        checkpoint = sealer.latest_checkpoint()
    return render_page(
        request,
        "case_audit.html",
        case_id=str(complaint.id),
        short_id=str(complaint.id)[:8],
        organisation=complaint.handling_organisation,
        trail=[_trail_row(event, chain.get(event["version"]), checkpoint) for event in events],
        reads=[_read_row(read) for read in reads],
        checkpoint=checkpoint,
        checkpoint_time=local_time(checkpoint.time) if checkpoint else "",
        can_download=request.app.state.signing_key is not None,
    )


def _trail_row(
    event: dict[str, Any], sealed: SealedVersion | None, checkpoint: Checkpoint | None
) -> dict[str, Any]:
    signed = (
        sealed is not None and checkpoint is not None and sealed.leaf_index < checkpoint.tree_size
    )
    return {
        "version": event["version"],
        "label": event_label(event["type"]),
        "type": event["type"],
        "occurred": local_time(event["occurred_at"]),
        "recorded": local_time(event["recorded_at"]),
        "actor": event["actor"],
        "actor_role": event["actor_role"] or "",
        "actor_organisation": event["actor_organisation"],
        "sealed": sealed,
        "signed": signed,
    }


def _read_row(read: dict[str, Any]) -> dict[str, Any]:
    return {**read, "at": local_time(read["at"])}


@router.get("/cases/{case_id}/audit/bundle")
def case_bundle_download(request: Request, case_id: str) -> Response:
    """The API's bundle as a file; recorded as a read of the case, as the API records it."""
    allowed = _audited_case(request, case_id)
    if isinstance(allowed, Response):
        return allowed
    session, complaint = allowed
    key = request.app.state.signing_key
    if key is None:  # the API answers 404 too: nothing can be signed
        return not_found_page(request)
    with request.app.state.views.connection() as db:
        sealer = LogSealer(db)
        signed = sealer.checkpoint(key)
        if signed is None:  # pragma: no cover - the case's own events are in the log
            return not_found_page(request)
        bundle = export_bundle(sealer, complaint.id, signed)
    ledger = request.app.state.store.ledger
    ledger.record_read(complaint.id, session.principal.actor, what=BUNDLE_READ, purpose=None)
    return Response(
        json.dumps(bundle, indent=2) + "\n",
        media_type="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="case-{complaint.id}-bundle.json"',
            "Cache-Control": "no-store",
        },
    )
