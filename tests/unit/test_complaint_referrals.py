"""Referrals that go wrong ('no wrong door'): declined, recalled, passed on; the referral chain.

Pure domain: no store. The provider takes a complaint that is the council's (council-commissioned
care) and refers it; the council may be the wrong door too.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

import pytest

from complaints_ledger.domain.clocks import DeadlineStatus
from complaints_ledger.domain.complaint import Complaint
from complaints_ledger.domain.errors import InvalidValueError, RuleViolationError
from complaints_ledger.domain.referrals import referral_chain
from complaints_ledger.domain.values import Actor, Channel, Role, Status
from tests import builders
from tests.builders import COUNCIL, PROVIDER, stamp

TRUST = "Northshire NHS Trust"
AT_PROVIDER = Actor("p.ward", PROVIDER)
AT_COUNCIL = Actor("o.khan", COUNCIL)
AT_TRUST = Actor("t.nurse", TRUST, Role.MANAGER)
MON_18_MAY = datetime(2026, 5, 18, 11, tzinfo=UTC)
TUE_19_MAY = datetime(2026, 5, 19, 11, tzinfo=UTC)
WED_20_MAY = datetime(2026, 5, 20, 11, tzinfo=UTC)
FRI_22_MAY = datetime(2026, 5, 22, 11, tzinfo=UTC)
TUE_26_MAY = datetime(2026, 5, 26, 11, tzinfo=UTC)


def at_provider() -> Complaint:
    return builders.received(
        MON_18_MAY, AT_PROVIDER, receiving_organisation=PROVIDER, channel=Channel.PHONE
    )


def referred(case: Complaint | None = None) -> Complaint:
    """The provider refers its case to the council (with the person's consent)."""
    case = case or at_provider()
    case.refer(
        stamp(TUE_19_MAY, actor=AT_PROVIDER),
        to_organisation=COUNCIL,
        reason="council-commissioned care",
        consent_to_share=True,
    )
    case.collect_events()
    return case


def dues(case: Complaint, today: date) -> dict[str, tuple[date, str]]:
    return {d.name: (d.due, str(d.status)) for d in case.deadlines(today)}


def steps(case: Complaint) -> list[tuple[str, str | None, str]]:
    return [(s["step"], s["by"], s["to"]) for s in referral_chain(case.records)]


# ---- declined --------------------------------------------------------------------------------


def test_a_declined_referral_returns_to_its_holder_whose_clocks_kept_running() -> None:
    case = referred()
    before = dues(case, date(2026, 5, 20))

    case.decline_referral(
        stamp(WED_20_MAY, actor=AT_COUNCIL),
        reason="self-funded care: the provider deals with it",
        suggested_organisation=TRUST,
    )

    (event,) = case.collect_events()
    assert isinstance(event, Complaint.ReferralDeclined)
    assert (event.organisation, event.returned_to) == (COUNCIL, PROVIDER)
    assert event.suggested_organisation == TRUST
    assert case.status == Status.RECEIVED
    assert case.pending_referral is None
    assert case.handling_organisation == PROVIDER
    assert case.received_at == MON_18_MAY  # the holder's receipt: nothing restarted
    assert dues(case, date(2026, 5, 20)) == before  # nor paused
    # The provider's acknowledgement fell due on Thu 21 May, referral or not.
    assert dues(case, date(2026, 5, 22))["acknowledgement"] == (date(2026, 5, 21), "missed")
    assert steps(case) == [("offered", PROVIDER, COUNCIL), ("declined", COUNCIL, PROVIDER)]
    assert referral_chain(case.records)[1]["suggested_organisation"] == TRUST


def test_after_a_decline_the_holder_acknowledges_and_refers_again() -> None:
    case = referred()
    case.decline_referral(stamp(WED_20_MAY, actor=AT_COUNCIL), reason="not ours")
    case.acknowledge(stamp(WED_20_MAY + timedelta(hours=1), actor=AT_PROVIDER))
    assert dues(case, date(2026, 5, 20))["acknowledgement"][1] == DeadlineStatus.MET
    case.refer(
        stamp(FRI_22_MAY, actor=AT_PROVIDER),
        to_organisation=TRUST,
        reason="NHS continuing healthcare",
        consent_to_share=True,
    )
    assert case.pending_referral is not None
    assert case.pending_referral["to"] == TRUST
    case.decline_referral(stamp(TUE_26_MAY, actor=AT_TRUST), reason="not ours either")
    assert case.status == Status.ACKNOWLEDGED  # back where the provider had got to


def test_a_decline_of_a_case_under_investigation_returns_it_under_investigation() -> None:
    case = at_provider()
    case.acknowledge(stamp(MON_18_MAY + timedelta(hours=1), actor=AT_PROVIDER))
    case.start_investigation(
        stamp(MON_18_MAY + timedelta(hours=2), actor=AT_PROVIDER), investigator="p.ward"
    )
    referred(case).decline_referral(stamp(WED_20_MAY, actor=AT_COUNCIL), reason="not ours")
    assert case.status == Status.INVESTIGATING
    assert case.investigators == {"1": "p.ward"}


REFUSED_DECLINES: dict[str, tuple[Callable[[Complaint], None], type[Exception], str]] = {
    "by the referrer": (
        lambda c: c.decline_referral(stamp(WED_20_MAY, actor=AT_PROVIDER), reason="r"),
        RuleViolationError,
        "actor.organisation",
    ),
    "by a third organisation": (
        lambda c: c.decline_referral(stamp(WED_20_MAY, actor=AT_TRUST), reason="r"),
        RuleViolationError,
        "actor.organisation",
    ),
    "without a reason": (
        lambda c: c.decline_referral(stamp(WED_20_MAY, actor=AT_COUNCIL), reason="  "),
        InvalidValueError,
        "reason",
    ),
    "suggesting itself": (
        lambda c: c.decline_referral(
            stamp(WED_20_MAY, actor=AT_COUNCIL), reason="r", suggested_organisation=COUNCIL
        ),
        InvalidValueError,
        "suggested_organisation",
    ),
    "before the referral": (
        lambda c: c.decline_referral(
            stamp(WED_20_MAY, occurred_at=MON_18_MAY + timedelta(hours=1), actor=AT_COUNCIL),
            reason="r",
        ),
        InvalidValueError,
        "occurred_at",
    ),
}


@pytest.mark.parametrize(
    ("command", "error", "field"), REFUSED_DECLINES.values(), ids=REFUSED_DECLINES.keys()
)
def test_a_decline_is_refused_unless_the_receiver_gives_a_reason(
    command: Callable[[Complaint], None], error: type[Exception], field: str
) -> None:
    case = referred()
    with pytest.raises(error) as caught:
        command(case)
    assert getattr(caught.value, "field", None) == field
    assert case.collect_events() == []
    assert case.status == Status.REFERRED


NOT_PENDING: dict[str, Callable[[Complaint], None]] = {
    "decline": lambda c: c.decline_referral(stamp(WED_20_MAY, actor=AT_COUNCIL), reason="r"),
    "recall": lambda c: c.recall_referral(stamp(WED_20_MAY, actor=AT_PROVIDER), reason="r"),
    "pass on": lambda c: c.pass_on_referral(
        stamp(WED_20_MAY, actor=AT_COUNCIL),
        to_organisation=TRUST,
        reason="r",
        consent_to_share=True,
    ),
}


@pytest.mark.parametrize("command", NOT_PENDING.values(), ids=NOT_PENDING.keys())
def test_without_a_pending_referral_there_is_nothing_to_decline_recall_or_pass_on(
    command: Callable[[Complaint], None],
) -> None:
    unreferred = at_provider()
    accepted = referred()
    accepted.accept_referral(stamp(WED_20_MAY, actor=AT_COUNCIL))
    for case in (unreferred, accepted):
        case.collect_events()
        with pytest.raises(RuleViolationError) as caught:
            command(case)
        assert caught.value.field == "status"
        assert case.collect_events() == []


# ---- recalled --------------------------------------------------------------------------------


def test_the_referrer_recalls_a_referral_before_it_is_accepted() -> None:
    case = referred()
    case.recall_referral(stamp(WED_20_MAY, actor=AT_PROVIDER), reason="sent to the wrong council")
    (event,) = case.collect_events()
    assert isinstance(event, Complaint.ReferralRecalled)
    assert (event.organisation, event.offered_to) == (PROVIDER, COUNCIL)
    assert case.status == Status.RECEIVED
    assert case.pending_referral is None
    assert case.received_at == MON_18_MAY
    assert steps(case) == [("offered", PROVIDER, COUNCIL), ("recalled", PROVIDER, PROVIDER)]
    with pytest.raises(RuleViolationError):  # accepted it cannot be, once recalled
        case.accept_referral(stamp(FRI_22_MAY, actor=AT_COUNCIL))


def test_only_the_holder_recalls() -> None:
    case = referred()
    with pytest.raises(RuleViolationError) as caught:
        case.recall_referral(stamp(WED_20_MAY, actor=AT_COUNCIL), reason="r")
    assert caught.value.field == "actor.organisation"
    assert PROVIDER in caught.value.message


# ---- passed on -------------------------------------------------------------------------------


def passed_on(case: Complaint | None = None) -> Complaint:
    case = referred(case)
    case.pass_on_referral(
        stamp(WED_20_MAY, actor=AT_COUNCIL),
        to_organisation=TRUST,
        reason="NHS continuing healthcare: the trust's",
        consent_to_share=True,
    )
    return case


def test_the_receiver_passes_it_on_with_consent_and_the_third_accepts() -> None:
    case = passed_on()
    (event,) = case.collect_events()
    assert isinstance(event, Complaint.ReferralPassedOn)
    assert (event.from_organisation, event.to_organisation) == (COUNCIL, TRUST)
    assert event.consent_to_share is True
    assert case.status == Status.REFERRED
    assert case.pending_referral is not None
    assert (case.pending_referral["from"], case.pending_referral["to"]) == (COUNCIL, TRUST)
    assert case.handling_organisation == PROVIDER  # still the provider's clocks
    assert [r["to"] for r in case.records["referrals"]] == [COUNCIL, TRUST]

    with pytest.raises(RuleViolationError):  # the council passed it on: no longer its to take
        case.accept_referral(stamp(FRI_22_MAY, actor=AT_COUNCIL))
    case.accept_referral(stamp(FRI_22_MAY, actor=AT_TRUST))
    assert case.handling_organisation == TRUST
    assert case.received_at == FRI_22_MAY  # the trust's clocks start on its receipt
    assert steps(case) == [
        ("offered", PROVIDER, COUNCIL),
        ("passed_on", COUNCIL, TRUST),
        ("accepted", TRUST, TRUST),
    ]


def test_a_passed_on_referral_declined_returns_to_the_holder_not_the_passer() -> None:
    case = passed_on()
    case.decline_referral(stamp(FRI_22_MAY, actor=AT_TRUST), reason="not ours")
    assert case.status == Status.RECEIVED
    assert case.handling_organisation == PROVIDER
    assert steps(case)[-1] == ("declined", TRUST, PROVIDER)


def test_passing_on_without_consent_is_refused_naming_the_consent() -> None:
    case = referred()
    with pytest.raises(InvalidValueError) as caught:
        case.pass_on_referral(
            stamp(WED_20_MAY, actor=AT_COUNCIL),
            to_organisation=TRUST,
            reason="r",
            consent_to_share=False,
        )
    assert caught.value.field == "consent_to_share"
    assert TRUST in caught.value.message
    assert case.collect_events() == []
    assert case.pending_referral is not None
    assert case.pending_referral["to"] == COUNCIL


@pytest.mark.parametrize(("to", "word"), [(COUNCIL, "already"), (PROVIDER, "decline")])
def test_passing_on_goes_to_a_third_organisation(to: str, word: str) -> None:
    case = referred()
    with pytest.raises(InvalidValueError) as caught:
        case.pass_on_referral(
            stamp(WED_20_MAY, actor=AT_COUNCIL),
            to_organisation=to,
            reason="r",
            consent_to_share=True,
        )
    assert caught.value.field == "to_organisation"
    assert word in caught.value.message


def test_only_the_receiver_passes_it_on() -> None:
    case = referred()
    with pytest.raises(RuleViolationError) as caught:
        case.pass_on_referral(
            stamp(WED_20_MAY, actor=AT_PROVIDER),
            to_organisation=TRUST,
            reason="r",
            consent_to_share=True,
        )
    assert caught.value.field == "actor.organisation"


# ---- the chain, on replay and from old snapshots ----------------------------------------------


def test_the_chain_replays_from_the_events() -> None:
    case = Complaint.receive(
        stamp(MON_18_MAY, actor=AT_PROVIDER),
        builders.intake(receiving_organisation=PROVIDER),
        complaint_id=uuid4(),
    )
    case.refer(
        stamp(TUE_19_MAY, actor=AT_PROVIDER),
        to_organisation=COUNCIL,
        reason="r",
        consent_to_share=True,
    )
    case.pass_on_referral(
        stamp(WED_20_MAY, actor=AT_COUNCIL),
        to_organisation=TRUST,
        reason="r",
        consent_to_share=True,
    )
    case.recall_referral(stamp(FRI_22_MAY, actor=AT_PROVIDER), reason="ours after all")
    replayed = None
    for event in case.collect_events():
        replayed = event.mutate(replayed)
    assert isinstance(replayed, Complaint)
    assert referral_chain(replayed.records) == referral_chain(case.records)
    assert [s[0] for s in steps(replayed)] == ["offered", "passed_on", "recalled"]
    assert replayed.status == Status.RECEIVED


def test_a_case_from_a_snapshot_older_than_the_chain_starts_it_from_its_offers() -> None:
    case = referred()
    del case.records["referral_chain"]  # as a snapshot taken before the chain was kept
    assert steps(case) == [("offered", None, COUNCIL)]
    assert "referral_chain" not in case.records  # reading does not change the case

    case.decline_referral(stamp(WED_20_MAY, actor=AT_COUNCIL), reason="not ours")
    assert steps(case) == [("offered", None, COUNCIL), ("declined", COUNCIL, PROVIDER)]
