"""One method per command of the procedure: load the case, let it decide, save its new events.

Every method returns the case's new version. Rules live in the domain, not here.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING
from uuid import UUID

from complaints_ledger.application.exclusion_commands import ExclusionCommands
from complaints_ledger.application.letter_commands import LetterCommands
from complaints_ledger.application.local_resolution_commands import LocalResolutionCommands
from complaints_ledger.application.outcome_commands import OutcomeCommands
from complaints_ledger.application.referral_commands import ReferralCommands
from complaints_ledger.domain.correction_types import names_organisation
from complaints_ledger.domain.errors import InvalidValueError
from complaints_ledger.domain.values import (
    EscalationRoute,
    ExtendedDeadline,
    Ombudsman,
    OmbudsmanDecision,
    Outcome,
    Regulator,
    Remedy,
    RemedyCompliance,
    Stamp,
)

if TYPE_CHECKING:
    from complaints_ledger.application.context import CommandContext
    from complaints_ledger.domain.complaint import Complaint

Command = Callable[["Complaint", Stamp], None]


class LedgerCommands(
    ReferralCommands,
    OutcomeCommands,
    ExclusionCommands,
    LocalResolutionCommands,
    LetterCommands,
    ABC,
):
    @abstractmethod
    def _execute(self, case_id: UUID, ctx: CommandContext, command: Command) -> int:
        """Load the case, run the command with a stamp, save; return the new version."""

    @abstractmethod
    def registered_name(self, organisation: str) -> str | None:
        """The name `organisation` is registered under (None: not registered)."""

    def acknowledge(
        self,
        case_id: UUID,
        ctx: CommandContext,
        *,
        discussion_offered: bool = True,
        response_period_agreed_until: date | None = None,
    ) -> int:
        return self._execute(
            case_id,
            ctx,
            lambda case, stamp: case.acknowledge(
                stamp,
                discussion_offered=discussion_offered,
                response_period_agreed_until=response_period_agreed_until,
            ),
        )

    def agree_response_period(
        self,
        case_id: UUID,
        ctx: CommandContext,
        *,
        agreed_until: date,
        agreed_with_complainant: bool,
    ) -> int:
        return self._execute(
            case_id,
            ctx,
            lambda case, stamp: case.agree_response_period(
                stamp, agreed_until=agreed_until, agreed_with_complainant=agreed_with_complainant
            ),
        )

    def extend_deadline(
        self,
        case_id: UUID,
        ctx: CommandContext,
        *,
        deadline: ExtendedDeadline,
        working_days: int,
        reason: str,
        complainant_consent: bool,
    ) -> int:
        return self._execute(
            case_id,
            ctx,
            lambda case, stamp: case.extend_deadline(
                stamp,
                deadline=deadline,
                working_days=working_days,
                reason=reason,
                complainant_consent=complainant_consent,
            ),
        )

    def accept_late_complaint(
        self,
        case_id: UUID,
        ctx: CommandContext,
        *,
        good_reason_for_delay: str,
        can_investigate_effectively_and_fairly: bool,
    ) -> int:
        return self._execute(
            case_id,
            ctx,
            lambda case, stamp: case.accept_late_complaint(
                stamp,
                good_reason_for_delay=good_reason_for_delay,
                can_investigate_effectively_and_fairly=can_investigate_effectively_and_fairly,
            ),
        )

    def start_investigation(self, case_id: UUID, ctx: CommandContext, *, investigator: str) -> int:
        return self._execute(
            case_id,
            ctx,
            lambda case, stamp: case.start_investigation(stamp, investigator=investigator),
        )

    def assign_handler(
        self, case_id: UUID, ctx: CommandContext, *, handler: str, reason: str | None = None
    ) -> int:
        return self._execute(
            case_id,
            ctx,
            lambda case, stamp: case.assign_handler(stamp, handler=handler, reason=reason),
        )

    def record_evidence(
        self, case_id: UUID, ctx: CommandContext, *, evidence_kind: str, source: str, notes: str
    ) -> int:
        return self._execute(
            case_id,
            ctx,
            lambda case, stamp: case.record_evidence(
                stamp, evidence_kind=evidence_kind, source=source, notes=notes
            ),
        )

    def update_complainant(
        self, case_id: UUID, ctx: CommandContext, *, channel: str, message: str
    ) -> int:
        return self._execute(
            case_id,
            ctx,
            lambda case, stamp: case.update_complainant(stamp, channel=channel, message=message),
        )

    def plan_action(
        self,
        case_id: UUID,
        ctx: CommandContext,
        *,
        action_id: str,
        description: str,
        owner: str,
        due_on: date,
    ) -> int:
        return self._execute(
            case_id,
            ctx,
            lambda case, stamp: case.plan_action(
                stamp, action_id=action_id, description=description, owner=owner, due_on=due_on
            ),
        )

    def complete_action(
        self, case_id: UUID, ctx: CommandContext, *, action_id: str, note: str = ""
    ) -> int:
        return self._execute(
            case_id,
            ctx,
            lambda case, stamp: case.complete_action(stamp, action_id=action_id, note=note),
        )

    def send_response(
        self,
        case_id: UUID,
        ctx: CommandContext,
        *,
        outcome: Outcome,
        remedies: tuple[Remedy, ...],
        signed_by: str,
        ombudsman_rights_given: bool,
        summary: str,
    ) -> int:
        return self._execute(
            case_id,
            ctx,
            lambda case, stamp: case.send_response(
                stamp,
                outcome=outcome,
                remedies=remedies,
                signed_by=signed_by,
                ombudsman_rights_given=ombudsman_rights_given,
                summary=summary,
            ),
        )

    def pause_target(self, case_id: UUID, ctx: CommandContext, *, reason: str) -> int:
        return self._execute(
            case_id, ctx, lambda case, stamp: case.pause_target(stamp, reason=reason)
        )

    def resume_target(self, case_id: UUID, ctx: CommandContext) -> int:
        return self._execute(case_id, ctx, lambda case, stamp: case.resume_target(stamp))

    def escalate(
        self,
        case_id: UUID,
        ctx: CommandContext,
        *,
        route: EscalationRoute,
        reason: str,
        body: Ombudsman | None = None,
        reference: str | None = None,
        regulator: Regulator | None = None,
        about_identified_person: bool = False,
    ) -> int:
        return self._execute(
            case_id,
            ctx,
            lambda case, stamp: case.escalate(
                stamp,
                route=route,
                reason=reason,
                body=body,
                reference=reference,
                regulator=regulator,
                about_identified_person=about_identified_person,
            ),
        )

    def record_ombudsman_decision(
        self,
        case_id: UUID,
        ctx: CommandContext,
        *,
        body: Ombudsman,
        decision: OmbudsmanDecision,
        recommended_remedies: tuple[Remedy, ...] = (),
        remedy_compliance: RemedyCompliance = RemedyCompliance.NOT_APPLICABLE,
    ) -> int:
        return self._execute(
            case_id,
            ctx,
            lambda case, stamp: case.record_ombudsman_decision(
                stamp,
                body=body,
                decision=decision,
                recommended_remedies=recommended_remedies,
                remedy_compliance=remedy_compliance,
            ),
        )

    def record_lesson(
        self,
        case_id: UUID,
        ctx: CommandContext,
        *,
        lesson_id: str,
        theme: str,
        lesson: str,
        action: str,
        shared_with_partners: bool,
    ) -> int:
        return self._execute(
            case_id,
            ctx,
            lambda case, stamp: case.record_lesson(
                stamp,
                lesson_id=lesson_id,
                theme=theme,
                lesson=lesson,
                action=action,
                shared_with_partners=shared_with_partners,
            ),
        )

    def record_forum_review(
        self, case_id: UUID, ctx: CommandContext, *, forum: str, findings: str, handled_well: bool
    ) -> int:
        return self._execute(
            case_id,
            ctx,
            lambda case, stamp: case.record_forum_review(
                stamp, forum=forum, findings=findings, handled_well=handled_well
            ),
        )

    def request_feedback(self, case_id: UUID, ctx: CommandContext, *, channel: str) -> int:
        return self._execute(
            case_id, ctx, lambda case, stamp: case.request_feedback(stamp, channel=channel)
        )

    def receive_feedback(
        self, case_id: UUID, ctx: CommandContext, *, satisfaction: int, comments: str = ""
    ) -> int:
        return self._execute(
            case_id,
            ctx,
            lambda case, stamp: case.receive_feedback(
                stamp, satisfaction=satisfaction, comments=comments
            ),
        )

    def correct_fact(
        self,
        case_id: UUID,
        ctx: CommandContext,
        *,
        field: str,
        new_value: str | list[str],
        reason: str,
    ) -> int:
        """`new_value` as the field's type (domain/correction_types.py)."""
        name = new_value.strip() if isinstance(new_value, str) else ""
        if names_organisation(field) and name and self.registered_name(name) is None:
            raise InvalidValueError(
                f"{name!r} is not in the organisation registry: register it first "
                "(`complaints-ledger org add`)",
                field="new_value",
            )
        return self._execute(
            case_id,
            ctx,
            lambda case, stamp: case.correct_fact(
                stamp, field=field, new_value=new_value, reason=reason
            ),
        )

    def withdraw(self, case_id: UUID, ctx: CommandContext, *, reason: str) -> int:
        return self._execute(case_id, ctx, lambda case, stamp: case.withdraw(stamp, reason=reason))

    def close_case(
        self, case_id: UUID, ctx: CommandContext, *, no_action_needed_reason: str | None = None
    ) -> int:
        return self._execute(
            case_id,
            ctx,
            lambda case, stamp: case.close(stamp, no_action_needed_reason=no_action_needed_reason),
        )

    def reopen(self, case_id: UUID, ctx: CommandContext, *, reason: str) -> int:
        return self._execute(case_id, ctx, lambda case, stamp: case.reopen(stamp, reason=reason))

    def record_erasure(
        self, case_id: UUID, ctx: CommandContext, *, subject_id: UUID, reason: str
    ) -> int:
        """Record on the case that a data subject is erased (privacy.erasure destroys the key)."""
        return self._execute(
            case_id,
            ctx,
            lambda case, stamp: case.erase_subject(stamp, subject_id=subject_id, reason=reason),
        )

    def place_litigation_hold(self, case_id: UUID, ctx: CommandContext, *, reason: str) -> int:
        return self._execute(
            case_id, ctx, lambda case, stamp: case.place_litigation_hold(stamp, reason=reason)
        )

    def lift_litigation_hold(self, case_id: UUID, ctx: CommandContext, *, reason: str) -> int:
        return self._execute(
            case_id, ctx, lambda case, stamp: case.lift_litigation_hold(stamp, reason=reason)
        )
