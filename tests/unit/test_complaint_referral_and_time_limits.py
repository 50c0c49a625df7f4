"""'No wrong door' referrals and the reg 12 time limit for late complaints.

Pure domain: no store. Stamps are built directly with explicit recorded_at and occurred_at.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from complaints_ledger.domain.clocks import DeadlineStatus
from complaints_ledger.domain.complaint import Complaint
from complaints_ledger.domain.errors import InvalidValueError, RuleViolationError
from complaints_ledger.domain.values import (
    Actor,
    Channel,
    EscalationRoute,
    RegimeId,
    Role,
    Status,
)
from tests import builders
from tests.builders import COUNCIL, OFFICER, PROVIDER, T0, respond, stamp

AT_PROVIDER = Actor("p.ward", PROVIDER)
AT_COUNCIL = OFFICER
ELSEWHERE = Actor("x.lee", "Southshire Council", Role.MANAGER)


def received(when: datetime = T0, actor: Actor = AT_COUNCIL, **changes: object) -> Complaint:
    """A complaint about a home care provider, taken by phone unless changed."""
    return builders.received(when, actor, **{"channel": Channel.PHONE, **changes})


# --------------------------------------------------------------------------- referral

MON_18_MAY = datetime(2026, 5, 18, 11, tzinfo=UTC)
TUE_19_MAY = datetime(2026, 5, 19, 11, tzinfo=UTC)
FRI_22_MAY = datetime(2026, 5, 22, 11, tzinfo=UTC)


def referred_to_council() -> Complaint:
    """Council-commissioned care: the provider passes the complaint to the council."""
    case = received(MON_18_MAY, AT_PROVIDER, receiving_organisation=PROVIDER)
    case.refer(
        stamp(TUE_19_MAY, actor=AT_PROVIDER),
        to_organisation=COUNCIL,
        reason="council-commissioned care: the complaint is against the council",
        consent_to_share=True,
    )
    case.collect_events()
    return case


def test_refer_records_from_to_reason_and_consent() -> None:
    case = received(MON_18_MAY, AT_PROVIDER, receiving_organisation=PROVIDER)
    case.refer(
        stamp(TUE_19_MAY, actor=AT_PROVIDER),
        to_organisation=f"  {COUNCIL} ",
        reason="council-commissioned care",
        consent_to_share=True,
    )
    (event,) = case.collect_events()
    assert isinstance(event, Complaint.Referred)
    assert event.from_organisation == PROVIDER
    assert event.to_organisation == COUNCIL
    assert event.reason == "council-commissioned care"
    assert event.consent_to_share is True
    assert case.status == Status.REFERRED
    assert case.pending_referral is not None
    assert case.pending_referral["to"] == COUNCIL
    assert case.handling_organisation == PROVIDER  # until the council accepts it
    assert case.records["referrals"] == [{"to": COUNCIL, "at": TUE_19_MAY}]


def test_a_referral_needs_consent_to_share() -> None:
    case = received(MON_18_MAY, AT_PROVIDER, receiving_organisation=PROVIDER)
    with pytest.raises(RuleViolationError) as caught:
        case.refer(
            stamp(TUE_19_MAY, actor=AT_PROVIDER),
            to_organisation=COUNCIL,
            reason="council-commissioned care",
            consent_to_share=False,
        )
    assert caught.value.field == "consent_to_share"
    assert "consent" in caught.value.message
    assert case.status == Status.RECEIVED
    assert case.pending_referral is None


def test_a_case_cannot_be_referred_to_the_organisation_that_has_it() -> None:
    case = received()
    with pytest.raises(InvalidValueError) as caught:
        case.refer(stamp(T0), to_organisation=COUNCIL, reason="r", consent_to_share=True)
    assert caught.value.field == "to_organisation"


@pytest.mark.parametrize("actor", [AT_PROVIDER, ELSEWHERE], ids=["referrer", "third party"])
def test_only_the_receiving_organisation_may_accept_a_referral(actor: Actor) -> None:
    case = referred_to_council()
    with pytest.raises(RuleViolationError) as caught:
        case.accept_referral(stamp(FRI_22_MAY, actor=actor))
    assert caught.value.field == "actor.organisation"
    assert COUNCIL in caught.value.message
    assert case.status == Status.REFERRED
    assert case.collect_events() == []


def test_accepting_a_referral_moves_the_case_and_keeps_the_origin() -> None:
    case = referred_to_council()
    case.accept_referral(stamp(FRI_22_MAY, actor=AT_COUNCIL), regime=RegimeId.LGSCO_CODE)

    (event,) = case.collect_events()
    assert isinstance(event, Complaint.ReferralAccepted)
    assert event.organisation == COUNCIL
    assert event.regime == "lgsco-code"
    assert case.handling_organisation == COUNCIL
    assert case.receiving_organisation == PROVIDER  # the origin stays linked
    assert case.regime == RegimeId.LGSCO_CODE
    assert case.received_at == FRI_22_MAY
    assert case.first_received_at == MON_18_MAY
    assert case.status == Status.RECEIVED
    assert case.pending_referral is None


def test_after_acceptance_the_clocks_start_on_the_receiving_organisations_receipt() -> None:
    case = referred_to_council()
    before = {d.name: d.due for d in case.deadlines(date(2026, 5, 19))}
    assert before["acknowledgement"] == date(2026, 5, 21)  # 3 WD after the provider's receipt

    case.accept_referral(stamp(FRI_22_MAY, actor=AT_COUNCIL))
    after = {d.name: d for d in case.deadlines(date(2026, 5, 22))}
    # DOMAIN.md: received Fri 22 May 2026 (Mon 25 May bank holiday) -> acknowledge by Thu 28 May.
    assert after["acknowledgement"].due == date(2026, 5, 28)
    assert after["acknowledgement"].status == DeadlineStatus.OPEN  # not missed on 21 May
    assert after["response"].due == date(2026, 11, 21)  # 6 months beginning with 22 May
    assert after["internal_response_target"].due == date(2026, 6, 22)  # 20 WD after 22 May


def test_a_referral_cannot_be_accepted_before_it_was_made() -> None:
    case = referred_to_council()
    with pytest.raises(InvalidValueError) as caught:
        case.accept_referral(
            stamp(FRI_22_MAY, occurred_at=MON_18_MAY + timedelta(hours=2), actor=AT_COUNCIL)
        )
    assert caught.value.field == "occurred_at"


def test_only_a_referred_case_can_be_accepted() -> None:
    case = received()
    with pytest.raises(RuleViolationError) as caught:
        case.accept_referral(stamp(T0))
    assert caught.value.field == "status"


def test_accepting_a_referral_starts_the_handling_afresh() -> None:
    case = received(MON_18_MAY, AT_PROVIDER, receiving_organisation=PROVIDER)
    case.acknowledge(stamp(MON_18_MAY + timedelta(hours=1), actor=AT_PROVIDER))
    case.start_investigation(stamp(TUE_19_MAY, actor=AT_PROVIDER), investigator="p.ward")
    case.pause_target(stamp(TUE_19_MAY, actor=AT_PROVIDER), reason="Awaiting records")
    case.refer(
        stamp(TUE_19_MAY + timedelta(hours=1), actor=AT_PROVIDER),
        to_organisation=COUNCIL,
        reason="council-commissioned care",
        consent_to_share=True,
    )
    case.accept_referral(stamp(FRI_22_MAY, actor=AT_COUNCIL))
    assert case.acknowledged_at is None
    assert case.investigators == {}
    assert case.target_pauses == []
    assert case.extensions == []
    ack = next(d for d in case.deadlines(date(2026, 5, 22)) if d.name == "acknowledgement")
    assert (ack.due, ack.status) == (date(2026, 5, 28), DeadlineStatus.OPEN)


def test_a_complaint_at_stage_2_stays_where_it_is() -> None:
    case = received(regime=RegimeId.LGSCO_CODE)
    case.acknowledge(stamp(T0 + timedelta(days=1)))
    respond(case, T0 + timedelta(days=5))
    case.escalate(stamp(T0 + timedelta(days=6)), route=EscalationRoute.STAGE_2, reason="r")
    case.acknowledge(stamp(T0 + timedelta(days=7)))
    with pytest.raises(RuleViolationError) as caught:
        case.refer(
            stamp(T0 + timedelta(days=8)),
            to_organisation=PROVIDER,
            reason="r",
            consent_to_share=True,
        )
    assert caught.value.field == "status"
    assert "stage 2" in caught.value.message
    assert case.handling_organisation == COUNCIL


def test_the_time_limit_counts_to_the_first_receipt_not_the_referral() -> None:
    # Made to the provider on the last day in time; the council only gets it four days later.
    case = received(
        MON_18_MAY,
        AT_PROVIDER,
        receiving_organisation=PROVIDER,
        matter_occurred_on=date(2025, 5, 18),
    )
    case.refer(
        stamp(TUE_19_MAY, actor=AT_PROVIDER),
        to_organisation=COUNCIL,
        reason="council-commissioned care",
        consent_to_share=True,
    )
    case.accept_referral(stamp(FRI_22_MAY, actor=AT_COUNCIL))
    assert case.time_limit().in_time
    case.acknowledge(stamp(FRI_22_MAY + timedelta(hours=1)))
    case.start_investigation(stamp(FRI_22_MAY + timedelta(hours=2)), investigator="i.patel")
    assert case.status == Status.INVESTIGATING


# --------------------------------------------------------------------------- time limit


def late(regime: RegimeId = RegimeId.ENGLAND_2009) -> Complaint:
    """Received Mon 1 June 2026 about a matter on 31 May 2025: the 12 months ended 31 May 2026."""
    case = received(regime=regime, matter_occurred_on=date(2025, 5, 31))
    case.acknowledge(stamp(T0 + timedelta(days=1)))
    case.collect_events()
    return case


def test_twelve_months_after_the_matter_is_the_last_day_in_time() -> None:
    in_time = received(matter_occurred_on=date(2025, 6, 1))
    assert in_time.time_limit().in_time
    assert in_time.time_limit().limit == date(2026, 6, 1)
    noticed_later = received(
        matter_occurred_on=date(2025, 1, 10), matter_noticed_on=date(2025, 6, 1)
    )
    assert noticed_later.time_limit().in_time
    check = late().time_limit()
    assert (check.in_time, check.blocking, check.limit) == (False, True, date(2026, 5, 31))


def test_a_late_england_complaint_cannot_be_investigated_until_accepted() -> None:
    case = late()
    with pytest.raises(RuleViolationError) as caught:
        case.start_investigation(stamp(T0 + timedelta(days=2)), investigator="i.patel")
    assert caught.value.field == "time_limit"
    assert caught.value.rule == "SI 2009/309 reg 12"
    assert case.status == Status.ACKNOWLEDGED


def test_a_late_england_complaint_cannot_be_responded_to_until_accepted() -> None:
    case = late()
    with pytest.raises(RuleViolationError) as caught:
        respond(case, T0 + timedelta(days=5))
    assert caught.value.field == "time_limit"
    assert case.responded_at is None


@pytest.mark.parametrize(
    ("reason", "can_investigate", "field"),
    [
        ("Was in hospital for 3 months", False, "can_investigate_effectively_and_fairly"),
        ("   ", True, "good_reason_for_delay"),
        ("", False, "good_reason_for_delay"),
    ],
)
def test_late_acceptance_needs_both_limbs_of_reg_12(
    reason: str, can_investigate: bool, field: str
) -> None:
    case = late()
    with pytest.raises(RuleViolationError) as caught:
        case.accept_late_complaint(
            stamp(T0 + timedelta(days=2)),
            good_reason_for_delay=reason,
            can_investigate_effectively_and_fairly=can_investigate,
        )
    assert caught.value.field == field
    assert caught.value.rule == "SI 2009/309 reg 12(2)"
    assert "AND" in caught.value.message
    assert case.late_acceptance is None
    assert case.collect_events() == []
    with pytest.raises(RuleViolationError):  # still blocked
        case.start_investigation(stamp(T0 + timedelta(days=3)), investigator="i.patel")


def test_a_late_complaint_accepted_on_both_limbs_can_be_handled() -> None:
    case = late()
    case.accept_late_complaint(
        stamp(T0 + timedelta(days=2)),
        good_reason_for_delay="  Was in hospital for 3 months  ",
        can_investigate_effectively_and_fairly=True,
    )
    (event,) = case.collect_events()
    assert isinstance(event, Complaint.LateComplaintAccepted)
    assert event.good_reason_for_delay == "Was in hospital for 3 months"
    assert event.can_investigate_effectively_and_fairly is True
    assert case.late_acceptance == {
        "good_reason_for_delay": "Was in hospital for 3 months",
        "can_investigate_effectively_and_fairly": True,
        "accepted_at": T0 + timedelta(days=2),
    }
    case.start_investigation(stamp(T0 + timedelta(days=3)), investigator="i.patel")
    respond(case, T0 + timedelta(days=20))
    assert case.status == Status.RESPONDED


def test_a_complaint_in_time_has_nothing_to_accept() -> None:
    case = received(matter_occurred_on=date(2025, 6, 1))
    with pytest.raises(RuleViolationError) as caught:
        case.accept_late_complaint(
            stamp(T0),
            good_reason_for_delay="x",
            can_investigate_effectively_and_fairly=True,
        )
    assert caught.value.field == "time_limit"


@pytest.mark.parametrize("regime", [RegimeId.LGSCO_CODE, RegimeId.SPSO_MCHP])
def test_outside_england_2009_a_late_complaint_is_a_warning_not_a_block(regime: RegimeId) -> None:
    case = late(regime)
    check = case.time_limit()
    assert not check.in_time
    assert not check.blocking
    case.start_investigation(stamp(T0 + timedelta(days=2)), investigator="i.patel")
    assert case.status == Status.INVESTIGATING
