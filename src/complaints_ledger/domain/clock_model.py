"""The parts every regime's clocks are built from: the facts counted from, a deadline and its
status, one clock step, and one computation of a case's deadlines (`Clock`).

Pure, like clocks.py, which assembles each regime's deadlines from these.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from functools import cached_property

from complaints_ledger.domain.calendars import (
    CALENDAR_DESCRIPTIONS,
    AdjustedCalendar,
    Calendar,
    CalendarLike,
    add_working_days,
    base_calendar,
    calendar_version,
    holidays_named,
    holidays_skipped,
    uk_local_date,
)
from complaints_ledger.domain.regime_rules import CALENDARS as _CALENDARS
from complaints_ledger.domain.regime_rules import EXTENSION_LIMITS as _EXTENSION_LIMITS
from complaints_ledger.domain.regime_rules import REGIME_NAMES
from complaints_ledger.domain.values import ExtendedDeadline, Kind, RegimeId


class DeadlineStatus(StrEnum):
    OPEN = "open"
    MET = "met"
    MISSED = "missed"
    STOPPED = "stopped"  # the case was withdrawn or closed before the deadline was met


@dataclass(frozen=True)
class Extension:
    deadline: ExtendedDeadline
    working_days: int
    granted_at: datetime
    reason: str
    complainant_consent: bool


@dataclass(frozen=True)
class Pause:
    """A pause of the internal (non-statutory) target, e.g. awaiting the complainant."""

    started_at: datetime
    ended_at: datetime | None


@dataclass(frozen=True)
class ClockFacts:
    """Everything the clocks count from. All datetimes are timezone-aware."""

    regime: RegimeId
    kind: Kind
    # receipt by the organisation dealing with it (its own receipt after a referral)
    received_at: datetime
    acknowledged_at: datetime | None = None
    agreed_response_due: date | None = None  # england-2009: longer period agreed before expiry
    responded_at: datetime | None = None  # stage 1 response
    extensions: tuple[Extension, ...] = ()
    stage_2_requested_at: datetime | None = None
    stage_2_acknowledged_at: datetime | None = None
    stage_2_responded_at: datetime | None = None
    stopped_at: datetime | None = None  # withdrawn or closed: open deadlines stop
    matter_occurred_on: date | None = None
    matter_noticed_on: date | None = None
    internal_target_working_days: int | None = 20
    target_pauses: tuple[Pause, ...] = field(default=())
    # When the complaint was first made, to whichever organisation: time limits count to it.
    first_received_at: datetime | None = None
    # wales-2014 reg 16: the first local resolution discussion by the organisation dealing with
    # it, and the one that resolved the matter (its written terms are then due: reg 16(5))
    local_resolution_discussed_at: datetime | None = None
    local_resolution_resolved_at: datetime | None = None


@dataclass(frozen=True)
class Deadline:
    # "acknowledgement", "response", "stage_2_acknowledgement", "stage_2_response",
    # "internal_response_target"
    name: str
    due: date
    status: DeadlineStatus
    met_at: datetime | None
    statutory: bool
    rule: str  # e.g. "SI 2009/309 reg 13(2)"
    explanation: str  # regime, rule, calendar, counting convention, and what it counts from
    calendar_version: str = ""  # the working-day calendar it was counted with (calendars.py)
    # the bank holidays (weekdays) it skipped: (day, name); none for calendar-month periods
    holidays_skipped: tuple[tuple[date, str], ...] = ()


@dataclass(frozen=True)
class TimeLimitCheck:
    in_time: bool
    limit: date | None  # last day on which the complaint was in time
    # True when the regime forbids handling a late complaint without acceptance (reg 12)
    blocking: bool
    explanation: str


NO_MATTER_DATE = "no matter date recorded"
INTERNAL_TARGET_RULE = "internal service target (non-statutory)"
RECEIPT = "the day of receipt"
S1, S2 = ExtendedDeadline.RESPONSE, ExtendedDeadline.STAGE_2_RESPONSE


def calendar_for(regime: RegimeId) -> Calendar:
    return _CALENDARS[regime]


def under(regime: RegimeId, rule: str) -> str:
    title = REGIME_NAMES[regime]
    return f"Under the {regime} regime, {rule}" + ("" if title in rule else f" ({title})")


def extension_limit_working_days(regime: RegimeId, deadline: ExtendedDeadline) -> int | None:
    """Extension (working days) allowed before a recorded good reason is needed; None: no limit."""
    return _EXTENSION_LIMITS.get((regime, deadline))


def deadline_status(
    due: date, met_at: datetime | None, stopped_at: datetime | None, today: date
) -> DeadlineStatus:
    if met_at is not None:
        return DeadlineStatus.MET if uk_local_date(met_at) <= due else DeadlineStatus.MISSED
    if stopped_at is not None:
        return DeadlineStatus.MISSED if uk_local_date(stopped_at) > due else DeadlineStatus.STOPPED
    return DeadlineStatus.MISSED if today > due else DeadlineStatus.OPEN


@dataclass(frozen=True)
class Step:
    """One clock: its deadline name, rule, what is due, length and the extensions that apply."""

    name: str
    rule: str
    what: str
    days: int
    extended_by: ExtendedDeadline | None = None


@dataclass(frozen=True)
class Clock:
    """One computation of a case's deadlines: the facts and today."""

    facts: ClockFacts
    today: date
    explaining: bool = True  # False: leave explanations empty (a read model storing due dates)
    in_force: AdjustedCalendar | None = None  # None: the package's calendar, unadjusted

    @cached_property
    def calendar(self) -> CalendarLike:
        return self.in_force or calendar_for(self.facts.regime)

    @cached_property
    def version(self) -> str:
        if self.in_force is not None:
            return self.in_force.version
        return calendar_version(calendar_for(self.facts.regime), 0)

    @cached_property
    def description(self) -> str:
        return f"{CALENDAR_DESCRIPTIONS[base_calendar(self.calendar)]}, version {self.version}"

    @cached_property
    def receipt(self) -> date:
        return uk_local_date(self.facts.received_at)

    def deadline(
        self,
        step: Step,
        due: date,
        met_at: datetime | None,
        text: str,
        skipped: tuple[tuple[date, str], ...] = (),
    ) -> Deadline:
        due = max(due, self.receipt)  # a deadline is never before receipt
        status = deadline_status(due, met_at, self.facts.stopped_at, self.today)
        statutory = step.rule != INTERNAL_TARGET_RULE
        return Deadline(
            step.name, due, status, met_at, statutory, step.rule, text, self.version, skipped
        )

    def skipped(self, start: date, due: date) -> tuple[tuple[date, str], ...]:
        return tuple(holidays_skipped(self.calendar, start, due)) if self.explaining else ()

    def extended(self, which: ExtendedDeadline | None) -> tuple[int, str]:
        granted = [e for e in self.facts.extensions if which is not None and e.deadline == which]
        if which is None or not granted:
            return 0, "; no extensions applied"
        total = sum(e.working_days for e in granted)
        text = f"; including {total} working days of extensions ({len(granted)} granted)"
        limit = extension_limit_working_days(self.facts.regime, which)
        if limit is not None and total > limit:
            text += f", more than the {limit}-working-day limit: a recorded good reason is needed"
        return total, text

    def explain(self, step: Step, days: int, start: date, counts_from: str, tail: str) -> str:
        if not self.explaining:
            return ""
        return (
            f"{under(self.facts.regime, step.rule)}: the {step.what} is due {days} working days "
            f"after {counts_from} ({start:%a %d %b %Y}), using "
            f"{self.description} and the counting convention "
            f"uk-working-days/v1 (day 0 is {counts_from} and is not counted){tail}."
        )

    def working_days(
        self, step: Step, start: date, counts_from: str, met_at: datetime | None, note: str = ""
    ) -> Deadline:
        extra, ext_text = self.extended(step.extended_by)
        days = step.days + extra
        due = add_working_days(self.calendar, start, days)
        skipped = self.skipped(start, due)
        text = self.explain(
            step, days, start, counts_from, ext_text + note + holidays_named(skipped)
        )
        return self.deadline(step, due, met_at, text, skipped)


def ack_then_respond(
    clock: Clock, steps: tuple[Step, Step], start: date, counts_from: str, *, stage_2: bool
) -> list[Deadline]:
    """An acknowledgement, then a response counted from it (from its due date until it happens)."""
    facts = clock.facts
    acked, responded = (
        (facts.stage_2_acknowledged_at, facts.stage_2_responded_at)
        if stage_2
        else (facts.acknowledged_at, facts.responded_at)
    )
    ack_step, response_step = steps
    ack = clock.working_days(ack_step, start, counts_from, acked)
    if acked is not None:
        base, base_from, note = uk_local_date(acked), f"the day of {ack_step.what}", ""
    else:
        base, base_from = ack.due, f"the {ack_step.what} due date"
        note = f"; provisional: counted from the {ack_step.what} due date until it happens"
    return [ack, clock.working_days(response_step, base, base_from, responded, note)]
