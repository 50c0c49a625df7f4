"""Reg 8 of SI 2009/309: complaints not required to be dealt with under the Regulations.

The decision is recorded with its ground and reasons; the case is closed by it and its clocks
stop. Because the Regulations never applied to such a complaint, no statutory deadline of it is
ever missed unless it was already met late: the clocks count as stopped from receipt. Reopening
the case (a decision found wrong) clears the exclusion and the clocks run again.
Sources: docs/regimes.md ("Reg 8: complaints not dealt with under the Regulations").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from enum import StrEnum
from typing import Any, ClassVar

from complaints_ledger.domain import clocks
from complaints_ledger.domain.calendars import AdjustedCalendar
from complaints_ledger.domain.case_state import (
    CaseBase,
    StateCheck,
    envelope,
    require_status,
    require_text,
)
from complaints_ledger.domain.errors import InvalidValueError, RuleViolationError
from complaints_ledger.domain.values import Channel, Kind, RegimeId, Stamp, Status

EXCLUSION = "exclusion"  # the key of the current decision in the case's records
EXCLUDABLE = frozenset({Status.RECEIVED, Status.ACKNOWLEDGED, Status.INVESTIGATING})
ORAL_CHANNELS = frozenset({Channel.PHONE, Channel.IN_PERSON})


class ExclusionGround(StrEnum):
    """The grounds of reg 8(1)(a)-(h), in that order."""

    BY_RESPONSIBLE_BODY = "by_responsible_body"
    EMPLOYEE_ABOUT_EMPLOYMENT = "employee_about_employment"
    ORAL_RESOLVED_BY_NEXT_WORKING_DAY = "oral_resolved_by_next_working_day"
    SAME_AS_ORAL_RESOLVED = "same_as_oral_resolved"
    PREVIOUSLY_INVESTIGATED = "previously_investigated"
    INVESTIGATED_BY_OMBUDSMAN = "investigated_by_ombudsman"
    FREEDOM_OF_INFORMATION = "freedom_of_information"
    SUPERANNUATION = "superannuation"


GROUND_RULES: dict[ExclusionGround, str] = {
    ground: f"SI 2009/309 reg 8(1)({letter})"
    for ground, letter in zip(ExclusionGround, "abcdefgh", strict=True)
}
GROUND_DESCRIPTIONS: dict[ExclusionGround, str] = {
    ExclusionGround.BY_RESPONSIBLE_BODY: "made by a responsible body",
    ExclusionGround.EMPLOYEE_ABOUT_EMPLOYMENT: "by an employee about their employment",
    ExclusionGround.ORAL_RESOLVED_BY_NEXT_WORKING_DAY: "made orally and resolved to the "
    "complainant's satisfaction not later than the next working day",
    ExclusionGround.SAME_AS_ORAL_RESOLVED: "the same subject as one already resolved that way",
    ExclusionGround.PREVIOUSLY_INVESTIGATED: "its subject was previously investigated under "
    "the Regulations (or their predecessors)",
    ExclusionGround.INVESTIGATED_BY_OMBUDSMAN: "its subject is being or has been investigated "
    "by a Local Commissioner or the Health Service Commissioner",
    ExclusionGround.FREEDOM_OF_INFORMATION: "about a failure to comply with a Freedom of "
    "Information Act 2000 request",
    ExclusionGround.SUPERANNUATION: "about a Superannuation Act 1972 s10 or s24 scheme",
}


def _excludable(case: CaseBase) -> None:
    if case.kind != Kind.COMPLAINT:
        raise RuleViolationError(f"reg 8 is about complaints, not a {case.kind}", field="kind")
    if case.regime != RegimeId.ENGLAND_2009:
        raise RuleViolationError(
            f"reg 8 exclusions are of SI 2009/309 (england-2009); this case is {case.regime}",
            field="ground",
            rule="SI 2009/309 reg 8(1)",
        )
    require_status(case, "decide an exclusion", EXCLUDABLE)


class Exclusions(CaseBase):
    STATE_RULES: ClassVar[Mapping[str, StateCheck]] = {"decide_exclusion": _excludable}

    class ExclusionDecided(CaseBase.Event):
        ground: str  # an ExclusionGround: reg 8(1)(a)-(h)
        reason: str  # the reasons given for the decision

        def apply(self, case: Exclusions) -> None:
            ground = ExclusionGround(self.ground)
            case.status_before_close = case.status
            case.status = Status.CLOSED
            case.stopped_at = self.occurred_at
            case.records[EXCLUSION] = [
                {
                    "ground": self.ground,
                    "rule": GROUND_RULES[ground],
                    "reason": self.reason,
                    "decided_at": self.occurred_at,
                    "decided_by": self.actor.get("principal"),
                }
            ]

    def decide_exclusion(self, stamp: Stamp, *, ground: ExclusionGround, reason: str) -> None:
        """Record that the complaint is not to be dealt with under the Regulations (reg 8)."""
        self._check_stamp(stamp, command="decide an exclusion")
        self._require_state("decide_exclusion")
        reason = require_text(reason, "reason")
        if ground == ExclusionGround.ORAL_RESOLVED_BY_NEXT_WORKING_DAY:
            self._check_oral_resolution(stamp)
        self.trigger_event(
            self.ExclusionDecided, **envelope(stamp), ground=str(ground), reason=reason
        )

    def _check_oral_resolution(self, stamp: Stamp) -> None:
        rule = GROUND_RULES[ExclusionGround.ORAL_RESOLVED_BY_NEXT_WORKING_DAY]
        if self.channel not in ORAL_CHANNELS:
            raise InvalidValueError(
                f"reg 8(1)(c) is for complaints made orally; this one came by {self.channel}",
                field="ground",
                rule=rule,
            )
        made = clocks.uk_local_date(self.first_received_at)
        latest = clocks.add_working_days(clocks.calendar_for(self.regime), made, 1)
        if clocks.uk_local_date(stamp.occurred_at) > latest:
            raise InvalidValueError(
                f"reg 8(1)(c) needs the resolution by the next working day after the complaint "
                f"was made ({latest:%a %d %b %Y}); deal with it under the Regulations instead",
                field="occurred_at",
                rule=rule,
            )

    # ---- the clocks of an excluded complaint --------------------------------------------

    @property
    def exclusion(self) -> dict[str, Any] | None:
        entries = self.records.get(EXCLUSION)
        return entries[-1] if entries else None

    def clock_facts(self) -> clocks.ClockFacts:
        facts = super().clock_facts()
        if self.exclusion is None:
            return facts
        # The Regulations never applied: stopped from receipt, so no unmet deadline is missed.
        return replace(facts, stopped_at=facts.received_at)

    def deadlines(
        self, today: date, calendar: AdjustedCalendar | None = None
    ) -> tuple[clocks.Deadline, ...]:
        found = super().deadlines(today, calendar)
        exclusion = self.exclusion
        if exclusion is None:
            return found
        why = stop_reason(exclusion)
        return tuple(
            replace(d, explanation=f"{d.explanation} {why}")
            if d.status == clocks.DeadlineStatus.STOPPED
            else d
            for d in found
        )


def stop_reason(exclusion: Mapping[str, Any]) -> str:
    ground = ExclusionGround(exclusion["ground"])
    decided = clocks.uk_local_date(exclusion["decided_at"])
    return (
        f"Stopped: on {decided:%a %d %b %Y} the complaint was found not required to be dealt "
        f"with under the Regulations ({GROUND_RULES[ground]}: {GROUND_DESCRIPTIONS[ground]})."
    )
