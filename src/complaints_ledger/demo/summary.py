"""What a store holds, in numbers: the summary the `demo` command prints, with example ids."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from uuid import UUID

from complaints_ledger.application.outcome_view import decision_views, remedy_views
from complaints_ledger.domain.clocks import DeadlineStatus
from complaints_ledger.domain.local_resolution import LOCAL_RESOLUTION
from complaints_ledger.domain.outcomes import REMEDIES
from complaints_ledger.domain.referrals import referral_chain
from complaints_ledger.domain.regime_rules import NATIONS
from complaints_ledger.domain.values import EscalationRoute

if TYPE_CHECKING:
    from complaints_ledger.application.ledger import ComplaintsLedger
    from complaints_ledger.domain.complaint import Complaint


DETOURS = ("declined", "recalled", "passed_on")  # referral chain steps of a detour


@dataclass(frozen=True)
class Examples:
    history_id: UUID
    as_of: datetime  # an instant mid-way through the history case
    deadlines_id: UUID


@dataclass
class DemoSummary:
    today: date
    cases: int = 0
    events: int = 0
    by_organisation: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    kinds: Counter[str] = field(default_factory=Counter)
    regimes: Counter[str] = field(default_factory=Counter)
    nations: Counter[str] = field(default_factory=Counter)
    open_cases: int = 0
    open_overdue: int = 0  # open cases with a statutory deadline missed and still not met
    referrals: int = 0  # no wrong door: offers to another organisation
    # Cases whose referral went wrong: declined (then referred again), recalled, passed on.
    referral_detours: Counter[str] = field(default_factory=Counter)
    exclusions: Counter[str] = field(default_factory=Counter)  # reg 8, by ground
    local_resolutions: Counter[str] = field(default_factory=Counter)  # Wales: resolved or not
    stage_2: int = 0
    ombudsman_referrals: Counter[str] = field(default_factory=Counter)  # by body
    ombudsman_decisions: Counter[str] = field(default_factory=Counter)
    remedies: Counter[str] = field(default_factory=Counter)  # complied, late, overdue, pending
    regulator_notifications: int = 0
    regulator_acknowledgements: int = 0
    examples: Examples | None = None

    def add(self, case: Complaint) -> None:
        self.cases += 1
        self.events += case.version
        self.by_organisation[case.handling_organisation][str(case.status)] += 1
        self.kinds[str(case.kind)] += 1
        self.regimes[str(case.regime)] += 1
        self.nations[str(NATIONS[case.regime])] += 1
        self.add_referrals(case)
        self.stage_2 += case.stage_2_requested_at is not None
        self.add_outcomes(case)
        if case.is_open:
            self.open_cases += 1
            self.open_overdue += overdue(case, self.today)

    def add_referrals(self, case: Complaint) -> None:
        self.referrals += len(case.records.get("referrals", []))
        steps = {step["step"] for step in referral_chain(case.records)}
        self.referral_detours.update(steps & set(DETOURS))
        if case.exclusion is not None:
            self.exclusions[str(case.exclusion["ground"])] += 1
        self.local_resolutions.update(
            "resolved" if entry["resolved"] else "not resolved"
            for entry in case.records.get(LOCAL_RESOLUTION, [])
        )

    def add_outcomes(self, case: Complaint) -> None:
        self.ombudsman_referrals.update(case.ombudsman_bodies)
        self.ombudsman_decisions.update(str(view["decision"]) for view in decision_views(case))
        self.remedies.update(str(view["status"]) for view in remedy_views(case, self.today))
        self.regulator_notifications += len(case.records.get("regulator_notifications", []))
        self.regulator_acknowledgements += len(case.records.get("regulator_acknowledgements", []))


def overdue(case: Complaint, today: date) -> bool:
    """A statutory deadline has passed and is still not met."""
    return any(
        d.statutory and d.status == DeadlineStatus.MISSED and d.met_at is None
        for d in case.deadlines(today)
    )


def summarise(ledger: ComplaintsLedger, today: date) -> DemoSummary:
    summary = DemoSummary(today=today)
    history_case: Complaint | None = None
    deadlines_case: Complaint | None = None
    for case_id in ledger.complaint_ids():
        case = ledger.get(case_id)
        summary.add(case)
        if _interest(case) > (_interest(history_case) if history_case else -1):
            history_case = case
        if deadlines_case is None and case.is_open and overdue(case, today):
            deadlines_case = case
    if history_case is not None:
        deadlines_case = deadlines_case or history_case
        summary.examples = Examples(
            history_case.id, _mid_way(ledger, history_case.id), deadlines_case.id
        )
    return summary


def _interest(case: Complaint) -> int:
    """How good an example a case is: an ombudsman decision with remedies, a stage 2, plenty of
    events."""
    score = min(case.version, 25)
    score += 40 * bool(decision_views(case))
    score += 10 * bool(case.records.get(REMEDIES))
    score += 20 * (case.stage_2_requested_at is not None)
    escalations = case.records.get("escalations", [])
    score += 5 * any(e["route"] == EscalationRoute.SAFEGUARDING for e in escalations)
    return score


def _mid_way(ledger: ComplaintsLedger, case_id: UUID) -> datetime:
    """Just after the middle event of a case was recorded, to the whole second."""
    entries = ledger.history(case_id)
    recorded = entries[len(entries) // 2].recorded_at
    return recorded.replace(microsecond=0) + timedelta(seconds=1)
