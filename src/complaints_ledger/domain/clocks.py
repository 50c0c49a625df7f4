"""Statutory clocks: regimes, working-day calendars and deadlines derived from a case's facts.

Pure: deadlines are recomputed from the facts (events) and the calendar, never stored as state.
Statutory clocks never pause; only the internal (non-statutory) target does. See docs/regimes.md.
"""

from __future__ import annotations

from datetime import date

from complaints_ledger.domain.calendars import (
    COUNTING_CONVENTION,
    COUNTING_CONVENTIONS,
    FIRST_COUNTING_CONVENTION,
    AdjustedCalendar,
    Calendar,
    add_working_days,
    holidays_named,
    is_working_day,
    months_after,
    months_beginning_with,
    uk_local_date,
    working_days_between,
)
from complaints_ledger.domain.clock_model import (
    INTERNAL_TARGET_RULE,
    NO_MATTER_DATE,
    RECEIPT,
    S1,
    S2,
    Clock,
    ClockFacts,
    Deadline,
    DeadlineStatus,
    Extension,
    Pause,
    Step,
    TimeLimitCheck,
    ack_then_respond,
    calendar_for,
    extension_limit_working_days,
    under,
)
from complaints_ledger.domain.devolved_clocks import northern_ireland, wales
from complaints_ledger.domain.regime_rules import IF_LATE as _IF_LATE
from complaints_ledger.domain.regime_rules import LIMIT_RULES as _LIMIT_RULES
from complaints_ledger.domain.regime_rules import REGIME_NAMES
from complaints_ledger.domain.values import Kind, RegimeId

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
__all__ += ["INTERNAL_TARGET_RULE"]


def _code_steps(code: str, stage_2_ack: str) -> tuple[Step, Step, Step, Step]:
    return (
        Step("acknowledgement", f"{code} para 6.2", "acknowledgement", 5),
        Step("response", f"{code} paras 6.3-6.4", "stage 1 response", 10, S1),
        Step("stage_2_acknowledgement", f"{code} {stage_2_ack}", "stage 2 acknowledgement", 5),
        Step("stage_2_response", f"{code}, stage 2 response", "stage 2 response", 20, S2),
    )


_SPSO_1 = "SPSO MCHP stage 1 (frontline response)"
_STEPS: dict[RegimeId, tuple[Step, Step, Step, Step]] = {
    RegimeId.LGSCO_CODE: _code_steps("LGSCO Complaint Handling Code", "stage 2"),
    RegimeId.HOUSING_OMBUDSMAN_CODE: _code_steps(
        "Housing Ombudsman Complaint Handling Code", "para 6.11"
    ),
    RegimeId.SPSO_MCHP: (
        Step("acknowledgement", _SPSO_1, "acknowledgement", 5, S1),
        Step("response", _SPSO_1, "stage 1 decision", 5, S1),
        Step("stage_2_acknowledgement", "SPSO MCHP stage 2", "stage 2 acknowledgement", 3),
        Step("stage_2_response", "SPSO MCHP stage 2 (investigation)", "stage 2 response", 20, S2),
    ),
}


def _england(clock: Clock) -> list[Deadline]:
    facts, receipt = clock.facts, clock.receipt
    ack_step = Step("acknowledgement", "SI 2009/309 reg 13(2)", "acknowledgement", 3)
    step = Step("response", "SI 2009/309 reg 14", "response", 0)
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
            f"{under(facts.regime, step.rule)}: the response is due within 6 months "
            f"beginning with {RECEIPT} ({receipt:%a %d %b %Y}), a period ending "
            f"{period_end:%a %d %b %Y} (calendar months, not working days, so "
            f"{clock.description} do not move it; convention "
            "uk-working-days/v1: the day before the corresponding date, or the last day of a "
            f"month without one){note}."
        )
        if clock.explaining
        else ""
    )
    return [
        clock.working_days(ack_step, receipt, RECEIPT, facts.acknowledged_at),
        clock.deadline(step, agreed or period_end, facts.responded_at, text),
    ]


def _code_regime(clock: Clock) -> list[Deadline]:
    """lgsco-code and housing-ombudsman-code: 5 / 10 (+10) and 5 / 20 (+20) working days."""
    ack, response, s2_ack, s2_response = _STEPS[clock.facts.regime]
    result = ack_then_respond(clock, (ack, response), clock.receipt, RECEIPT, stage_2=False)
    if clock.facts.stage_2_requested_at is not None:
        request = uk_local_date(clock.facts.stage_2_requested_at)
        counts_from = "the day of the escalation request"
        result += ack_then_respond(clock, (s2_ack, s2_response), request, counts_from, stage_2=True)
    return result


def _spso(clock: Clock) -> list[Deadline]:
    facts, receipt = clock.facts, clock.receipt
    ack, response, s2_ack, s2_response = _STEPS[RegimeId.SPSO_MCHP]
    why = (
        "; the model procedure sets no separate stage 1 acknowledgement, so it is due with the "
        "stage 1 decision and met by whichever comes first"
    )
    ack_met = min((m for m in (facts.acknowledged_at, facts.responded_at) if m), default=None)
    result = [
        clock.working_days(ack, receipt, RECEIPT, ack_met, why),
        clock.working_days(response, receipt, RECEIPT, facts.responded_at),
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


def _paused_days(clock: Clock) -> frozenset[date]:
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


def _internal_target(clock: Clock, target: int) -> Deadline:
    """Non-statutory target: `target` working days after receipt, not counting paused days."""
    paused, due, counted, skipped = _paused_days(clock), clock.receipt, 0, 0
    while counted < target:
        due = add_working_days(clock.calendar, due, 1)
        skipped, counted = (skipped + 1, counted) if due in paused else (skipped, counted + 1)
    step = Step("internal_response_target", INTERNAL_TARGET_RULE, "internal target", target)
    note = (
        f"; it is not statutory, so it pauses: {skipped} paused working days (from "
        f"{len(clock.facts.target_pauses)} recorded pause(s)) added; statutory ones never pause"
    )
    holidays = clock.skipped(clock.receipt, due)
    text = clock.explain(step, target, clock.receipt, RECEIPT, note + holidays_named(holidays))
    return clock.deadline(step, due, clock.facts.responded_at, text, holidays)


_REGIME_CLOCKS = {
    RegimeId.SPSO_MCHP: _spso,
    RegimeId.WALES_2014: wales,
    RegimeId.NI_HSC: northern_ireland,
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
    clock, result = Clock(facts, today, explaining=explain, in_force=calendar), []
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
        f"{under(regime, rule)}; counted from {later:%d %b %Y} (the later of the "
        f"matter and its notice) the last day in time is {limit:%a %d %b %Y}, and the complaint "
        f"was received {received:%a %d %b %Y}: {'in time' if in_time else 'late, so ' + late}."
    )
    return TimeLimitCheck(in_time=in_time, limit=limit, blocking=blocking, explanation=explanation)
