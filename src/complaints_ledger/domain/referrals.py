"""Referrals that can go wrong ('no wrong door'): the receiver declines or passes the case on,
the referrer recalls it; and the referral chain every case view shows.

A case is held by its `handling_organisation` from receipt to the end, and only an accepted
referral moves it (lifecycle.py). While a referral is pending, the holder's statutory clocks keep
running: nothing here pauses, restarts or moves them. A declined or recalled referral returns the
case to its holder, in the status it had before the referral.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, ClassVar

from complaints_ledger.domain.case_state import (
    CaseBase,
    StateCheck,
    envelope,
    require_text,
    status_rule,
)
from complaints_ledger.domain.errors import InvalidValueError, RuleViolationError
from complaints_ledger.domain.values import Stamp, Status

CHAIN = "referral_chain"
PENDING = frozenset({Status.REFERRED})
PENDING_STEPS = {  # each step on a pending referral, by its command's name: what it does
    "decline_referral": "decline a referral",
    "recall_referral": "recall a referral",
    "pass_on_referral": "pass a referral on",
}
NO_WRONG_DOOR_CONSENT = "no wrong door: consent to share"


def add_chain_step(records: dict[str, list[dict[str, Any]]], step: str, **facts: Any) -> None:
    """Append one step to the case's referral chain. `to` is where the case is after it."""
    chain_of(records).append({"step": step, **facts})


def chain_of(records: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """The referral chain, kept in `records`. A snapshot taken before the chain was kept holds
    only the offers (`records["referrals"]`): the chain starts from them, so that it stays whole
    when new steps are added to a case loaded from such a snapshot. (So an offer's step is added
    before the offer is recorded in `referrals`, or a new case's first offer would count twice.)"""
    if CHAIN not in records:
        records[CHAIN] = [
            {"step": "offered", "at": entry["at"], "by": None, "to": entry["to"], "reason": None}
            for entry in records.get("referrals", [])
        ]
    return records[CHAIN]


def referral_chain(records: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """A copy of the chain, for views (reading never changes the case)."""
    return [dict(step) for step in chain_of(dict(records))]


class Referrals(CaseBase):
    STATE_RULES: ClassVar[Mapping[str, StateCheck]] = {
        name: status_rule(doing, PENDING) for name, doing in PENDING_STEPS.items()
    }

    class ReferralDeclined(CaseBase.Event):
        organisation: str  # the receiver, declining
        returned_to: str  # the holder, whose clocks kept running
        reason: str
        suggested_organisation: str | None  # where it could go instead (registered)
        resumed_status: str  # the holder's status before the referral

        def apply(self, case: Referrals) -> None:
            case._back_with_holder(self.resumed_status)
            add_chain_step(
                case.records,
                "declined",
                at=self.occurred_at,
                by=self.organisation,
                to=self.returned_to,
                reason=self.reason,
                suggested_organisation=self.suggested_organisation,
            )

    class ReferralRecalled(CaseBase.Event):
        organisation: str  # the holder, recalling
        offered_to: str  # the organisation the referral was with
        reason: str
        resumed_status: str  # the holder's status before the referral

        def apply(self, case: Referrals) -> None:
            case._back_with_holder(self.resumed_status)
            add_chain_step(
                case.records,
                "recalled",
                at=self.occurred_at,
                by=self.organisation,
                to=self.organisation,
                reason=self.reason,
            )

    class ReferralPassedOn(CaseBase.Event):
        from_organisation: str  # the receiver, passing it on without accepting it
        to_organisation: str  # registered
        reason: str
        consent_to_share: bool  # the person agreed to its sharing with to_organisation

        def apply(self, case: Referrals) -> None:
            case.pending_referral = {
                "from": self.from_organisation,
                "to": self.to_organisation,
                "reason": self.reason,
                "referred_at": self.occurred_at,
            }
            add_chain_step(  # before the offer is recorded: see chain_of
                case.records,
                "passed_on",
                at=self.occurred_at,
                by=self.from_organisation,
                to=self.to_organisation,
                reason=self.reason,
            )
            case._record("referrals", {"to": self.to_organisation, "at": self.occurred_at})

    # ---- commands ------------------------------------------------------------------------

    def decline_referral(
        self, stamp: Stamp, *, reason: str, suggested_organisation: str | None = None
    ) -> None:
        receiver = self._check_pending(stamp, "decline_referral", by_receiver=True)
        suggested = suggested_organisation.strip() if suggested_organisation else None
        if suggested == receiver:
            raise InvalidValueError(
                f"{receiver} is declining: suggest another organisation, or none",
                field="suggested_organisation",
            )
        self.trigger_event(
            self.ReferralDeclined,
            **envelope(stamp),
            organisation=receiver,
            returned_to=self.handling_organisation,
            reason=require_text(reason, "reason"),
            suggested_organisation=suggested or None,
            resumed_status=str(self._status_before_referral()),
        )

    def recall_referral(self, stamp: Stamp, *, reason: str) -> None:
        receiver = self._check_pending(stamp, "recall_referral", by_receiver=False)
        self.trigger_event(
            self.ReferralRecalled,
            **envelope(stamp),
            organisation=self.handling_organisation,
            offered_to=receiver,
            reason=require_text(reason, "reason"),
            resumed_status=str(self._status_before_referral()),
        )

    def pass_on_referral(
        self, stamp: Stamp, *, to_organisation: str, reason: str, consent_to_share: bool
    ) -> None:
        receiver = self._check_pending(stamp, "pass_on_referral", by_receiver=True)
        to_organisation = require_text(to_organisation, "to_organisation")
        if to_organisation == receiver:
            raise InvalidValueError(
                f"the referral is already with {receiver}", field="to_organisation"
            )
        if to_organisation == self.handling_organisation:
            raise InvalidValueError(
                f"{to_organisation} holds the case: decline the referral to return it",
                field="to_organisation",
            )
        if not consent_to_share:
            raise InvalidValueError(
                "passing a referral on needs the person's consent to share their complaint "
                f"with {to_organisation}",
                field="consent_to_share",
                rule=NO_WRONG_DOOR_CONSENT,
            )
        self.trigger_event(
            self.ReferralPassedOn,
            **envelope(stamp),
            from_organisation=receiver,
            to_organisation=to_organisation,
            reason=require_text(reason, "reason"),
            consent_to_share=consent_to_share,
        )

    def _check_pending(self, stamp: Stamp, name: str, *, by_receiver: bool) -> str:
        """The organisation the pending referral is with, once the rules every step shares
        hold: a referral is pending, the right side acts, and not before the referral."""
        command = PENDING_STEPS[name]
        self._check_stamp(stamp, command=command)
        self._require_state(name)
        referral: dict[str, Any] = self.pending_referral or {}
        receiver: str = referral["to"]
        entitled = receiver if by_receiver else self.handling_organisation
        if stamp.actor.organisation != entitled:
            raise RuleViolationError(
                f"only {entitled} can {command} here", field="actor.organisation"
            )
        referred_at: datetime = referral["referred_at"]
        if stamp.occurred_at < referred_at:
            raise InvalidValueError(
                f"cannot {command} before it was made ({referred_at.isoformat()})",
                field="occurred_at",
            )
        return receiver

    def _back_with_holder(self, status: str) -> None:
        self.pending_referral = None
        self.status = Status(status)

    def _status_before_referral(self) -> Status:
        """Where the holder had got to: a referral is made at stage 1, before any response."""
        if self.investigators.get("1"):
            return Status.INVESTIGATING
        if self.acknowledged_at is not None:
            return Status.ACKNOWLEDGED
        return Status.RECEIVED
