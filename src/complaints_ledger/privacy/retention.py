"""The retention schedule: erase each case's personal data when its retention period ends.

A case's records are kept for a number of years (by kind; 10 by default, from the NHS Records
Management Code) counted from the day it was closed or withdrawn; a reopened case starts again
when it next closes. A litigation hold stops the clock's effect until it is lifted. The run
erases what is due (facts, counts and the integrity log stay) and reports every decision.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Any
from uuid import UUID

from complaints_ledger.application.case_view import json_safe
from complaints_ledger.application.context import CommandContext
from complaints_ledger.domain.clocks import uk_local_date
from complaints_ledger.domain.errors import InvalidValueError
from complaints_ledger.domain.values import Actor, Kind, Role
from complaints_ledger.privacy.erasure import erase_subject

if TYPE_CHECKING:
    from complaints_ledger.application.ledger import ComplaintsLedger
    from complaints_ledger.domain.complaint import Complaint

RETENTION_PRINCIPAL = "retention-schedule"


class Decision(StrEnum):
    ERASED = "erased"
    WOULD_ERASE = "would erase"  # a dry run
    HELD = "held"  # due, but under a litigation hold


@dataclass(frozen=True)
class RetentionSchedule:
    years: dict[Kind, int]

    @classmethod
    def from_years(cls, years: dict[str, int]) -> RetentionSchedule:
        try:
            parsed = {Kind(kind): int(n) for kind, n in years.items()}
        except ValueError as error:
            raise InvalidValueError(f"retention_years: {error}", field="retention_years") from None
        missing = set(Kind) - set(parsed)
        if missing or any(n < 1 for n in parsed.values()):
            raise InvalidValueError(
                "retention_years needs a whole number of years (at least 1) for each of "
                f"{', '.join(sorted(Kind))}",
                field="retention_years",
            )
        return cls(parsed)

    def due_on(self, complaint: Complaint) -> date | None:
        starts = complaint.retention_starts_on()
        if starts is None:
            return None
        return _add_years(starts, self.years[complaint.kind])


@dataclass(frozen=True)
class CaseDecision:
    case_id: UUID
    kind: str
    organisation: str
    closed_on: date
    due_on: date
    decision: Decision
    subjects: tuple[UUID, ...]
    hold_reason: str | None = None


@dataclass
class RetentionReport:
    today: date
    dry_run: bool
    cases_checked: int = 0
    decisions: list[CaseDecision] = field(default_factory=list)

    def count(self, decision: Decision) -> int:
        return sum(1 for d in self.decisions if d.decision == decision)

    def as_json(self) -> dict[str, Any]:
        """The report as the CLI's `--json` and the API give it."""
        return {
            "today": self.today.isoformat(),
            "dry_run": self.dry_run,
            "cases_checked": self.cases_checked,
            "counts": {str(decision): self.count(decision) for decision in Decision},
            "decisions": json_safe(self.decisions),
        }


def run_retention(
    ledger: ComplaintsLedger,
    schedule: RetentionSchedule,
    *,
    today: date | None = None,
    dry_run: bool = False,
    organisation: str | None = None,
) -> RetentionReport:
    """Judge (and unless a dry run, erase) every case, or only the cases `organisation` holds:
    another organisation's cases are then neither listed, counted nor erased."""
    today = today or uk_local_date(ledger.clock())
    report = RetentionReport(today=today, dry_run=dry_run)
    for case_id in ledger.complaint_ids():
        complaint = ledger.get(case_id)
        if organisation is not None and complaint.handling_organisation != organisation:
            continue
        report.cases_checked += 1
        decision = _decide(ledger, schedule, complaint, today, dry_run=dry_run)
        if decision is not None:
            report.decisions.append(decision)
    return report


def _decide(
    ledger: ComplaintsLedger,
    schedule: RetentionSchedule,
    complaint: Complaint,
    today: date,
    *,
    dry_run: bool,
) -> CaseDecision | None:
    due = schedule.due_on(complaint)
    pending = _pending_subjects(ledger, complaint)
    if due is None or due > today or not pending:
        return None
    closed_on = complaint.retention_starts_on()
    assert closed_on is not None  # noqa: S101 - a due date implies a closing date
    hold = complaint.litigation_hold
    decision = Decision.HELD if hold else Decision.WOULD_ERASE if dry_run else Decision.ERASED
    if decision == Decision.ERASED:
        _erase(ledger, complaint, pending, schedule, closed_on)
    return CaseDecision(
        case_id=complaint.id,
        kind=str(complaint.kind),
        organisation=complaint.handling_organisation,
        closed_on=closed_on,
        due_on=due,
        decision=decision,
        subjects=tuple(pending),
        hold_reason=hold["reason"] if hold else None,
    )


def _pending_subjects(ledger: ComplaintsLedger, complaint: Complaint) -> list[UUID]:
    """Subjects not yet erased, or erased on the case but with a key still to destroy."""
    pending = []
    for role, subject_id in complaint.subject_ids().items():
        if str(role) not in complaint.erased_roles:
            pending.append(subject_id)
            continue
        record = ledger.subject_keys.subject(subject_id)
        if record is not None and record.erased_at is None:
            pending.append(subject_id)
    return pending


def _erase(
    ledger: ComplaintsLedger,
    complaint: Complaint,
    subjects: list[UUID],
    schedule: RetentionSchedule,
    closed_on: date,
) -> None:
    years = schedule.years[complaint.kind]
    reason = (
        f"retention: {complaint.kind} records are kept {years} years after closure on {closed_on}"
    )
    actor = Actor(RETENTION_PRINCIPAL, complaint.handling_organisation, Role.ADMIN)
    for subject_id in subjects:
        erase_subject(
            ledger, subject_id, CommandContext(actor), reason=reason, case_id=complaint.id
        )


def _add_years(start: date, years: int) -> date:
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February: the period ends on 28 February
        return start.replace(year=start.year + years, day=28)
