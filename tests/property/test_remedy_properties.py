"""Ombudsman remedies, for any decision and any sequence of compliance records: a remedy is
overdue exactly when its due date has passed and nothing was recorded for it; `complied` is never
after the due date and `late` never by it; a remedy complied with takes no further record; and
every refused attempt stores nothing."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from complaints_ledger.application.outcome_view import remedy_views
from complaints_ledger.domain.complaint import Complaint
from complaints_ledger.domain.errors import LedgerError
from complaints_ledger.domain.outcomes import DONE, RequestedRemedy
from complaints_ledger.domain.values import (
    EscalationRoute,
    Ombudsman,
    OmbudsmanDecision,
    RegimeId,
    Remedy,
    RemedyOutcome,
)
from tests.builders import day, received, stamp

DECIDED_DAY = 30
DECIDED_ON = day(DECIDED_DAY).date()

due_offsets = st.lists(st.integers(min_value=0, max_value=60), min_size=1, max_size=4)
attempts = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=3),  # which remedy (index, may not exist)
        st.sampled_from(list(RemedyOutcome)),
        st.integers(min_value=1, max_value=120),  # days after the decision it is recorded
    ),
    max_size=8,
)


def decided(offsets: list[int]) -> Complaint:
    case = received(regime=RegimeId.ENGLAND_2009)
    case.escalate(stamp(day(10)), route=EscalationRoute.OMBUDSMAN, reason="r", body=Ombudsman.LGSCO)
    case.record_ombudsman_outcome(
        stamp(day(DECIDED_DAY)),
        body=Ombudsman.LGSCO,
        decision=OmbudsmanDecision.UPHELD_FAULT_INJUSTICE,
        finding="Fault",
        remedies=tuple(
            RequestedRemedy(Remedy.APOLOGY, f"remedy {n}", DECIDED_ON + timedelta(days=offset))
            for n, offset in enumerate(offsets)
        ),
    )
    case.collect_events()
    return case


@given(offsets=due_offsets, tries=attempts, today_offset=st.integers(min_value=0, max_value=200))
def test_overdue_is_due_date_past_and_nothing_recorded(
    offsets: list[int], tries: list[tuple[int, RemedyOutcome, int]], today_offset: int
) -> None:
    case = decided(offsets)
    for index, outcome, after in sorted(tries, key=lambda t: t[2]):
        before = case.version
        try:
            case.record_remedy_compliance(
                stamp(day(DECIDED_DAY + after)),
                remedy_id=f"R{index + 1}",
                outcome=outcome,
                evidence="evidence",
            )
            assert len(case.collect_events()) == 1
        except LedgerError:
            assert case.collect_events() == []
            assert case.version == before
    today = DECIDED_ON + timedelta(days=today_offset)
    for view in remedy_views(case, today):
        records = view["compliance"]
        due = date.fromisoformat(view["due_on"])
        assert (view["status"] == "overdue") == (not records and due < today)
        for record in records:
            if record["outcome"] == RemedyOutcome.COMPLIED:
                assert date.fromisoformat(record["complied_on"]) <= due
            if record["outcome"] == RemedyOutcome.LATE:
                assert date.fromisoformat(record["complied_on"]) > due
        done_at = [i for i, r in enumerate(records) if r["outcome"] in DONE]
        assert not done_at or done_at[0] == len(records) - 1, "nothing after compliance"
