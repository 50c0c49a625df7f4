"""A state machine over the whole procedure, run purely in memory.

Hypothesis drives random sequences of commands (valid-ish inputs, simulated time moving forward,
sometimes an occurred_at in the future or a repeated correlation id). The domain may refuse any of
them with a LedgerError; a refusal must leave the case exactly as it was, with nothing pending.
After every step the invariants of an event-sourced case must hold.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from functools import reduce
from itertools import count
from typing import Any
from uuid import uuid4

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from complaints_ledger.domain.clocks import add_working_days, calendar_for, deadlines, uk_local_date
from complaints_ledger.domain.complaint import Complaint
from complaints_ledger.domain.errors import DuplicateCommandError, LedgerError
from complaints_ledger.domain.values import (
    Actor,
    EscalationRoute,
    ExtendedDeadline,
    Kind,
    Ombudsman,
    OmbudsmanDecision,
    Outcome,
    Person,
    RegimeId,
    Remedy,
    RemedyCompliance,
    Role,
    Stamp,
    Status,
)
from tests import builders

COUNCIL = "Northshire Council"
PROVIDER = "Sunrise Home Care Ltd"
TRUST = "Northshire NHS Trust"
ORGANISATIONS = (COUNCIL, PROVIDER, TRUST)
START = datetime(2026, 3, 2, 9, tzinfo=UTC)

organisations = st.sampled_from(ORGANISATIONS)
roles = st.sampled_from([Role.OFFICER, Role.OFFICER, Role.MANAGER, Role.ADMIN, Role.AUDITOR])
gaps = st.integers(min_value=0, max_value=20 * 24 * 60)  # minutes the clock moves on
# Minutes before recorded_at that it happened; a negative value is in the future (refused).
backdates = st.one_of(st.just(0), st.integers(min_value=-90, max_value=3 * 24 * 60))
texts = st.sampled_from(["Waiting for records", "  padded  ", "", "Complex case"])
action_ids = st.sampled_from(["A1", "A2", "A3"])
investigators = st.sampled_from(["i.patel", "s.okafor", "r.singh"])


class LifecycleMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.case: Complaint
        self.events: list[Any] = []
        self.now = START
        self.ids = count(1)
        self.used_ids: list[str] = []
        self.was_withdrawn = False

    # ---- helpers ---------------------------------------------------------------------

    def stamp(self, gap: int, backdate: int, organisation: str, role: Role) -> Stamp:
        self.now += timedelta(minutes=gap)
        correlation_id = f"cmd-{next(self.ids)}"
        self.used_ids.append(correlation_id)
        return Stamp(
            recorded_at=self.now,
            occurred_at=self.now - timedelta(minutes=backdate),
            actor=Actor("someone", organisation, role),
            correlation_id=correlation_id,
        )

    def attempt(self, command: Callable[[Complaint], None]) -> LedgerError | None:
        """Run a command; a refusal must leave no trace. Returns the refusal, if any."""
        before = copy.deepcopy(vars(self.case))
        refusal: LedgerError | None = None
        try:
            command(self.case)
        except LedgerError as error:
            refusal = error
        if refusal is not None:
            assert refusal.message
            assert self.case.collect_events() == []
            assert vars(self.case) == before, f"refused {refusal!r} but the case changed"
            return refusal
        new = self.case.collect_events()
        assert len(new) == 1
        self.events.extend(new)
        return None

    def today(self) -> date:
        return uk_local_date(self.now)

    # ---- receipt -----------------------------------------------------------------------

    @initialize(
        regime=st.sampled_from(list(RegimeId)),
        kind=st.sampled_from([Kind.COMPLAINT, Kind.COMPLAINT, Kind.CONCERN, Kind.COMPLIMENT]),
        matter_days_before=st.one_of(st.none(), st.integers(min_value=0, max_value=500)),
        internal_target=st.sampled_from([None, 10, 20]),
        organisation=organisations,
        backdate=backdates.filter(lambda minutes: minutes >= 0),
    )
    def receive(
        self,
        *,
        regime: RegimeId,
        kind: Kind,
        matter_days_before: int | None,
        internal_target: int | None,
        organisation: str,
        backdate: int,
    ) -> None:
        stamp = self.stamp(0, backdate, organisation, Role.OFFICER)
        matter = (
            None
            if matter_days_before is None
            else uk_local_date(stamp.occurred_at) - timedelta(days=matter_days_before)
        )
        intake = builders.intake(
            kind=kind,
            regime=regime,
            receiving_organisation=organisation,
            subjects=("home care", "communication"),
            complainant=Person("Jo Bloggs", email="jo@example.org"),
            summary="Carers missed visits.",
            matter_occurred_on=matter,
            internal_target_working_days=internal_target,
        )
        self.case = Complaint.receive(stamp, intake, complaint_id=uuid4())
        self.events.extend(self.case.collect_events())

    # ---- lifecycle ---------------------------------------------------------------------

    @rule(
        gap=gaps,
        backdate=backdates,
        agreed_months=st.one_of(st.none(), st.integers(min_value=5, max_value=9)),
    )
    def acknowledge(self, gap: int, backdate: int, agreed_months: int | None) -> None:
        stamp = self.stamp(gap, backdate, self.case.handling_organisation, Role.OFFICER)
        agreed = (
            None if agreed_months is None else self.today() + timedelta(days=30 * agreed_months)
        )
        self.attempt(lambda c: c.acknowledge(stamp, response_period_agreed_until=agreed))

    @rule(gap=gaps, months=st.integers(min_value=1, max_value=9), agreed=st.booleans())
    def agree_response_period(self, gap: int, months: int, agreed: bool) -> None:
        stamp = self.stamp(gap, 0, self.case.handling_organisation, Role.OFFICER)
        until = self.today() + timedelta(days=30 * months)
        self.attempt(
            lambda c: c.agree_response_period(
                stamp, agreed_until=until, agreed_with_complainant=agreed
            )
        )

    @rule(
        gap=gaps,
        which=st.sampled_from(list(ExtendedDeadline)),
        working_days=st.integers(min_value=0, max_value=15),
        role=roles,
        consent=st.booleans(),
        reason=texts,
    )
    def extend_deadline(
        self,
        *,
        gap: int,
        which: ExtendedDeadline,
        working_days: int,
        role: Role,
        consent: bool,
        reason: str,
    ) -> None:
        stamp = self.stamp(gap, 0, self.case.handling_organisation, role)
        self.attempt(
            lambda c: c.extend_deadline(
                stamp,
                deadline=which,
                working_days=working_days,
                reason=reason,
                complainant_consent=consent,
            )
        )

    @rule(gap=gaps, to=organisations, consent=st.booleans())
    def refer(self, gap: int, to: str, consent: bool) -> None:
        stamp = self.stamp(gap, 0, self.case.handling_organisation, Role.OFFICER)
        self.attempt(
            lambda c: c.refer(
                stamp, to_organisation=to, reason="Not ours to answer", consent_to_share=consent
            )
        )

    @rule(
        gap=gaps,
        backdate=backdates,
        organisation=organisations,
        regime=st.one_of(st.none(), st.sampled_from(list(RegimeId))),
    )
    def accept_referral(
        self, gap: int, backdate: int, organisation: str, regime: RegimeId | None
    ) -> None:
        stamp = self.stamp(gap, backdate, organisation, Role.OFFICER)
        self.attempt(lambda c: c.accept_referral(stamp, regime=regime))

    @rule(gap=gaps, reason=texts, can_investigate=st.booleans())
    def accept_late_complaint(self, gap: int, reason: str, can_investigate: bool) -> None:
        stamp = self.stamp(gap, 0, self.case.handling_organisation, Role.MANAGER)
        self.attempt(
            lambda c: c.accept_late_complaint(
                stamp,
                good_reason_for_delay=reason,
                can_investigate_effectively_and_fairly=can_investigate,
            )
        )

    @rule(gap=gaps, reason=texts, dice=st.integers(min_value=0, max_value=3))
    def withdraw(self, gap: int, reason: str, dice: int) -> None:
        if dice:  # withdrawal ends the story: make it rarer than the other commands
            return
        stamp = self.stamp(gap, 0, self.case.handling_organisation, Role.OFFICER)
        if self.attempt(lambda c: c.withdraw(stamp, reason=reason)) is None:
            self.was_withdrawn = True

    @rule(gap=gaps, reason=st.sampled_from([None, "", "Provider has closed"]))
    def close(self, gap: int, reason: str | None) -> None:
        stamp = self.stamp(gap, 0, self.case.handling_organisation, Role.OFFICER)
        self.attempt(lambda c: c.close(stamp, no_action_needed_reason=reason))

    @rule(gap=gaps)
    def reopen(self, gap: int) -> None:
        stamp = self.stamp(gap, 0, self.case.handling_organisation, Role.MANAGER)
        self.attempt(lambda c: c.reopen(stamp, reason="New information"))

    @rule(gap=gaps, data=st.data())
    def progress(self, gap: int, data: st.DataObject) -> None:
        """Take the case one step along the usual path, so that deep states are reached."""
        case = self.case
        organisation = case.handling_organisation
        if case.status == Status.REFERRED and case.pending_referral:
            organisation = case.pending_referral["to"]
        stamp = self.stamp(gap, 0, organisation, Role.MANAGER)
        step = self.next_step(data)
        self.attempt(lambda c: step(c, stamp))

    def next_step(self, data: st.DataObject) -> Callable[[Complaint, Stamp], None]:  # noqa: PLR0911
        case = self.case
        if case.status in {Status.RECEIVED, Status.ESCALATED}:
            return lambda c, s: c.acknowledge(s)
        if case.status == Status.REFERRED:
            return lambda c, s: c.accept_referral(s)
        if case.status == Status.ACKNOWLEDGED and not case.time_limit().in_time:
            return lambda c, s: c.accept_late_complaint(
                s, good_reason_for_delay="In hospital", can_investigate_effectively_and_fairly=True
            )
        if case.status == Status.ACKNOWLEDGED and case.kind != Kind.COMPLIMENT:
            taken = set(case.investigators.values())
            free = next(name for name in ("i.patel", "s.okafor", "r.singh") if name not in taken)
            return lambda c, s: c.start_investigation(s, investigator=free)
        if case.status == Status.INVESTIGATING:
            outcome = data.draw(st.sampled_from(list(Outcome)), label="outcome")
            return lambda c, s: c.send_response(
                s,
                outcome=outcome,
                remedies=(),
                signed_by="Director",
                ombudsman_rights_given=True,
                summary="Our findings",
            )
        if case.status == Status.RESPONDED:
            if data.draw(st.booleans(), label="stage 2 rather than close"):
                return lambda c, s: c.escalate(s, route=EscalationRoute.STAGE_2, reason="Unhappy")
            return lambda c, s: c.close(s, no_action_needed_reason="Nothing to change")
        if case.status == Status.CLOSED:
            return lambda c, s: c.reopen(s, reason="New information")
        return lambda c, s: c.close(s)

    # ---- handling ----------------------------------------------------------------------

    @rule(gap=gaps, backdate=backdates, investigator=investigators)
    def start_investigation(self, gap: int, backdate: int, investigator: str) -> None:
        stamp = self.stamp(gap, backdate, self.case.handling_organisation, Role.OFFICER)
        self.attempt(lambda c: c.start_investigation(stamp, investigator=investigator))

    @rule(gap=gaps, notes=texts)
    def record_evidence(self, gap: int, notes: str) -> None:
        stamp = self.stamp(gap, 0, self.case.handling_organisation, Role.OFFICER)
        self.attempt(
            lambda c: c.record_evidence(stamp, evidence_kind="visit log", source="p", notes=notes)
        )

    @rule(gap=gaps, backdate=backdates, resolved=st.booleans(), summary=texts)
    def record_local_resolution(
        self, gap: int, backdate: int, resolved: bool, summary: str
    ) -> None:
        stamp = self.stamp(gap, backdate, self.case.handling_organisation, Role.OFFICER)
        self.attempt(lambda c: c.record_local_resolution(stamp, resolved=resolved, summary=summary))

    @rule(gap=gaps, message=texts)
    def update_complainant(self, gap: int, message: str) -> None:
        stamp = self.stamp(gap, 0, self.case.handling_organisation, Role.OFFICER)
        self.attempt(lambda c: c.update_complainant(stamp, channel="phone", message=message))

    @rule(gap=gaps, action_id=action_ids, due_in=st.integers(min_value=-5, max_value=60))
    def plan_action(self, gap: int, action_id: str, due_in: int) -> None:
        stamp = self.stamp(gap, 0, self.case.handling_organisation, Role.OFFICER)
        due = self.today() + timedelta(days=due_in)
        self.attempt(
            lambda c: c.plan_action(
                stamp, action_id=action_id, description="Retrain", owner="Manager", due_on=due
            )
        )

    @rule(gap=gaps, action_id=action_ids)
    def complete_action(self, gap: int, action_id: str) -> None:
        stamp = self.stamp(gap, 0, self.case.handling_organisation, Role.OFFICER)
        self.attempt(lambda c: c.complete_action(stamp, action_id=action_id))

    @rule(
        gap=gaps,
        backdate=backdates,
        outcome=st.sampled_from(list(Outcome)),
        rights=st.sampled_from([True, True, True, False]),
    )
    def send_response(self, gap: int, backdate: int, outcome: Outcome, rights: bool) -> None:
        stamp = self.stamp(gap, backdate, self.case.handling_organisation, Role.OFFICER)
        self.attempt(
            lambda c: c.send_response(
                stamp,
                outcome=outcome,
                remedies=(Remedy.APOLOGY,),
                signed_by="Director",
                ombudsman_rights_given=rights,
                summary="Our findings",
            )
        )

    @rule(gap=gaps)
    def pause_target(self, gap: int) -> None:
        stamp = self.stamp(gap, 0, self.case.handling_organisation, Role.OFFICER)
        self.attempt(lambda c: c.pause_target(stamp, reason="Awaiting the complainant"))

    @rule(gap=gaps)
    def resume_target(self, gap: int) -> None:
        stamp = self.stamp(gap, 0, self.case.handling_organisation, Role.OFFICER)
        self.attempt(lambda c: c.resume_target(stamp))

    # ---- escalation and follow-up -------------------------------------------------------

    @rule(
        gap=gaps,
        route=st.sampled_from(list(EscalationRoute)),
        body=st.one_of(st.none(), st.sampled_from([Ombudsman.LGSCO, Ombudsman.PHSO])),
    )
    def escalate(self, gap: int, route: EscalationRoute, body: Ombudsman | None) -> None:
        stamp = self.stamp(gap, 0, self.case.handling_organisation, Role.OFFICER)
        self.attempt(lambda c: c.escalate(stamp, route=route, reason="Unhappy", body=body))

    @rule(
        gap=gaps,
        body=st.sampled_from([Ombudsman.LGSCO, Ombudsman.PHSO]),
        decision=st.sampled_from(list(OmbudsmanDecision)),
        remedies=st.sampled_from([(), (Remedy.APOLOGY,)]),
        compliance=st.sampled_from(list(RemedyCompliance)),
    )
    def record_ombudsman_decision(
        self,
        *,
        gap: int,
        body: Ombudsman,
        decision: OmbudsmanDecision,
        remedies: tuple[Remedy, ...],
        compliance: RemedyCompliance,
    ) -> None:
        stamp = self.stamp(gap, 0, self.case.handling_organisation, Role.OFFICER)
        self.attempt(
            lambda c: c.record_ombudsman_decision(
                stamp,
                body=body,
                decision=decision,
                recommended_remedies=remedies,
                remedy_compliance=compliance,
            )
        )

    @rule(gap=gaps, lesson_id=st.sampled_from(["L1", "L2"]))
    def record_lesson(self, gap: int, lesson_id: str) -> None:
        stamp = self.stamp(gap, 0, self.case.handling_organisation, Role.OFFICER)
        self.attempt(
            lambda c: c.record_lesson(
                stamp,
                lesson_id=lesson_id,
                theme="rota",
                lesson="Missed visits went unreported",
                action="Daily report",
                shared_with_partners=True,
            )
        )

    @rule(gap=gaps, handled_well=st.booleans())
    def record_forum_review(self, gap: int, handled_well: bool) -> None:
        stamp = self.stamp(gap, 0, self.case.handling_organisation, Role.OFFICER)
        self.attempt(
            lambda c: c.record_forum_review(
                stamp, forum="Forum", findings="Reviewed", handled_well=handled_well
            )
        )

    @rule(gap=gaps)
    def request_feedback(self, gap: int) -> None:
        stamp = self.stamp(gap, 0, self.case.handling_organisation, Role.OFFICER)
        self.attempt(lambda c: c.request_feedback(stamp, channel="email"))

    @rule(gap=gaps, satisfaction=st.integers(min_value=0, max_value=6))
    def receive_feedback(self, gap: int, satisfaction: int) -> None:
        stamp = self.stamp(gap, 0, self.case.handling_organisation, Role.OFFICER)
        self.attempt(lambda c: c.receive_feedback(stamp, satisfaction=satisfaction))

    # ---- corrections -------------------------------------------------------------------

    @rule(
        gap=gaps,
        role=roles,
        correction=st.sampled_from(
            [
                ("service", "day services"),
                ("subjects", ["charging", "communication"]),
                ("channel", "letter"),
                ("channel", "fax"),
                ("matter_occurred_on", "-400"),
                ("matter_occurred_on", "-10"),
                ("received_at", "-120"),
                ("received_at", "+60"),
                ("acknowledged_at", "+60"),
                ("complainant.email", "jo.new@example.org"),
                ("summary", "Carers missed five visits."),
                ("status", "closed"),
            ]
        ),
    )
    def correct_fact(self, gap: int, role: Role, correction: tuple[str, Any]) -> None:
        stamp = self.stamp(gap, 0, self.case.handling_organisation, role)
        field, value = correction
        if field == "matter_occurred_on":
            value = (self.today() + timedelta(days=int(value))).isoformat()
        elif field in {"received_at", "acknowledged_at"}:
            base = getattr(self.case, field) or self.case.received_at
            value = (base + timedelta(minutes=int(value))).isoformat()
        self.attempt(
            lambda c: c.correct_fact(stamp, field=field, new_value=value, reason="Put right")
        )

    @precondition(lambda self: len(self.used_ids) > 1)
    @rule(gap=gaps, data=st.data())
    def repeat_a_correlation_id(self, gap: int, data: st.DataObject) -> None:
        repeated = data.draw(st.sampled_from(self.used_ids), label="repeated id")
        self.now += timedelta(minutes=gap)
        stamp = Stamp(self.now, self.now, Actor("someone", COUNCIL), repeated)
        already_applied = repeated in self.case.correlation_ids
        refusal = self.attempt(lambda c: c.update_complainant(stamp, channel="phone", message="x"))
        if already_applied:
            assert isinstance(refusal, DuplicateCommandError), refusal
            assert refusal.field == "correlation_id"

    # ---- invariants --------------------------------------------------------------------

    @invariant()
    def replayed_state_equals_live_state(self) -> None:
        replayed = reduce(lambda case, event: event.mutate(case), self.events, None)
        assert replayed is not None
        assert vars(replayed) == vars(self.case)

    @invariant()
    def versions_are_contiguous_from_1(self) -> None:
        versions = [event.originator_version for event in self.events]
        assert versions == list(range(1, len(self.events) + 1))
        assert self.case.version == len(self.events)

    @invariant()
    def recorded_at_never_decreases_and_nothing_happens_in_the_future(self) -> None:
        recorded = [event.timestamp for event in self.events]
        assert recorded == sorted(recorded)
        assert self.case.modified_on == recorded[-1]
        assert all(event.occurred_at <= event.timestamp for event in self.events)

    @invariant()
    def withdrawn_stays_withdrawn(self) -> None:
        if self.was_withdrawn:
            assert self.case.status == Status.WITHDRAWN
            assert not self.case.is_open

    @invariant()
    def no_deadline_is_due_before_receipt(self) -> None:
        receipt = uk_local_date(self.case.received_at)
        for deadline in self.case.deadlines(self.today()):
            assert deadline.due >= receipt, deadline

    @invariant()
    def pausing_the_internal_target_never_moves_a_statutory_deadline(self) -> None:
        facts = self.case.clock_facts()
        unpaused = replace(facts, target_pauses=())
        statutory = [d for d in deadlines(facts, self.today()) if d.statutory]
        assert statutory == [d for d in deadlines(unpaused, self.today()) if d.statutory]

    @invariant()
    def written_terms_are_due_only_after_a_welsh_resolution(self) -> None:
        """reg 16(5): 5 working days from the discussion that resolved the matter, else none."""
        found = {d.name: d for d in self.case.deadlines(self.today())}
        resolved = self.case.local_resolution_resolved_at
        if resolved is None or self.case.kind != Kind.COMPLAINT:
            assert "written_resolution" not in found
            return
        assert self.case.regime == RegimeId.WALES_2014
        calendar = calendar_for(self.case.regime)
        due = add_working_days(calendar, uk_local_date(resolved), 5)
        assert found["written_resolution"].due == max(due, uk_local_date(self.case.received_at))

    @invariant()
    def status_and_facts_agree(self) -> None:
        case = self.case
        assert (case.stopped_at is not None) == (case.status in {Status.CLOSED, Status.WITHDRAWN})
        if case.status == Status.RESPONDED:
            assert case.outcome is not None
        if case.status == Status.REFERRED:
            assert case.pending_referral is not None
        assert case.stage in {1, 2}
        assert case.correlation_ids == {event.correlation_id for event in self.events}


LifecycleMachine.TestCase.settings = settings(
    LifecycleMachine.TestCase.settings, deadline=None, stateful_step_count=40
)
TestLifecycleMachine = LifecycleMachine.TestCase
