"""Acknowledgement, response periods, extensions, referrals (no wrong door), withdrawal, closure."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, ClassVar

from complaints_ledger.domain import clocks
from complaints_ledger.domain.case_state import (
    STAGE_2,
    CaseBase,
    StateCheck,
    envelope,
    require_text,
)
from complaints_ledger.domain.errors import InvalidValueError, RuleViolationError
from complaints_ledger.domain.extension_consent import require_consent
from complaints_ledger.domain.lifecycle_rules import (
    LIFECYCLE_RULES,
    require_english_period,
)
from complaints_ledger.domain.referrals import add_chain_step
from complaints_ledger.domain.values import (
    WELL_FOUNDED_OUTCOMES,
    ExtendedDeadline,
    RegimeId,
    Stamp,
    Status,
)


class Lifecycle(CaseBase):
    STATE_RULES: ClassVar[Mapping[str, StateCheck]] = LIFECYCLE_RULES

    class Acknowledged(CaseBase.Event):
        stage: int
        discussion_offered: bool
        response_period_agreed_until: date | None

        def apply(self, case: Lifecycle) -> None:
            if self.stage == STAGE_2:
                case.stage_2_acknowledged_at = self.occurred_at
            else:
                case.acknowledged_at = self.occurred_at
            if self.response_period_agreed_until is not None:
                case.agreed_response_due = self.response_period_agreed_until
            case.status = Status.ACKNOWLEDGED

    class ResponsePeriodAgreed(CaseBase.Event):
        agreed_until: date
        agreed_with_complainant: bool

        def apply(self, case: Lifecycle) -> None:
            case.agreed_response_due = self.agreed_until

    class DeadlineExtended(CaseBase.Event):
        deadline: str
        working_days: int
        reason: str
        complainant_consent: bool

        def apply(self, case: Lifecycle) -> None:
            case.extensions.append(
                clocks.Extension(
                    deadline=ExtendedDeadline(self.deadline),
                    working_days=self.working_days,
                    granted_at=self.occurred_at,
                    reason=self.reason,
                    complainant_consent=self.complainant_consent,
                )
            )

    class Referred(CaseBase.Event):
        from_organisation: str
        to_organisation: str
        reason: str
        consent_to_share: bool

        def apply(self, case: Lifecycle) -> None:
            case.pending_referral = {
                "from": self.from_organisation,
                "to": self.to_organisation,
                "reason": self.reason,
                "referred_at": self.occurred_at,
            }
            case.status = Status.REFERRED
            add_chain_step(  # before the offer is recorded: see referrals.chain_of
                case.records,
                "offered",
                at=self.occurred_at,
                by=self.from_organisation,
                to=self.to_organisation,
                reason=self.reason,
            )
            case._record("referrals", {"to": self.to_organisation, "at": self.occurred_at})

    class ReferralAccepted(CaseBase.Event):
        organisation: str
        regime: str

        def apply(self, case: Lifecycle) -> None:
            # No wrong door: the receiving organisation's clocks start on its own receipt.
            case.handling_organisation = self.organisation
            case.regime = RegimeId(self.regime)
            case.received_at = self.occurred_at
            case.acknowledged_at = None
            case.agreed_response_due = None
            case.extensions = []
            case.investigators = {}
            case.handlers = {}
            case.target_pauses = []
            case.pending_referral = None
            case.status = Status.RECEIVED
            add_chain_step(
                case.records,
                "accepted",
                at=self.occurred_at,
                by=self.organisation,
                to=self.organisation,
                reason=None,
            )

    class LateComplaintAccepted(CaseBase.Event):
        good_reason_for_delay: str
        can_investigate_effectively_and_fairly: bool

        def apply(self, case: Lifecycle) -> None:
            case.late_acceptance = {
                "good_reason_for_delay": self.good_reason_for_delay,
                "can_investigate_effectively_and_fairly": True,
                "accepted_at": self.occurred_at,
            }

    class Withdrawn(CaseBase.Event):
        reason: str

        def apply(self, case: Lifecycle) -> None:
            case.status = Status.WITHDRAWN
            case.stopped_at = self.occurred_at

    class Closed(CaseBase.Event):
        no_action_needed_reason: str | None

        def apply(self, case: Lifecycle) -> None:
            case.status_before_close = case.status
            case.status = Status.CLOSED
            case.stopped_at = self.occurred_at
            if self.no_action_needed_reason:
                case.no_action_needed_reason = self.no_action_needed_reason

    class Reopened(CaseBase.Event):
        reason: str

        def apply(self, case: Lifecycle) -> None:
            case.status = case.status_before_close
            case.stopped_at = None
            case.records.pop("exclusion", None)  # a reg 8 decision found wrong: clocks run again

    # ---- commands ------------------------------------------------------------------------

    def acknowledge(
        self,
        stamp: Stamp,
        *,
        discussion_offered: bool = True,
        response_period_agreed_until: date | None = None,
    ) -> None:
        self._check_stamp(stamp, command="acknowledge")
        self._require_state("acknowledge")
        if response_period_agreed_until is not None:
            self._check_agreed_period(response_period_agreed_until, "response_period_agreed_until")
        self.trigger_event(
            self.Acknowledged,
            **envelope(stamp),
            stage=self.stage,
            discussion_offered=discussion_offered,
            response_period_agreed_until=response_period_agreed_until,
        )

    def agree_response_period(
        self, stamp: Stamp, *, agreed_until: date, agreed_with_complainant: bool
    ) -> None:
        self._check_stamp(stamp, command="agree a response period")
        self._require_state("agree_response_period")
        if not agreed_with_complainant:
            raise RuleViolationError(
                "a longer response period must be agreed with the complainant",
                field="agreed_with_complainant",
                rule="SI 2009/309 reg 14(2)(b)",
            )
        current_due = clocks.response_due(self.clock_facts(), stamp.occurred_at.date())
        if current_due is not None and clocks.uk_local_date(stamp.occurred_at) > current_due:
            raise RuleViolationError(
                f"the response period already expired on {current_due.isoformat()}; a longer "
                "period must be agreed before it expires",
                field="occurred_at",
                rule="SI 2009/309 reg 14(2)(b)",
            )
        self._check_agreed_period(agreed_until, "agreed_until")
        self.trigger_event(
            self.ResponsePeriodAgreed,
            **envelope(stamp),
            agreed_until=agreed_until,
            agreed_with_complainant=agreed_with_complainant,
        )

    def _check_agreed_period(self, agreed_until: date, field: str) -> None:
        require_english_period(self, field)
        if agreed_until <= clocks.uk_local_date(self.received_at):
            raise InvalidValueError(f"{field} must be after the day of receipt", field=field)

    def extend_deadline(
        self,
        stamp: Stamp,
        *,
        deadline: ExtendedDeadline,
        working_days: int,
        reason: str,
        complainant_consent: bool,
    ) -> None:
        self._check_stamp(stamp, command="extend a deadline")
        self._require_state("extend_deadline")
        reason = require_text(reason, "reason")
        if working_days < 1:
            raise InvalidValueError("working_days must be at least 1", field="working_days")
        self._check_extension_limit(stamp, deadline, working_days, complainant_consent)
        self.trigger_event(
            self.DeadlineExtended,
            **envelope(stamp),
            deadline=str(deadline),
            working_days=working_days,
            reason=reason,
            complainant_consent=complainant_consent,
        )

    def _check_extension_limit(
        self, stamp: Stamp, deadline: ExtendedDeadline, working_days: int, consent: bool
    ) -> None:
        if deadline == ExtendedDeadline.STAGE_2_RESPONSE and self.stage != STAGE_2:
            raise RuleViolationError("no stage 2 response is due yet", field="deadline")
        require_consent(self.regime, deadline, consent)
        limit = clocks.extension_limit_working_days(self.regime, deadline)
        already = sum(e.working_days for e in self.extensions if e.deadline == deadline)
        if limit is None:
            if not consent:
                raise RuleViolationError(
                    "this extension must be agreed with the complainant",
                    field="complainant_consent",
                    rule=f"{self.regime}: extension agreed with the complainant",
                )
            return
        if already + working_days <= limit:
            return
        if self.regime == RegimeId.SPSO_MCHP and deadline == ExtendedDeadline.RESPONSE:
            raise RuleViolationError(
                f"SPSO stage 1 may be extended by at most {limit} working days in total "
                f"({already} already granted); escalate to stage 2 instead",
                field="working_days",
                rule="SPSO MCHP stage 1 extension",
            )
        self._require_privileged(stamp, f"an extension beyond {limit} working days")

    def refer(
        self, stamp: Stamp, *, to_organisation: str, reason: str, consent_to_share: bool
    ) -> None:
        self._check_stamp(stamp, command="refer")
        self._require_state("refer")
        to_organisation = require_text(to_organisation, "to_organisation")
        if to_organisation == self.handling_organisation:
            raise InvalidValueError(
                f"the case is already with {to_organisation}", field="to_organisation"
            )
        if not consent_to_share:
            raise RuleViolationError(
                "a referral needs the person's consent to share their complaint",
                field="consent_to_share",
                rule="no wrong door: consent to share",
            )
        self.trigger_event(
            self.Referred,
            **envelope(stamp),
            from_organisation=self.handling_organisation,
            to_organisation=to_organisation,
            reason=require_text(reason, "reason"),
            consent_to_share=consent_to_share,
        )

    def accept_referral(self, stamp: Stamp, *, regime: RegimeId | None = None) -> None:
        self._check_stamp(stamp, command="accept a referral")
        self._require_state("accept_referral")
        referral: dict[str, Any] = self.pending_referral or {}
        if stamp.actor.organisation != referral.get("to"):
            raise RuleViolationError(
                f"only {referral.get('to')} can accept this referral", field="actor.organisation"
            )
        if stamp.occurred_at < referral["referred_at"]:
            raise InvalidValueError(
                "a referral cannot be accepted before it was made", field="occurred_at"
            )
        self.trigger_event(
            self.ReferralAccepted,
            **envelope(stamp),
            organisation=stamp.actor.organisation,
            regime=str(regime or self.regime),
        )

    def accept_late_complaint(
        self,
        stamp: Stamp,
        *,
        good_reason_for_delay: str,
        can_investigate_effectively_and_fairly: bool,
    ) -> None:
        self._check_stamp(stamp, command="accept a late complaint")
        self._require_state("accept_late_complaint")
        reason = good_reason_for_delay.strip() if good_reason_for_delay else ""
        if not reason or not can_investigate_effectively_and_fairly:
            raise RuleViolationError(
                "a late complaint may be accepted only if there was good reason for the delay AND "
                "it is still possible to investigate it effectively and fairly; record both",
                field="good_reason_for_delay"
                if not reason
                else "can_investigate_effectively_and_fairly",
                rule="SI 2009/309 reg 12(2)",
            )
        self.trigger_event(
            self.LateComplaintAccepted,
            **envelope(stamp),
            good_reason_for_delay=reason,
            can_investigate_effectively_and_fairly=True,
        )

    def withdraw(self, stamp: Stamp, *, reason: str) -> None:
        self._check_stamp(stamp, command="withdraw")
        self._require_state("withdraw")
        self.trigger_event(self.Withdrawn, **envelope(stamp), reason=require_text(reason, "reason"))

    def close(self, stamp: Stamp, *, no_action_needed_reason: str | None = None) -> None:
        self._check_stamp(stamp, command="close")
        self._require_state("close_case")
        reason = no_action_needed_reason.strip() if no_action_needed_reason else None
        if self.outcome in WELL_FOUNDED_OUTCOMES and not self.actions and not reason:
            raise RuleViolationError(
                f"cannot close a complaint found {self.outcome} without a planned action or a "
                "recorded 'no action needed' reason",
                field="no_action_needed_reason",
                rule="learning: upheld complaints lead to action",
            )
        self.trigger_event(self.Closed, **envelope(stamp), no_action_needed_reason=reason)

    def reopen(self, stamp: Stamp, *, reason: str) -> None:
        self._check_stamp(stamp, command="reopen")
        self._require_state("reopen")
        self.trigger_event(self.Reopened, **envelope(stamp), reason=require_text(reason, "reason"))
