"""Investigation, evidence, communication, action plans, the response, and the internal target."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, ClassVar

from complaints_ledger.domain import clocks
from complaints_ledger.domain.case_state import (
    STAGE_2,
    STAGE_2_INDEPENDENCE,
    CaseBase,
    StateCheck,
    envelope,
    require_not_compliment,
    require_status,
    require_text,
    status_rule,
)
from complaints_ledger.domain.errors import InvalidValueError, RuleViolationError
from complaints_ledger.domain.values import Outcome, RegimeId, Remedy, Stamp, Status

INVESTIGABLE = frozenset({Status.ACKNOWLEDGED})
RESPONDABLE = frozenset({Status.ACKNOWLEDGED, Status.INVESTIGATING})
OPEN_FOR_WORK = frozenset(
    {
        Status.RECEIVED,
        Status.REFERRED,
        Status.ACKNOWLEDGED,
        Status.INVESTIGATING,
        Status.RESPONDED,
        Status.ESCALATED,
    }
)
ACTION_COMPLETABLE = OPEN_FOR_WORK | {Status.CLOSED}


def _require_time_limit_settled(case: CaseBase) -> None:
    check = case.time_limit()
    if check.blocking and not check.in_time and case.late_acceptance is None:
        raise RuleViolationError(
            "this complaint was made after the time limit; accept it as late (both limbs of "
            "reg 12(2) recorded) before handling it",
            field="time_limit",
            rule="SI 2009/309 reg 12",
        )


def _investigable(case: CaseBase) -> None:
    require_not_compliment(case, "start an investigation")
    require_status(case, "start the investigation", INVESTIGABLE)
    _require_time_limit_settled(case)


def _respondable(case: CaseBase) -> None:
    require_not_compliment(case, "respond with an outcome")
    require_status(case, "respond", RESPONDABLE)
    _require_time_limit_settled(case)


def _paused(case: CaseBase) -> bool:
    return bool(case.target_pauses) and case.target_pauses[-1].ended_at is None


def _pausable(case: CaseBase) -> None:
    require_status(case, "pause the internal target", OPEN_FOR_WORK)
    if _paused(case):
        raise RuleViolationError("the internal target is already paused", field="status")


def _resumable(case: CaseBase) -> None:
    require_status(case, "resume the internal target", OPEN_FOR_WORK)
    if not _paused(case):
        raise RuleViolationError("the internal target is not paused", field="status")


class Handling(CaseBase):
    STATE_RULES: ClassVar[Mapping[str, StateCheck]] = {
        "start_investigation": _investigable,
        "record_evidence": status_rule("record evidence", frozenset({Status.INVESTIGATING})),
        "update_complainant": status_rule("update the complainant", OPEN_FOR_WORK),
        "plan_action": status_rule("plan an action", OPEN_FOR_WORK),
        "complete_action": status_rule("complete an action", ACTION_COMPLETABLE),
        "send_response": _respondable,
        "pause_target": _pausable,
        "resume_target": _resumable,
    }

    class InvestigationStarted(CaseBase.Event):
        stage: int
        investigator: str

        def apply(self, case: Handling) -> None:
            case.investigators[str(self.stage)] = self.investigator
            case.handlers[str(self.stage)] = self.investigator
            case.status = Status.INVESTIGATING

    class EvidenceRecorded(CaseBase.Event):
        evidence_kind: str
        source: str
        personal: dict[str, Any]  # notes and statements: personal data

        def apply(self, case: Handling) -> None:
            case._record("evidence", {"kind": self.evidence_kind, "at": self.occurred_at})

    class ComplainantUpdated(CaseBase.Event):
        channel: str
        personal: dict[str, Any]  # what was said: personal data

        def apply(self, case: Handling) -> None:
            case._record("updates", {"channel": self.channel, "at": self.occurred_at})

    class ActionPlanned(CaseBase.Event):
        action_id: str
        description: str
        owner: str
        due_on: date

        def apply(self, case: Handling) -> None:
            case.actions[self.action_id] = {
                "description": self.description,
                "owner": self.owner,
                "due_on": self.due_on,
                "completed_at": None,
            }

    class ActionCompleted(CaseBase.Event):
        action_id: str
        note: str

        def apply(self, case: Handling) -> None:
            case.actions[self.action_id] = {
                **case.actions[self.action_id],
                "completed_at": self.occurred_at,
            }

    class ResponseSent(CaseBase.Event):
        stage: int
        outcome: str
        remedies: list[str]
        signed_by: str
        ombudsman_rights_given: bool
        within_notified_period: bool
        personal: dict[str, Any]  # the letter's summary: personal data

        def apply(self, case: Handling) -> None:
            if self.stage == STAGE_2:
                case.stage_2_responded_at = self.occurred_at
            else:
                case.responded_at = self.occurred_at
            case.outcome = Outcome(self.outcome)
            case.status = Status.RESPONDED

    class TargetPaused(CaseBase.Event):
        reason: str

        def apply(self, case: Handling) -> None:
            case.target_pauses.append(clocks.Pause(started_at=self.occurred_at, ended_at=None))

    class TargetResumed(CaseBase.Event):
        def apply(self, case: Handling) -> None:
            last = case.target_pauses[-1]
            case.target_pauses[-1] = clocks.Pause(
                started_at=last.started_at, ended_at=self.occurred_at
            )

    # ---- commands ------------------------------------------------------------------------

    def start_investigation(self, stamp: Stamp, *, investigator: str) -> None:
        self._check_stamp(stamp, command="start the investigation")
        self._require_state("start_investigation")
        investigator = require_text(investigator, "investigator")
        if self.stage == STAGE_2 and investigator in self.stage_1_handlers:
            raise RuleViolationError(
                f"the stage 2 investigator must not be the stage 1 handler ({investigator})",
                field="investigator",
                rule=STAGE_2_INDEPENDENCE,
            )
        self.trigger_event(
            self.InvestigationStarted,
            **envelope(stamp),
            stage=self.stage,
            investigator=investigator,
        )

    def record_evidence(self, stamp: Stamp, *, evidence_kind: str, source: str, notes: str) -> None:
        self._check_stamp(stamp, command="record evidence")
        self._require_state("record_evidence")
        self.trigger_event(
            self.EvidenceRecorded,
            **envelope(stamp),
            evidence_kind=require_text(evidence_kind, "evidence_kind"),
            source=require_text(source, "source"),
            personal={"notes": require_text(notes, "notes")},
        )

    def update_complainant(self, stamp: Stamp, *, channel: str, message: str) -> None:
        self._check_stamp(stamp, command="update the complainant")
        self._require_state("update_complainant")
        self.trigger_event(
            self.ComplainantUpdated,
            **envelope(stamp),
            channel=require_text(channel, "channel"),
            personal={"message": require_text(message, "message")},
        )

    def plan_action(
        self, stamp: Stamp, *, action_id: str, description: str, owner: str, due_on: date
    ) -> None:
        self._check_stamp(stamp, command="plan an action")
        self._require_state("plan_action")
        action_id = require_text(action_id, "action_id")
        if action_id in self.actions:
            raise InvalidValueError(f"action {action_id!r} is already planned", field="action_id")
        if due_on < clocks.uk_local_date(stamp.occurred_at):
            raise InvalidValueError("an action cannot be due before it was planned", field="due_on")
        self.trigger_event(
            self.ActionPlanned,
            **envelope(stamp),
            action_id=action_id,
            description=require_text(description, "description"),
            owner=require_text(owner, "owner"),
            due_on=due_on,
        )

    def complete_action(self, stamp: Stamp, *, action_id: str, note: str = "") -> None:
        self._check_stamp(stamp, command="complete an action")
        self._require_state("complete_action")
        action = self.actions.get(action_id)
        if action is None:
            raise InvalidValueError(f"no action {action_id!r} was planned", field="action_id")
        if action["completed_at"] is not None:
            raise RuleViolationError(
                f"action {action_id!r} is already completed", field="action_id"
            )
        self.trigger_event(self.ActionCompleted, **envelope(stamp), action_id=action_id, note=note)

    def send_response(
        self,
        stamp: Stamp,
        *,
        outcome: Outcome,
        remedies: tuple[Remedy, ...],
        signed_by: str,
        ombudsman_rights_given: bool,
        summary: str,
    ) -> None:
        self._check_stamp(stamp, command="respond")
        self._require_state("send_response")
        if not ombudsman_rights_given:
            raise RuleViolationError(
                "the response must tell the complainant of their right to go to the ombudsman",
                field="ombudsman_rights_given",
                rule=_ombudsman_rights_rule(self.regime),
            )
        due = clocks.response_due(self.clock_facts(), clocks.uk_local_date(stamp.occurred_at))
        within = due is None or clocks.uk_local_date(stamp.occurred_at) <= due
        self.trigger_event(
            self.ResponseSent,
            **envelope(stamp),
            stage=self.stage,
            outcome=str(outcome),
            remedies=[str(r) for r in remedies],
            signed_by=require_text(signed_by, "signed_by"),
            ombudsman_rights_given=True,
            within_notified_period=within,
            personal={"summary": require_text(summary, "summary")},
        )

    def pause_target(self, stamp: Stamp, *, reason: str) -> None:
        self._check_stamp(stamp, command="pause the internal target")
        self._require_state("pause_target")
        self.trigger_event(
            self.TargetPaused, **envelope(stamp), reason=require_text(reason, "reason")
        )

    def resume_target(self, stamp: Stamp) -> None:
        self._check_stamp(stamp, command="resume the internal target")
        self._require_state("resume_target")
        self.trigger_event(self.TargetResumed, **envelope(stamp))


def _ombudsman_rights_rule(regime: RegimeId) -> str:
    if regime == RegimeId.ENGLAND_2009:
        return "SI 2009/309 reg 14(2)(d)"
    if regime == RegimeId.SPSO_MCHP:
        return "SPSO MCHP: signpost to the SPSO"
    return f"{regime}: the final response gives ombudsman details"
