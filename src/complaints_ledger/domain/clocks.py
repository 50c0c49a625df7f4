"""Statutory clocks: regimes, working-day calendars and deadlines derived from a case's facts.

Pure: deadlines are recomputed from the facts (events) and the calendar, never stored as state.
Statutory clocks never pause; only the internal (non-statutory) target does. See docs/regimes.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from functools import cached_property

from complaints_ledger.domain.calendars import (
    CALENDAR_DESCRIPTIONS,
    COUNTING_CONVENTION,
    COUNTING_CONVENTIONS,
    FIRST_COUNTING_CONVENTION,
    AdjustedCalendar,
    Calendar,
    CalendarLike,
    add_working_days,
    base_calendar,
    calendar_version,
    holidays_named,
    holidays_skipped,
    is_working_day,
    months_after,
    months_beginning_with,
    uk_local_date,
    working_days_between,
)
from complaints_ledger.domain.regime_rules import CALENDARS as _CALENDARS
from complaints_ledger.domain.regime_rules import EXTENSION_LIMITS as _EXTENSION_LIMITS
from complaints_ledger.domain.regime_rules import IF_LATE as _IF_LATE
from complaints_ledger.domain.regime_rules import LIMIT_RULES as _LIMIT_RULES
from complaints_ledger.domain.regime_rules import REGIME_NAMES
from complaints_ledger.domain.values import ExtendedDeadline, Kind, RegimeId

__all__ = [
    "COUNTING_CONVENTION",
    "COUNTING_CONVENTIONS",
    "NO_MATTER_DATE",
    "REGIME_NAMES",
    "Calendar",
    "ClockFacts",
]
__all__ += ["Deadline", "DeadlineStatus", "Extension", "Pause", "TimeLimitCheck"]
__all__ += ["add_working_days", "calendar_for", "deadlines", "extension_limit_working_days"]
__all__ += ["is_working_day", "months_after", "months_beginning_with", "response_due"]
__all__ += ["FIRST_COUNTING_CONVENTION", "time_limit", "uk_local_date", "working_days_between"]


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
_RECEIPT = "the day of receipt"
_S1, _S2 = ExtendedDeadline.RESPONSE, ExtendedDeadline.STAGE_2_RESPONSE


def calendar_for(regime: RegimeId) -> Calendar:
    return _CALENDARS[regime]


def _under(regime: RegimeId, rule: str) -> str:
    title = REGIME_NAMES[regime]
    return f"Under the {regime} regime, {rule}" + ("" if title in rule else f" ({title})")


def extension_limit_working_days(regime: RegimeId, deadline: ExtendedDeadline) -> int | None:
    """Extension (working days) allowed before a recorded good reason is needed; None: no limit."""
    return _EXTENSION_LIMITS.get((regime, deadline))


def _status(
    due: date, met_at: datetime | None, stopped_at: datetime | None, today: date
) -> DeadlineStatus:
    if met_at is not None:
        return DeadlineStatus.MET if uk_local_date(met_at) <= due else DeadlineStatus.MISSED
    if stopped_at is not None:
        return DeadlineStatus.MISSED if uk_local_date(stopped_at) > due else DeadlineStatus.STOPPED
    return DeadlineStatus.MISSED if today > due else DeadlineStatus.OPEN


@dataclass(frozen=True)
class _Step:
    """One clock: its deadline name, rule, what is due, length and the extensions that apply."""

    name: str
    rule: str
    what: str
    days: int
    extended_by: ExtendedDeadline | None = None


def _code_steps(code: str, stage_2_ack: str) -> tuple[_Step, _Step, _Step, _Step]:
    return (
        _Step("acknowledgement", f"{code} para 6.2", "acknowledgement", 5),
        _Step("response", f"{code} paras 6.3-6.4", "stage 1 response", 10, _S1),
        _Step("stage_2_acknowledgement", f"{code} {stage_2_ack}", "stage 2 acknowledgement", 5),
        _Step("stage_2_response", f"{code}, stage 2 response", "stage 2 response", 20, _S2),
    )


_SPSO_1 = "SPSO MCHP stage 1 (frontline response)"
_STEPS: dict[RegimeId, tuple[_Step, _Step, _Step, _Step]] = {
    RegimeId.LGSCO_CODE: _code_steps("LGSCO Complaint Handling Code", "stage 2"),
    RegimeId.HOUSING_OMBUDSMAN_CODE: _code_steps(
        "Housing Ombudsman Complaint Handling Code", "para 6.11"
    ),
    RegimeId.SPSO_MCHP: (
        _Step("acknowledgement", _SPSO_1, "acknowledgement", 5, _S1),
        _Step("response", _SPSO_1, "stage 1 decision", 5, _S1),
        _Step("stage_2_acknowledgement", "SPSO MCHP stage 2", "stage 2 acknowledgement", 3),
        _Step("stage_2_response", "SPSO MCHP stage 2 (investigation)", "stage 2 response", 20, _S2),
    ),
}
_WSI = "WSI 2014/1794"
_WALES = (
    _Step("acknowledgement", f"{_WSI} reg 15(2)", "acknowledgement", 2),
    _Step("response", f"{_WSI} reg 16(3)-(4)", "local resolution discussion", 10, _S1),
    _Step(
        "stage_2_response",
        f"{_WSI}, formal investigation",
        "formal investigation response",
        25,
        _S2,
    ),
)
_HSC = "HSC Complaints Procedure (NI)"
_NI = (
    _Step("acknowledgement", f"{_HSC}, acknowledgement", "acknowledgement", 2),
    _Step("response", f"{_HSC}, response", "response", 20, _S1),
)


@dataclass(frozen=True)
class _Clock:
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
        step: _Step,
        due: date,
        met_at: datetime | None,
        text: str,
        skipped: tuple[tuple[date, str], ...] = (),
    ) -> Deadline:
        due = max(due, self.receipt)  # a deadline is never before receipt
        status = _status(due, met_at, self.facts.stopped_at, self.today)
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

    def explain(self, step: _Step, days: int, start: date, counts_from: str, tail: str) -> str:
        if not self.explaining:
            return ""
        return (
            f"{_under(self.facts.regime, step.rule)}: the {step.what} is due {days} working days "
            f"after {counts_from} ({start:%a %d %b %Y}), using "
            f"{self.description} and the counting convention "
            f"uk-working-days/v1 (day 0 is {counts_from} and is not counted){tail}."
        )

    def working_days(
        self, step: _Step, start: date, counts_from: str, met_at: datetime | None, note: str = ""
    ) -> Deadline:
        extra, ext_text = self.extended(step.extended_by)
        days = step.days + extra
        due = add_working_days(self.calendar, start, days)
        skipped = self.skipped(start, due)
        text = self.explain(
            step, days, start, counts_from, ext_text + note + holidays_named(skipped)
        )
        return self.deadline(step, due, met_at, text, skipped)


def _england(clock: _Clock) -> list[Deadline]:
    facts, receipt = clock.facts, clock.receipt
    ack_step = _Step("acknowledgement", "SI 2009/309 reg 13(2)", "acknowledgement", 3)
    step = _Step("response", "SI 2009/309 reg 14", "response", 0)
    period_end, agreed = months_beginning_with(receipt, 6), facts.agreed_response_due
    if agreed is not None and agreed <= period_end:
        agreed = None  # an agreed date can only lengthen the statutory period
    note = (
        f"; extended to {agreed:%a %d %b %Y} by a longer period agreed with the complainant"
        if agreed
        else "; no longer period agreed"
    )
    text = (
        (
            f"{_under(facts.regime, step.rule)}: the response is due within 6 months "
            f"beginning with {_RECEIPT} ({receipt:%a %d %b %Y}), a period ending "
            f"{period_end:%a %d %b %Y} (calendar months, not working days, so "
            f"{clock.description} do not move it; convention "
            "uk-working-days/v1: the day before the corresponding date, or the last day of a "
            f"month without one){note}."
        )
        if clock.explaining
        else ""
    )
    return [
        clock.working_days(ack_step, receipt, _RECEIPT, facts.acknowledged_at),
        clock.deadline(step, agreed or period_end, facts.responded_at, text),
    ]


def _ack_then_respond(
    clock: _Clock, steps: tuple[_Step, _Step], start: date, counts_from: str, *, stage_2: bool
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


def _code_regime(clock: _Clock) -> list[Deadline]:
    """lgsco-code and housing-ombudsman-code: 5 / 10 (+10) and 5 / 20 (+20) working days."""
    ack, response, s2_ack, s2_response = _STEPS[clock.facts.regime]
    result = _ack_then_respond(clock, (ack, response), clock.receipt, _RECEIPT, stage_2=False)
    if clock.facts.stage_2_requested_at is not None:
        request = uk_local_date(clock.facts.stage_2_requested_at)
        counts_from = "the day of the escalation request"
        result += _ack_then_respond(
            clock, (s2_ack, s2_response), request, counts_from, stage_2=True
        )
    return result


def _spso(clock: _Clock) -> list[Deadline]:
    facts, receipt = clock.facts, clock.receipt
    ack, response, s2_ack, s2_response = _STEPS[RegimeId.SPSO_MCHP]
    why = (
        "; the model procedure sets no separate stage 1 acknowledgement, so it is due with the "
        "stage 1 decision and met by whichever comes first"
    )
    ack_met = min((m for m in (facts.acknowledged_at, facts.responded_at) if m), default=None)
    result = [
        clock.working_days(ack, receipt, _RECEIPT, ack_met, why),
        clock.working_days(response, receipt, _RECEIPT, facts.responded_at),
    ]
    if facts.stage_2_requested_at is None:
        return result
    request = uk_local_date(facts.stage_2_requested_at)
    counts_from = "the day of the stage 2 request"
    return [
        *result,
        clock.working_days(s2_ack, request, counts_from, facts.stage_2_acknowledged_at),
        clock.working_days(s2_response, request, counts_from, facts.stage_2_responded_at),
    ]


def _wales(clock: _Clock) -> list[Deadline]:
    """Wales 2014: acknowledge in 2 WD; discuss within 10 WD of it; formal investigation 25 WD."""
    ack, discussion, investigation = _WALES
    result = _ack_then_respond(clock, (ack, discussion), clock.receipt, _RECEIPT, stage_2=False)
    requested = clock.facts.stage_2_requested_at
    if requested is None:
        return result
    met_at, counts_from = clock.facts.stage_2_responded_at, "the day of the request"
    return [
        *result,
        clock.working_days(investigation, uk_local_date(requested), counts_from, met_at),
    ]


def _northern_ireland(clock: _Clock) -> list[Deadline]:
    """HSC (NI): acknowledge within 2 and respond within 20 working days of receipt."""
    facts, (ack, response) = clock.facts, _NI
    return [
        clock.working_days(ack, clock.receipt, _RECEIPT, facts.acknowledged_at),
        clock.working_days(response, clock.receipt, _RECEIPT, facts.responded_at),
    ]


def _paused_days(clock: _Clock) -> frozenset[date]:
    """Working days inside the target's pauses: start < d <= end. A pause still open runs to
    the response, the case stopping, or today, whichever comes first."""
    days: set[date] = set()
    ends = [m for m in (clock.facts.responded_at, clock.facts.stopped_at) if m is not None]
    open_until = min(ends) if ends else None
    open_end = uk_local_date(open_until) if open_until is not None else clock.today
    for pause in clock.facts.target_pauses:
        start = uk_local_date(pause.started_at)
        end = uk_local_date(pause.ended_at) if pause.ended_at is not None else open_end
        count = working_days_between(clock.calendar, start, end)
        days.update(add_working_days(clock.calendar, start, i) for i in range(1, count + 1))
    return frozenset(days)


def _internal_target(clock: _Clock, target: int) -> Deadline:
    """Non-statutory target: `target` working days after receipt, not counting paused days."""
    paused, due, counted, skipped = _paused_days(clock), clock.receipt, 0, 0
    while counted < target:
        due = add_working_days(clock.calendar, due, 1)
        skipped, counted = (skipped + 1, counted) if due in paused else (skipped, counted + 1)
    step = _Step("internal_response_target", INTERNAL_TARGET_RULE, "internal target", target)
    note = (
        f"; it is not statutory, so it pauses: {skipped} paused working days (from "
        f"{len(clock.facts.target_pauses)} recorded pause(s)) added; statutory ones never pause"
    )
    holidays = clock.skipped(clock.receipt, due)
    text = clock.explain(step, target, clock.receipt, _RECEIPT, note + holidays_named(holidays))
    return clock.deadline(step, due, clock.facts.responded_at, text, holidays)


_REGIME_CLOCKS = {
    RegimeId.SPSO_MCHP: _spso,
    RegimeId.WALES_2014: _wales,
    RegimeId.NI_HSC: _northern_ireland,
}


def deadlines(
    facts: ClockFacts,
    today: date,
    *,
    explain: bool = True,
    calendar: AdjustedCalendar | None = None,
) -> tuple[Deadline, ...]:
    """Every deadline of a case; compliments have none, concerns only the internal target.

    `explain=False` leaves each explanation empty, for callers that need only dates and statuses.
    `calendar` is the regime's calendar in force (with its adjustments); None: the package's.
    """
    if facts.kind == Kind.COMPLIMENT:
        return ()
    if calendar is not None and calendar.calendar != calendar_for(facts.regime):
        raise ValueError(f"the {facts.regime} regime counts with {calendar_for(facts.regime)}")
    clock, result = _Clock(facts, today, explaining=explain, in_force=calendar), []
    if facts.kind == Kind.COMPLAINT:
        if facts.regime == RegimeId.ENGLAND_2009:
            result = _england(clock)
        elif facts.regime in _REGIME_CLOCKS:
            result = _REGIME_CLOCKS[facts.regime](clock)
        else:
            result = _code_regime(clock)
    if facts.internal_target_working_days is not None:
        result.append(_internal_target(clock, facts.internal_target_working_days))
    return tuple(result)


def response_due(facts: ClockFacts, today: date) -> date | None:
    """Due date of the current stage's statutory response (None when there is none)."""
    found = {d.name: d.due for d in deadlines(facts, today) if d.statutory}
    return found.get("stage_2_response", found.get("response"))


def time_limit(facts: ClockFacts) -> TimeLimitCheck:
    """Whether the complaint was made in time under the regime's time limit."""
    regime = facts.regime
    blocking = regime == RegimeId.ENGLAND_2009
    known = [d for d in (facts.matter_occurred_on, facts.matter_noticed_on) if d is not None]
    if not known:
        return TimeLimitCheck(
            in_time=True, limit=None, blocking=blocking, explanation=NO_MATTER_DATE
        )
    later, received = max(known), uk_local_date(facts.first_received_at or facts.received_at)
    limit = (
        months_after(later, 6 if regime == RegimeId.SPSO_MCHP else 12)
        if regime in {RegimeId.ENGLAND_2009, RegimeId.SPSO_MCHP}
        else months_beginning_with(later, 12)
    )
    in_time, rule, late = received <= limit, _LIMIT_RULES[regime], _IF_LATE[regime]
    explanation = (
        f"{_under(regime, rule)}; counted from {later:%d %b %Y} (the later of the "
        f"matter and its notice) the last day in time is {limit:%a %d %b %Y}, and the complaint "
        f"was received {received:%a %d %b %Y}: {'in time' if in_time else 'late, so ' + late}."
    )
    return TimeLimitCheck(in_time=in_time, limit=limit, blocking=blocking, explanation=explanation)
