"""Property: once a complaint is excluded under reg 8, its clocks stay stopped: on any later day,
no deadline that was not met is open or missed, and reopening lets them run again."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from complaints_ledger.domain.clocks import DeadlineStatus
from complaints_ledger.domain.exclusions import ExclusionGround
from complaints_ledger.domain.values import Channel
from tests.builders import day, received, stamp

GROUNDS = [g for g in ExclusionGround if g != ExclusionGround.ORAL_RESOLVED_BY_NEXT_WORKING_DAY]


@settings(max_examples=60, deadline=None)
@given(
    ground=st.sampled_from(GROUNDS),
    acknowledge=st.booleans(),
    decided_after=st.integers(min_value=1, max_value=40),
    judged_after=st.integers(min_value=0, max_value=800),
)
def test_no_deadline_is_ever_overdue_after_an_exclusion(
    ground: ExclusionGround, acknowledge: bool, decided_after: int, judged_after: int
) -> None:
    case = received(channel=Channel.PHONE)
    if acknowledge:
        case.acknowledge(stamp(day(1)))
    case.decide_exclusion(stamp(day(decided_after)), ground=ground, reason="previously dealt with")
    today = date(2026, 6, 1) + timedelta(days=decided_after + judged_after)
    for deadline in case.deadlines(today):
        if deadline.met_at is None:
            assert deadline.status == DeadlineStatus.STOPPED, deadline
            assert "reg 8(1)" in deadline.explanation
    case.reopen(stamp(day(decided_after + 1)), reason="the earlier complaint was different")
    assert case.exclusion is None
    assert DeadlineStatus.STOPPED not in {d.status for d in case.deadlines(today)}
