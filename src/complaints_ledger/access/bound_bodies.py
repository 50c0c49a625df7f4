"""Principals bound to an ombudsman or a regulator: which cases went to their body, whom they may
see, and which body a command of theirs acts for."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from complaints_ledger.domain.errors import NotPermittedError
from complaints_ledger.domain.values import Role

if TYPE_CHECKING:
    from complaints_ledger.access.principal import Principal
    from complaints_ledger.domain.complaint import Complaint

# The field of a command's body that names the body acted for.
ACTING_FIELDS = ("body", "regulator")


def _notifications(complaint: Complaint) -> list[dict[str, Any]]:
    return complaint.records.get("regulator_notifications", [])


def went_to(complaint: Complaint, role: Role, body: str) -> bool:
    """The case was escalated to this ombudsman, or notified to this regulator."""
    if role == Role.OMBUDSMAN:
        return body in complaint.ombudsman_bodies
    return any(n["regulator"] == body for n in _notifications(complaint))


def identified_to(complaint: Complaint, regulator: str) -> bool:
    """A notification to this regulator was about an identified person."""
    return any(
        n["regulator"] == regulator and n["about_identified_person"]
        for n in _notifications(complaint)
    )


def acting_for(
    complaint: Complaint, body: object, path: Mapping[str, str]
) -> tuple[str, str] | None:
    """(field, body) that a command acts for: its body's `body` or `regulator`, or the ombudsman
    of the remedy in its path. None when the remedy is unknown (the domain names it)."""
    for field in ACTING_FIELDS:
        value = getattr(body, field, None)
        if value is not None:
            return field, str(value)
    remedy_id = path.get("remedy_id")
    for remedy in complaint.records.get("ombudsman_remedies", []):
        if remedy["id"] == remedy_id:
            return "remedy_id", str(remedy["body"])
    return None


def check_acts_for_own_body(
    principal: Principal, own: str | None, acting: tuple[str, str] | None
) -> None:
    if acting is None:
        return
    field, body = acting
    if body != own:
        raise NotPermittedError(f"{principal.principal} acts for {own}, not {body}", field=field)
