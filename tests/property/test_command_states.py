"""What the case page offers is what the aggregate accepts: `Complaint.state_refusal`.

Hypothesis plays random sequences of the catalogue's commands on one case (any regime, a
complaint, concern or compliment; time moving on). In every state reached, each command of the
catalogue is run on a copy of the case with well-formed values, as a manager of the organisation
it is for, and its state check is watched: a command the state allows (shown among the case
page's Actions) never fails on that check, and one it refuses (hidden) always fails with exactly
the refusal `state_refusal` gave. So the rules the web shows by are the ones the commands obey.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from complaints_ledger.application.catalogue import CATALOGUE
from complaints_ledger.domain.clocks import uk_local_date
from complaints_ledger.domain.complaint import Complaint
from complaints_ledger.domain.errors import LedgerError
from complaints_ledger.domain.exclusions import ExclusionGround
from complaints_ledger.domain.jurisdiction import NATION_REGULATORS, ombudsmen_for
from complaints_ledger.domain.letters import LetterChannel, LetterKind
from complaints_ledger.domain.lifecycle_rules import CODE_REGIMES
from complaints_ledger.domain.regime_rules import NATIONS
from complaints_ledger.domain.values import (
    Actor,
    EscalationRoute,
    ExtendedDeadline,
    Kind,
    OmbudsmanDecision,
    Outcome,
    RegimeId,
    RemedyOutcome,
    Role,
    Stamp,
    Status,
)
from tests import builders

START = datetime(2026, 3, 2, 9, tzinfo=UTC)
COUNCIL, OTHER, THIRD = "Northshire Council", "Southshire Council", "Westshire Council"
NAMES = tuple(command.name for command in CATALOGUE)
BY_RECEIVER = frozenset(command.name for command in CATALOGUE if command.by_receiver)
PEOPLE = ("i.patel", "s.okafor", "r.singh", "a.khan")

Run = Callable[[Complaint, Stamp], None]


def _free_person(case: Complaint) -> str:
    return next(p for p in PEOPLE if p != case.handler and p not in case.stage_1_handlers)


def _escalate(case: Complaint, stamp: Stamp) -> None:
    if case.stage == 1 and case.regime in CODE_REGIMES and case.status == Status.RESPONDED:
        case.escalate(stamp, route=EscalationRoute.STAGE_2, reason="Not resolved")
        return
    body = min(ombudsmen_for(case.regime))
    case.escalate(stamp, route=EscalationRoute.OMBUDSMAN, reason="Unhappy", body=body)


def _ombudsman(case: Complaint) -> Any:
    return case.ombudsman_bodies[0] if case.ombudsman_bodies else min(ombudsmen_for(case.regime))


def _open_action(case: Complaint) -> str:
    return next((a for a, e in case.actions.items() if e["completed_at"] is None), "A1")


def _remedy_id(case: Complaint) -> str:
    outcomes = case.records.get("ombudsman_outcomes", [])
    ids = [r["id"] for outcome in outcomes for r in outcome.get("remedies", [])]
    return ids[0] if ids else "R1"


def _today(stamp: Stamp) -> Any:
    return uk_local_date(stamp.occurred_at)


# Well-formed values for each command, so that only the case's state can refuse it.
RUNS: dict[str, Run] = {
    "acknowledge": lambda c, s: c.acknowledge(s),
    "agree_response_period": lambda c, s: c.agree_response_period(
        s, agreed_until=_today(s) + timedelta(days=200), agreed_with_complainant=True
    ),
    "extend_deadline": lambda c, s: c.extend_deadline(
        s,
        deadline=ExtendedDeadline.RESPONSE,
        working_days=5,
        reason="Complex",
        complainant_consent=True,
    ),
    "refer": lambda c, s: c.refer(s, to_organisation=OTHER, reason="Theirs", consent_to_share=True),
    "accept_referral": lambda c, s: c.accept_referral(s),
    "decline_referral": lambda c, s: c.decline_referral(s, reason="Not ours"),
    "recall_referral": lambda c, s: c.recall_referral(s, reason="Sent too soon"),
    "pass_on_referral": lambda c, s: c.pass_on_referral(
        s, to_organisation=THIRD, reason="Theirs", consent_to_share=True
    ),
    "accept_late_complaint": lambda c, s: c.accept_late_complaint(
        s, good_reason_for_delay="In hospital", can_investigate_effectively_and_fairly=True
    ),
    "decide_exclusion": lambda c, s: c.decide_exclusion(
        s, ground=ExclusionGround.BY_RESPONSIBLE_BODY, reason="Made by a responsible body"
    ),
    "start_investigation": lambda c, s: c.start_investigation(s, investigator=_free_person(c)),
    "assign_handler": lambda c, s: c.assign_handler(s, handler=_free_person(c), reason="Workload"),
    "record_evidence": lambda c, s: c.record_evidence(
        s, evidence_kind="visit log", source="provider", notes="Two visits missed"
    ),
    "update_complainant": lambda c, s: c.update_complainant(s, channel="phone", message="Soon"),
    "send_letter": lambda c, s: c.send_letter(
        s, kind=LetterKind.ACKNOWLEDGEMENT, text="Dear Pat, thank you", channel=LetterChannel.POST
    ),
    "record_local_resolution": lambda c, s: c.record_local_resolution(
        s, resolved=False, summary="Talked it through"
    ),
    "plan_action": lambda c, s: c.plan_action(
        s,
        action_id=f"A{len(c.actions) + 1}",
        description="Retrain the rota team",
        owner="Manager",
        due_on=_today(s) + timedelta(days=30),
    ),
    "complete_action": lambda c, s: c.complete_action(s, action_id=_open_action(c)),
    "send_response": lambda c, s: c.send_response(
        s,
        outcome=Outcome.PARTLY_UPHELD,
        remedies=(),
        signed_by="Director",
        ombudsman_rights_given=True,
        summary="Our findings",
    ),
    "pause_target": lambda c, s: c.pause_target(s, reason="Waiting for records"),
    "resume_target": lambda c, s: c.resume_target(s),
    "escalate": _escalate,
    "record_ombudsman_decision": lambda c, s: c.record_ombudsman_decision(
        s, body=_ombudsman(c), decision=OmbudsmanDecision.NOT_UPHELD
    ),
    "record_ombudsman_outcome": lambda c, s: c.record_ombudsman_outcome(
        s, body=_ombudsman(c), decision=OmbudsmanDecision.NOT_UPHELD, finding="No fault"
    ),
    "record_remedy_compliance": lambda c, s: c.record_remedy_compliance(
        s, remedy_id=_remedy_id(c), outcome=RemedyOutcome.COMPLIED, evidence="Letter sent"
    ),
    "acknowledge_regulator_notification": lambda c, s: c.acknowledge_regulator_notification(
        s, regulator=min(NATION_REGULATORS[NATIONS[c.regime]])
    ),
    "record_lesson": lambda c, s: c.record_lesson(
        s,
        lesson_id=f"L{len(c.records.get('lessons', [])) + 1}",
        theme="Timeliness",
        lesson="Rotas changed without notice",
        action="Notice of rota changes",
        shared_with_partners=False,
    ),
    "record_forum_review": lambda c, s: c.record_forum_review(
        s, forum="Complaints forum", findings="Handled well", handled_well=True
    ),
    "request_feedback": lambda c, s: c.request_feedback(s, channel="email"),
    "receive_feedback": lambda c, s: c.receive_feedback(s, satisfaction=4),
    "correct_fact": lambda c, s: c.correct_fact(
        s, field="service", new_value=f"service {len(c.correlation_ids)}", reason="Typo"
    ),
    "withdraw": lambda c, s: c.withdraw(s, reason="No longer wanted"),
    "close_case": lambda c, s: c.close(s, no_action_needed_reason="Nothing to change"),
    "reopen": lambda c, s: c.reopen(s, reason="New information"),
    "place_litigation_hold": lambda c, s: c.place_litigation_hold(s, reason="Claim issued"),
    "lift_litigation_hold": lambda c, s: c.lift_litigation_hold(s, reason="Claim settled"),
}


class Clock:
    def __init__(self) -> None:
        self.now = START
        self.ids = 0

    def stamp(self, case: Complaint, command: str) -> Stamp:
        """A manager of the organisation the command is for, now."""
        self.ids += 1
        organisation = case.handling_organisation
        if command in BY_RECEIVER and case.pending_referral:
            organisation = case.pending_referral["to"]
        return builders.stamp(
            self.now,
            actor=Actor("m.jones", organisation, Role.MANAGER),
            correlation_id=f"c{self.ids}",
        )


def refusals_seen(case: Complaint, command: str, stamp: Stamp) -> tuple[list[LedgerError], Any]:
    """Run `command` on `case` (a copy), watching its state check: the refusals it raised, and
    what the command raised (None when it was recorded)."""
    seen: list[LedgerError] = []
    check = case._require_state

    def watched(name: str) -> None:
        try:
            check(name)
        except LedgerError as refusal:
            seen.append(refusal)
            raise

    case._require_state = watched  # type: ignore[method-assign]
    try:
        RUNS[command](case, stamp)
    except LedgerError as error:
        return seen, error
    return seen, None


def assert_shown_is_accepted(case: Complaint, clock: Clock) -> None:
    for command in NAMES:
        refusal = case.state_refusal(command)
        seen, error = refusals_seen(copy.deepcopy(case), command, clock.stamp(case, command))
        if refusal is None:
            assert not seen, f"{command} was shown on a {case.status} case but refused: {seen[0]}"
        else:
            assert error is not None, f"{command} was hidden on a {case.status} case but accepted"
            assert seen, f"{command} failed before its state check: {error}"
            assert error is seen[0], f"{command} failed after its state check: {error}"
            assert (type(error), str(error)) == (type(refusal), str(refusal))


intakes = st.fixed_dictionaries(
    {
        "kind": st.sampled_from([Kind.COMPLAINT, Kind.COMPLAINT, Kind.CONCERN, Kind.COMPLIMENT]),
        "regime": st.sampled_from(list(RegimeId)),
        "matter_occurred_on": st.sampled_from([None, None, None, START.date().replace(year=2024)]),
    }
)
# The procedure's usual next steps, in the order a case takes them.
PROGRESS = (
    "accept_referral",
    "accept_late_complaint",
    "acknowledge",
    "start_investigation",
    "send_response",
    "escalate",
    "record_ombudsman_outcome",
    "request_feedback",
    "receive_feedback",
    "close_case",
    "reopen",
)


def next_commands(case: Complaint) -> st.SearchStrategy[str]:
    """Often the case's usual next step, so that deep states are reached; else a command its
    state allows, or any command at all."""
    shown = [name for name in NAMES if case.state_refusal(name) is None]
    usual = [name for name in PROGRESS if name in shown]
    return st.one_of(
        st.sampled_from(usual[:1] or NAMES),
        st.sampled_from(shown or NAMES),
        st.sampled_from(NAMES),
    )


gaps = st.integers(min_value=1, max_value=20 * 24 * 60)  # minutes the clock moves on


@settings(max_examples=60, deadline=None)
@given(intake=intakes, length=st.integers(min_value=1, max_value=30), data=st.data())
def test_a_command_shown_is_never_refused_by_its_state_and_one_hidden_always_is(
    intake: dict[str, Any], length: int, data: st.DataObject
) -> None:
    clock = Clock()
    case = builders.received(START, receiving_organisation=COUNCIL, **intake)
    assert_shown_is_accepted(case, clock)
    for _ in range(length):
        clock.now += timedelta(minutes=data.draw(gaps))
        command = data.draw(next_commands(case))
        try:
            RUNS[command](case, clock.stamp(case, command))
        except LedgerError:
            continue
        case.collect_events()
        assert_shown_is_accepted(case, clock)


def test_every_catalogue_command_has_a_state_check_and_a_run_here() -> None:
    case = builders.received(START)
    for command in NAMES:
        case.state_refusal(command)  # a command without a check is a KeyError
    assert set(RUNS) == set(NAMES)
