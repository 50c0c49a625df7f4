"""Erasing a data subject: record the erasure on the case, then destroy their key.

The order matters. The case's `SubjectErased` event (no personal data: who asked, why, when) is
saved first, so an erasure is never done without its record; the key is destroyed next. If the
process stops in between, erasing again (or the next retention run) finishes the job.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from uuid import UUID

from complaints_ledger.domain.errors import RuleViolationError
from complaints_ledger.domain.privacy import SubjectRole

if TYPE_CHECKING:
    from complaints_ledger.application.context import CommandContext
    from complaints_ledger.application.ledger import ComplaintsLedger


@dataclass(frozen=True)
class ErasureResult:
    subject_id: UUID
    case_id: UUID
    role: SubjectRole
    version: int  # the case's version after the erasure was recorded
    finished_earlier_erasure: bool  # the erasure was recorded before, only the key was left


def erase_subject(
    ledger: ComplaintsLedger,
    subject_id: UUID,
    ctx: CommandContext,
    *,
    reason: str,
    case_id: UUID | None = None,
) -> ErasureResult:
    """Erase one data subject. `case_id` is needed only for a subject that has no key yet (a case
    recorded before personal data was sealed): its erasure is recorded, nothing is destroyed."""
    keys = ledger.subject_keys
    if case_id is None:
        case_id = keys.require(subject_id).case_id
    complaint = ledger.get(case_id)
    role = complaint.role_of_subject(subject_id)
    if str(role) in complaint.erased_roles:
        if not keys.destroy(subject_id, case_id, role):
            raise RuleViolationError(
                f"data subject {subject_id} was already erased", field="subject_id"
            )
        return ErasureResult(
            subject_id, case_id, role, complaint.version, finished_earlier_erasure=True
        )
    version = ledger.record_erasure(case_id, ctx, subject_id=subject_id, reason=reason)
    keys.destroy(subject_id, case_id, role)
    return ErasureResult(subject_id, case_id, role, version, finished_earlier_erasure=False)
