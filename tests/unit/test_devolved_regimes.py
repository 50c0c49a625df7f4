"""Wales (WSI 2014/1794) and Northern Ireland (HSC procedure): deadlines on real dates with each
nation's bank holidays, and extensions that need the complainant's agreement."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from complaints_ledger.domain.clocks import (
    Calendar,
    ClockFacts,
    Deadline,
    DeadlineStatus,
    Extension,
    calendar_for,
    deadlines,
    time_limit,
)
from complaints_ledger.domain.errors import InvalidValueError, RuleViolationError
from complaints_ledger.domain.jurisdiction import ombudsmen_for
from complaints_ledger.domain.values import (
    EscalationRoute,
    ExtendedDeadline,
    Kind,
    Ombudsman,
    RegimeId,
)
from tests.builders import day, investigating, received, respond, stamp

WALES, NI = RegimeId.WALES_2014, RegimeId.NI_HSC


def at(year: int, month: int, day_: int) -> datetime:
    return datetime(year, month, day_, 10, tzinfo=UTC)


def found(regime: RegimeId, received_at: datetime, **changes: object) -> dict[str, Deadline]:
    base = ClockFacts(regime=regime, kind=Kind.COMPLAINT, received_at=received_at)
    facts = replace(base, **changes)  # type: ignore[arg-type]
    return {d.name: d for d in deadlines(facts, date(2026, 1, 1))}


def test_each_regime_counts_on_its_own_nations_calendar() -> None:
    assert calendar_for(WALES) == Calendar.WALES
    assert calendar_for(NI) == Calendar.NORTHERN_IRELAND
    assert ombudsmen_for(WALES) == {Ombudsman.PSOW}
    assert ombudsmen_for(NI) == {Ombudsman.NIPSO}


def test_wales_acknowledges_within_2_working_days_over_christmas() -> None:
    # Wed 23 Dec 2026: Thu 24 counts; Fri 25, the weekend and Mon 28 (Boxing Day substitute) do not
    deadline = found(WALES, at(2026, 12, 23))["acknowledgement"]
    assert deadline.due == date(2026, 12, 29)
    assert deadline.rule == "WSI 2014/1794 reg 15(2)"
    assert "Wales" in deadline.explanation


def test_wales_local_resolution_discussion_within_10_working_days_of_acknowledgement() -> None:
    provisional = found(WALES, at(2026, 12, 23))["response"]
    assert provisional.due == date(2027, 1, 13)  # 10 WD after the acknowledgement due date
    assert "provisional" in provisional.explanation
    acked = found(WALES, at(2026, 12, 23), acknowledged_at=at(2026, 12, 24))["response"]
    assert acked.due == date(2027, 1, 12)  # 10 WD after Thu 24 Dec: not 25, 28 Dec or 1 Jan
    assert acked.rule == "WSI 2014/1794 reg 16(3)-(4)"


def test_wales_formal_investigation_25_working_days_from_the_request_over_easter() -> None:
    # Fri 26 Mar 2027 (Good Friday): Easter Monday 29 Mar and 3 May are not working days
    deadlines_ = found(WALES, at(2027, 1, 4), stage_2_requested_at=at(2027, 3, 26))
    assert deadlines_["stage_2_response"].due == date(2027, 5, 4)
    assert "stage_2_acknowledgement" not in deadlines_  # none set by the regulations


def test_northern_ireland_skips_st_patricks_day() -> None:
    # Mon 16 Mar 2026; Tue 17 Mar is St Patrick's Day in Northern Ireland only
    deadlines_ = found(NI, at(2026, 3, 16))
    assert deadlines_["acknowledgement"].due == date(2026, 3, 19)
    assert deadlines_["response"].due == date(2026, 4, 16)  # 20 WD; Easter 3 and 6 Apr skipped
    england = found(RegimeId.ENGLAND_2009, at(2026, 3, 16))["acknowledgement"]
    assert england.due == date(2026, 3, 19)  # 3 WD in England land on the same day


def test_northern_ireland_skips_the_twelfth_substitute_day() -> None:
    # Fri 10 Jul 2026: 12 July is a Sunday, so Mon 13 July is the holiday
    deadlines_ = found(NI, at(2026, 7, 10))
    assert deadlines_["acknowledgement"].due == date(2026, 7, 15)  # England: Tue 14
    assert deadlines_["response"].due == date(2026, 8, 10)  # England: Fri 7 Aug
    assert deadlines_["response"].rule == "HSC Complaints Procedure (NI), response"


def test_northern_ireland_response_counts_agreed_extensions() -> None:
    extension = Extension(
        ExtendedDeadline.RESPONSE, 5, at(2026, 7, 20), "complex", complainant_consent=True
    )
    response = found(NI, at(2026, 7, 10), extensions=(extension,))["response"]
    assert response.due == date(2026, 8, 17)
    assert response.status == DeadlineStatus.OPEN


def test_time_limits_are_warnings_in_both() -> None:
    for regime in (WALES, NI):
        base = ClockFacts(regime=regime, kind=Kind.COMPLAINT, received_at=at(2026, 6, 1))
        check = time_limit(replace(base, matter_occurred_on=date(2025, 1, 10)))
        assert not check.in_time
        assert not check.blocking
        assert "not verified" in check.explanation


# --------------------------------------------------------------------------- extension consent


def _extend(regime: RegimeId, consent: bool) -> None:
    case = investigating(regime=regime)
    case.extend_deadline(
        stamp(day(5)),
        deadline=ExtendedDeadline.RESPONSE,
        working_days=5,
        reason="exceptional: the social worker is on leave",
        complainant_consent=consent,
    )


@pytest.mark.parametrize("regime", [WALES, NI])
def test_an_extension_without_the_complainants_agreement_is_refused(regime: RegimeId) -> None:
    with pytest.raises(InvalidValueError) as caught:
        _extend(regime, consent=False)
    assert caught.value.field == "complainant_consent"
    _extend(regime, consent=True)


def test_an_lgsco_extension_needs_no_consent() -> None:
    _extend(RegimeId.LGSCO_CODE, consent=False)


def test_wales_formal_investigation_extension_needs_agreement() -> None:
    case = investigating(regime=WALES)
    respond(case, day(6))
    case.escalate(stamp(day(8)), route=EscalationRoute.STAGE_2, reason="unresolved")
    with pytest.raises(InvalidValueError) as caught:
        case.extend_deadline(
            stamp(day(9)),
            deadline=ExtendedDeadline.STAGE_2_RESPONSE,
            working_days=10,
            reason="the independent investigator needs longer",
            complainant_consent=False,
        )
    assert caught.value.field == "complainant_consent"


def test_northern_ireland_has_a_single_local_stage() -> None:
    case = investigating(regime=NI)
    respond(case, day(6))
    with pytest.raises(RuleViolationError) as caught:
        case.escalate(stamp(day(8)), route=EscalationRoute.STAGE_2, reason="unresolved")
    assert caught.value.field == "route"


def test_a_welsh_case_received_by_the_aggregate_runs_the_welsh_clocks() -> None:
    case = received(regime=WALES)
    acknowledgement = case.deadlines(date(2026, 6, 1))[0]
    assert (acknowledgement.rule, acknowledgement.due) == (
        "WSI 2014/1794 reg 15(2)",
        date(2026, 6, 3),
    )
