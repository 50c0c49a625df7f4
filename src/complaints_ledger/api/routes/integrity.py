"""Tamper evidence over HTTP: the public key, the latest signed checkpoint, and case bundles."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request

from complaints_ledger.api.deps import LedgerDep, PolicyDep, PrincipalDep
from complaints_ledger.api.problems import documented
from complaints_ledger.api.read_deps import ViewsDep
from complaints_ledger.domain.errors import NotFoundError, StoreUnavailableError
from complaints_ledger.integrity.bundle import export_bundle
from complaints_ledger.integrity.keys import key_id, public_key_text
from complaints_ledger.integrity.log_sealer import LogSealer

router = APIRouter(tags=["integrity"])


def _key_text(request: Request) -> str:
    key = request.app.state.signing_key
    if key is None:
        raise NotFoundError(
            "no signing key is configured (complaints-ledger keys init)", field="signing_key"
        )
    return public_key_text(key)


@router.get("/integrity/public-key", responses=documented(404))
def public_key(request: Request) -> dict[str, str]:
    """The Ed25519 public key that verifies checkpoints (base64 of its 32 raw bytes)."""
    text = _key_text(request)
    return {"public_key": text, "key_id": key_id(text), "algorithm": "Ed25519"}


@router.get("/integrity/checkpoints/latest", responses=documented(404, 503))
def latest_checkpoint(request: Request, db: ViewsDep) -> dict[str, Any]:
    """The latest signed checkpoint: tree size, root hash, time, key id and signature."""
    _key_text(request)
    latest = LogSealer(db).latest_checkpoint()
    if latest is None:
        raise NotFoundError("no checkpoint has been signed yet", field="checkpoint")
    return latest.as_dict()


@router.get("/complaints/{case_id}/bundle", responses=documented(401, 403, 404, 503))
def case_bundle(
    case_id: UUID,
    request: Request,
    ledger: LedgerDep,
    principal: PrincipalDep,
    policy: PolicyDep,
    db: ViewsDep,
) -> dict[str, Any]:
    """The case's stored events with inclusion proofs and a signed checkpoint, to check offline."""
    complaint = ledger.get(case_id)
    policy.check_can_read_case(principal, complaint)
    _key_text(request)
    signed = LogSealer(db).checkpoint(request.app.state.signing_key)
    if signed is None:  # pragma: no cover - the case's own events are in the log
        raise StoreUnavailableError("the log could not be sealed")
    bundle = export_bundle(LogSealer(db), case_id, signed)
    ledger.record_read(
        case_id, principal.actor, what="bundle", purpose=request.headers.get("Purpose")
    )
    return bundle
