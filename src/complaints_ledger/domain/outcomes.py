"""What came of an escalation: the ombudsman's decision with its remedies, each remedy's
compliance, and a regulator's acknowledgement of the notification it received.

Everything lives in `records` (lists of plain entries), so snapshots keep their shape.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from complaints_ledger.domain import clocks
from complaints_ledger.domain.case_state import CaseBase, StateCheck, envelope, require_text
from complaints_ledger.domain.errors import InvalidValueError, RuleViolationError
from complaints_ledger.domain.escalation import (
    require_escalated_to_ombudsman,
)
from complaints_ledger.domain.values import (
    Ombudsman,
    OmbudsmanDecision,
    Regulator,
    Remedy,
    RemedyOutcome,
    Stamp,
)

FAULT_DECISIONS = frozenset(
    {OmbudsmanDecision.UPHELD_FAULT_INJUSTICE, OmbudsmanDecision.UPHELD_FAULT_ONLY}
)
DONE = frozenset({RemedyOutcome.COMPLIED, RemedyOutcome.LATE})
OUTCOMES, REMEDIES, COMPLIANCE = "ombudsman_outcomes", "ombudsman_remedies", "remedy_compliance"
REGULATOR_ACKNOWLEDGEMENTS = "regulator_acknowledgements"


@dataclass(frozen=True)
class RequestedRemedy:
    """One remedy the ombudsman asks for, and the date it is due by."""

    remedy: Remedy
    description: str
    due_on: date


def _awaiting_acknowledgement(case: CaseBase) -> None:
    notified = {n["regulator"] for n in case.records.get("regulator_notifications", [])}
    acknowledged = {a["regulator"] for a in case.records.get(REGULATOR_ACKNOWLEDGEMENTS, [])}
    if not notified - acknowledged:
        raise RuleViolationError(
            "no notification of the case to a regulator awaits its acknowledgement",
            field="regulator",
        )


class Outcomes(CaseBase):
    STATE_RULES: ClassVar[Mapping[str, StateCheck]] = {
        "record_ombudsman_outcome": lambda case: require_escalated_to_ombudsman(
            case, "record an ombudsman outcome"
        ),
        "record_remedy_compliance": lambda case: require_escalated_to_ombudsman(
            case, "record remedy compliance"
        ),
        "acknowledge_regulator_notification": _awaiting_acknowledgement,
    }

    class OmbudsmanOutcomeRecorded(CaseBase.Event):
        body: str
        decision: str
        finding: str
        fault: bool
        injustice: bool
        reference: str | None
        remedies: list[dict[str, Any]]  # id, remedy, description, due_on

        def apply(self, case: Outcomes) -> None:
            case._record(
                OUTCOMES,
                {
                    "body": self.body,
                    "decision": self.decision,
                    "finding": self.finding,
                    "fault": self.fault,
                    "injustice": self.injustice,
                    "reference": self.reference,
                    "remedies": [r["id"] for r in self.remedies],
                    "at": self.occurred_at,
                },
            )
            for remedy in self.remedies:
                case._record(REMEDIES, {**remedy, "body": self.body, "at": self.occurred_at})

    class RemedyComplianceRecorded(CaseBase.Event):
        remedy_id: str
        outcome: str
        evidence: str
        complied_on: date | None

        def apply(self, case: Outcomes) -> None:
            case._record(
                COMPLIANCE,
                {
                    "remedy_id": self.remedy_id,
                    "outcome": self.outcome,
                    "evidence": self.evidence,
                    "complied_on": self.complied_on,
                    "by": self.actor.get("role"),
                    "at": self.occurred_at,
                },
            )

    class RegulatorNotificationAcknowledged(CaseBase.Event):
        regulator: str
        reference: str | None
        note: str | None

        def apply(self, case: Outcomes) -> None:
            case._record(
                REGULATOR_ACKNOWLEDGEMENTS,
                {
                    "regulator": self.regulator,
                    "reference": self.reference,
                    "note": self.note,
                    "at": self.occurred_at,
                },
            )

    def record_ombudsman_outcome(
        self,
        stamp: Stamp,
        *,
        body: Ombudsman,
        decision: OmbudsmanDecision,
        finding: str,
        remedies: tuple[RequestedRemedy, ...] = (),
        reference: str | None = None,
    ) -> None:
        self._check_stamp(stamp, command="record an ombudsman outcome")
        self._require_state("record_ombudsman_outcome")
        self._require_escalated_to(body)
        finding = require_text(finding, "finding")
        if remedies and decision not in FAULT_DECISIONS:
            raise InvalidValueError(
                f"remedies follow a finding of fault; the decision is {decision}", field="remedies"
            )
        decided_on = clocks.uk_local_date(stamp.occurred_at)
        for remedy in remedies:
            if remedy.due_on < decided_on:
                raise InvalidValueError(
                    f"remedy {remedy.remedy} is due {remedy.due_on.isoformat()}, before the "
                    f"decision ({decided_on.isoformat()})",
                    field="remedies",
                )
        first = len(self.records.get(REMEDIES, [])) + 1
        self.trigger_event(
            self.OmbudsmanOutcomeRecorded,
            **envelope(stamp),
            body=str(body),
            decision=str(decision),
            finding=finding,
            fault=decision in FAULT_DECISIONS,
            injustice=decision == OmbudsmanDecision.UPHELD_FAULT_INJUSTICE,
            reference=reference.strip() if reference else None,
            remedies=[
                {
                    "id": f"R{number}",
                    "remedy": str(remedy.remedy),
                    "description": require_text(remedy.description, "remedies.description"),
                    "due_on": remedy.due_on,
                }
                for number, remedy in enumerate(remedies, start=first)
            ],
        )

    def record_remedy_compliance(
        self,
        stamp: Stamp,
        *,
        remedy_id: str,
        outcome: RemedyOutcome,
        evidence: str,
        complied_on: date | None = None,
    ) -> None:
        self._check_stamp(stamp, command="record remedy compliance")
        self._require_state("record_remedy_compliance")
        remedy = self.remedy(remedy_id)
        evidence = require_text(evidence, "evidence")
        if self.remedy_outcome(remedy_id) in DONE:
            raise RuleViolationError(
                f"remedy {remedy_id} was already complied with", field="remedy_id"
            )
        complied_on = _complied_on(stamp, outcome, complied_on, remedy["due_on"])
        self.trigger_event(
            self.RemedyComplianceRecorded,
            **envelope(stamp),
            remedy_id=remedy_id,
            outcome=str(outcome),
            evidence=evidence,
            complied_on=complied_on,
        )

    def acknowledge_regulator_notification(
        self,
        stamp: Stamp,
        *,
        regulator: Regulator,
        reference: str | None = None,
        note: str | None = None,
    ) -> None:
        self._check_stamp(stamp, command="acknowledge a regulator notification")
        self._require_state("acknowledge_regulator_notification")
        notified = {n["regulator"] for n in self.records.get("regulator_notifications", [])}
        if str(regulator) not in notified:
            raise RuleViolationError(f"the case was not notified to {regulator}", field="regulator")
        acknowledged = {a["regulator"] for a in self.records.get(REGULATOR_ACKNOWLEDGEMENTS, [])}
        if str(regulator) in acknowledged:
            raise RuleViolationError(
                f"{regulator} already acknowledged the notification", field="regulator"
            )
        self.trigger_event(
            self.RegulatorNotificationAcknowledged,
            **envelope(stamp),
            regulator=str(regulator),
            reference=reference.strip() if reference else None,
            note=note.strip() if note and note.strip() else None,
        )

    def remedy(self, remedy_id: str) -> dict[str, Any]:
        for remedy in self.records.get(REMEDIES, []):
            if remedy["id"] == remedy_id:
                return remedy
        raise InvalidValueError(f"no ombudsman remedy {remedy_id!r}", field="remedy_id")

    def remedy_outcome(self, remedy_id: str) -> RemedyOutcome | None:
        """The latest compliance recorded for the remedy, if any."""
        latest = [c for c in self.records.get(COMPLIANCE, []) if c["remedy_id"] == remedy_id]
        return RemedyOutcome(latest[-1]["outcome"]) if latest else None

    def _require_escalated_to(self, body: Ombudsman) -> None:
        if str(body) not in self.ombudsman_bodies:
            raise RuleViolationError(
                f"the complaint was not escalated to {body}; record the escalation first",
                field="body",
            )


def _complied_on(
    stamp: Stamp, outcome: RemedyOutcome, complied_on: date | None, due_on: date
) -> date | None:
    """The day the remedy was carried out (default: the day recorded), consistent with the
    outcome: on time for `complied`, after the due date for `late`, none for `refused`."""
    if outcome == RemedyOutcome.REFUSED:
        if complied_on is not None:
            raise InvalidValueError("a refused remedy has no complied_on", field="complied_on")
        return None
    day = complied_on or clocks.uk_local_date(stamp.occurred_at)
    if day > clocks.uk_local_date(stamp.occurred_at):
        raise InvalidValueError(
            f"complied_on {day.isoformat()} is after the record", field="complied_on"
        )
    if outcome == RemedyOutcome.COMPLIED and day > due_on:
        raise InvalidValueError(
            f"carried out {day.isoformat()}, after its due date {due_on.isoformat()}: that is late",
            field="outcome",
        )
    if outcome == RemedyOutcome.LATE and day <= due_on:
        raise InvalidValueError(
            f"carried out {day.isoformat()}, by its due date {due_on.isoformat()}: "
            "that is complied",
            field="outcome",
        )
    return day
