"""Subject access: everything the ledger holds about one data subject, in one document.

For a subject access request (UK GDPR Art. 15): their personal data from every event of their
case (decrypted), the facts of the case it belongs to, what was done on it and when, and who
read it. Erased data reads `[erased]`; the document says when and why it was erased.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

from complaints_ledger.application.case_view import instant, json_safe
from complaints_ledger.domain.privacy import role_of_field
from complaints_ledger.privacy.sealing import EMPTY

if TYPE_CHECKING:
    from complaints_ledger.application.ledger import ComplaintsLedger


def subject_export(ledger: ComplaintsLedger, subject_id: UUID) -> dict[str, Any]:
    record = ledger.subject_keys.require(subject_id)
    complaint = ledger.get(record.case_id)
    history = ledger.history(record.case_id)
    erasure = next(
        (
            e
            for e in history
            if e.type == "SubjectErased" and e.data["subject_id"] == str(subject_id)
        ),
        None,
    )
    return {
        "subject_id": str(subject_id),
        "role": str(record.role),
        "status": "erased" if erasure or record.erased_at else "held",
        "erased": None
        if erasure is None
        else {"recorded_at": instant(erasure.recorded_at), "reason": erasure.data["reason"]},
        "case": {
            "id": str(complaint.id),
            "kind": str(complaint.kind),
            "organisation": complaint.handling_organisation,
            "about": {"organisation": complaint.about_organisation, "service": complaint.service},
            "subjects": list(complaint.subjects),
            "status": str(complaint.status),
            "received_at": instant(complaint.received_at),
            "outcome": str(complaint.outcome) if complaint.outcome else None,
            "litigation_hold": json_safe(complaint.litigation_hold),
        },
        "personal_data": [
            {
                "version": entry.version,
                "event": entry.type,
                "recorded_at": instant(entry.recorded_at),
                "fields": json_safe(fields),
            }
            for entry in history
            if (fields := _their_fields(entry.data.get("personal"), record.role))
        ],
        "events": [
            {"version": e.version, "event": e.type, "recorded_at": instant(e.recorded_at)}
            for e in history
        ],
        "reads": json_safe(ledger.reads_of(record.case_id)),
    }


def _their_fields(personal: Any, role: Any) -> dict[str, Any]:
    if not isinstance(personal, dict):
        return {}
    return {
        name: value
        for name, value in personal.items()
        if role_of_field(name) == role and value not in EMPTY
    }
