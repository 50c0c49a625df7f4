"""The demo world on both stores: Wales (with local resolution discussions) and Northern
Ireland, referrals that go wrong, reg 8 exclusions, ombudsman remedies with their compliance and
regulator acknowledgements, all written through the ledger's own commands by the people entitled
to them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from complaints_ledger.application.ledger import ComplaintsLedger
from complaints_ledger.application.outcome_view import remedy_views
from complaints_ledger.demo import (
    DemoSummary,
    SimulatedClock,
    first_recorded_at,
    plan_dataset,
    register_organisations,
    summarise,
    write_plan,
)
from complaints_ledger.domain.complaint import Complaint
from complaints_ledger.domain.referrals import referral_chain
from complaints_ledger.domain.registry import OrganisationKind
from complaints_ledger.settings import Settings

# A size and seed whose world holds every feature below, planned to a fixed 'today'.
SEED, SIZE = 16, 120
TODAY = date(2026, 11, 20)
WELSH_COUNCIL = "Cwmderwen County Borough Council"
NI_TRUST = "Lagan Vale Health and Social Care Trust"


@pytest.fixture(scope="module")
def world(module_store_url: str) -> Iterator[tuple[ComplaintsLedger, list[Complaint]]]:
    """One demo world per store for the whole module: the tests only read it."""
    clock = SimulatedClock(datetime.now(UTC))
    with ComplaintsLedger(Settings(store=module_store_url), clock=clock) as ledger:
        plan = plan_dataset(SEED, SIZE, TODAY)
        start = first_recorded_at(plan, clock.now) - timedelta(days=1)
        register_organisations(ledger, clock, start)
        assert write_plan(ledger, clock, plan) == plan.steps
        yield ledger, [ledger.get(case_id) for case_id in ledger.complaint_ids()]


def steps(case: Complaint) -> list[str]:
    return [step["step"] for step in referral_chain(case.records)]


def accepted_after(case: Complaint, step: str) -> bool:
    chain = steps(case)
    return step in chain and "accepted" in chain[chain.index(step) :]


def remedy_statuses(cases: list[Complaint]) -> set[str]:
    return {str(view["status"]) for case in cases for view in remedy_views(case, TODAY)}


def test_the_demo_world_reaches_wales_and_northern_ireland(world: Any) -> None:
    _, cases = world
    handled = {(case.handling_organisation, str(case.regime)) for case in cases}
    assert (WELSH_COUNCIL, "wales-2014") in handled
    assert (NI_TRUST, "ni-hsc") in handled
    for case in cases:
        if case.handling_organisation in {WELSH_COUNCIL, NI_TRUST}:
            assert set(case.ombudsman_bodies) <= {"PSOW", "NIPSO"}, case.id


def test_referrals_are_declined_recalled_and_passed_on(world: Any) -> None:
    ledger, cases = world
    declined = [case for case in cases if accepted_after(case, "declined")]
    assert declined, "a referral declined, then referred where suggested and accepted"
    for case in declined:
        [decline] = [s for s in referral_chain(case.records) if s["step"] == "declined"]
        assert decline["suggested_organisation"] == case.handling_organisation
    recalled = [case for case in cases if "recalled" in steps(case)]
    assert recalled, "a referral recalled by the referrer before acceptance"
    assert all(case.handling_organisation == case.receiving_organisation for case in recalled)
    assert any(accepted_after(case, "passed_on") for case in cases)
    offered_to = {s["to"] for case in cases for s in referral_chain(case.records)}
    assert all(ledger.organisation(name) is not None for name in offered_to)


def test_reg_8_exclusions_are_reasoned_decisions(world: Any) -> None:
    _, cases = world
    excluded = [case for case in cases if case.exclusion is not None]
    assert excluded
    for case in excluded:
        assert str(case.regime) == "england-2009"
        assert str(case.status) == "closed"
        assert case.exclusion["reason"]


def test_remedies_are_complied_late_and_overdue(world: Any) -> None:
    _, cases = world
    assert {"complied", "late", "overdue"} <= remedy_statuses(cases)


def test_ombudsmen_and_regulators_record_their_own_decisions(world: Any) -> None:
    ledger, cases = world
    bound = {
        "OmbudsmanOutcomeRecorded": OrganisationKind.OMBUDSMAN,
        "RemedyComplianceRecorded": OrganisationKind.OMBUDSMAN,
        "RegulatorNotificationAcknowledged": OrganisationKind.REGULATOR,
    }
    seen = set()
    for case in cases:
        for entry in ledger.history(case.id):
            if entry.type in bound:
                seen.add(entry.type)
                registered = ledger.organisation(entry.actor["organisation"])
                assert registered is not None, entry.actor
                assert registered.kind == bound[entry.type], entry.actor
                assert entry.actor["role"] == str(bound[entry.type]), entry.actor
    assert seen == set(bound)


def test_the_summary_counts_the_new_things(world: Any) -> None:
    ledger, _ = world
    summary: DemoSummary = summarise(ledger, TODAY)
    assert set(summary.nations) == {"england", "scotland", "wales", "northern-ireland"}
    assert {"wales-2014", "ni-hsc"} <= set(summary.regimes)
    assert set(summary.referral_detours) == {"declined", "recalled", "passed_on"}
    assert summary.exclusions.total() > 0
    assert summary.local_resolutions.total() > 0  # Wales, reg 16
    assert summary.remedies["late"] > 0
    assert summary.remedies["overdue"] > 0
    assert 0 < summary.regulator_acknowledgements <= summary.regulator_notifications
