"""A manager assigns a case's handler, or hands it to another: HandlerAssigned, a fact of its
own (starting the investigation keeps naming the investigator, who handles the case)."""

from __future__ import annotations

import pytest

from complaints_ledger.domain.complaint import Complaint
from complaints_ledger.domain.errors import (
    CaseClosedError,
    InvalidValueError,
    NotPermittedError,
    RuleViolationError,
)
from complaints_ledger.domain.values import (
    EscalationRoute,
    Outcome,
    RegimeId,
    Remedy,
    Status,
)
from tests.builders import MANAGER, OFFICER, day, received, stamp


def respond(case: Complaint, when: float) -> None:
    case.send_response(
        stamp(day(when)),
        outcome=Outcome.NOT_UPHELD,
        remedies=(Remedy.EXPLANATION,),
        signed_by="Head of Service",
        ombudsman_rights_given=True,
        summary="The visit logs show the carer came.",
    )


def assigned(case: Complaint) -> list[dict[str, object]]:
    return [
        {k: getattr(e, k) for k in ("stage", "handler", "previous_handler", "reason")}
        for e in case.collect_events()
        if type(e).__name__ == "HandlerAssigned"
    ]


def test_a_manager_assigns_an_unassigned_case_and_then_reassigns_it() -> None:
    case = received()
    assert case.handler is None

    case.assign_handler(stamp(day(0.1), actor=MANAGER), handler=" p.jones ")
    case.acknowledge(stamp(day(0.2)))
    case.assign_handler(stamp(day(1), actor=MANAGER), handler="a.khan", reason="p.jones on leave")

    assert case.handler == "a.khan"
    assert case.status == Status.ACKNOWLEDGED  # assigning is not starting the investigation
    assert case.investigators == {}
    assert assigned(case) == [
        {"stage": 1, "handler": "p.jones", "previous_handler": None, "reason": None},
        {
            "stage": 1,
            "handler": "a.khan",
            "previous_handler": "p.jones",
            "reason": "p.jones on leave",
        },
    ]


def test_the_investigator_handles_the_case_until_a_manager_hands_it_on() -> None:
    case = received()
    case.acknowledge(stamp(day(0.2)))
    case.start_investigation(stamp(day(0.3)), investigator="p.jones")
    assert case.handler == "p.jones"

    case.assign_handler(stamp(day(2), actor=MANAGER), handler="a.khan")

    assert case.handler == "a.khan"
    assert case.investigators == {"1": "p.jones"}  # who started the investigation stays recorded
    assert assigned(case)[-1]["previous_handler"] == "p.jones"


def test_only_a_manager_or_admin_assigns() -> None:
    case = received()
    with pytest.raises(NotPermittedError, match="needs a manager or admin"):
        case.assign_handler(stamp(day(0.1), actor=OFFICER), handler="p.jones")


@pytest.mark.parametrize("handler", ["", "   "])
def test_the_handler_must_be_named(handler: str) -> None:
    with pytest.raises(InvalidValueError, match="handler must not be empty") as refused:
        received().assign_handler(stamp(day(0.1), actor=MANAGER), handler=handler)
    assert refused.value.field == "handler"


def test_assigning_the_same_handler_again_is_refused() -> None:
    case = received()
    case.assign_handler(stamp(day(0.1), actor=MANAGER), handler="p.jones")
    with pytest.raises(RuleViolationError, match=r"already handled by p\.jones"):
        case.assign_handler(stamp(day(0.2), actor=MANAGER), handler="p.jones")


def test_a_closed_or_withdrawn_case_is_not_assigned() -> None:
    closed = received()
    closed.acknowledge(stamp(day(0.2)))
    respond(closed, 1)
    closed.close(stamp(day(2), actor=MANAGER))
    with pytest.raises(CaseClosedError, match="cannot assign the handler: the case is closed"):
        closed.assign_handler(stamp(day(3), actor=MANAGER), handler="p.jones")
    withdrawn = received()
    withdrawn.withdraw(stamp(day(1)), reason="no longer wishes to pursue")
    with pytest.raises(CaseClosedError, match="withdrawn"):
        withdrawn.assign_handler(stamp(day(3), actor=MANAGER), handler="p.jones")


def test_a_pending_referral_is_not_assigned_by_its_holder() -> None:
    case = received()
    case.refer(
        stamp(day(0.5)), to_organisation="Other Council", reason="theirs", consent_to_share=True
    )
    with pytest.raises(RuleViolationError, match="while the case is referred") as refused:
        case.assign_handler(stamp(day(1), actor=MANAGER), handler="p.jones")
    assert refused.value.field == "status"


def test_the_stage_2_handler_is_not_who_handled_stage_1() -> None:
    case = received(regime=RegimeId.LGSCO_CODE)
    case.acknowledge(stamp(day(0.2)))
    case.start_investigation(stamp(day(0.3)), investigator="p.jones")
    case.assign_handler(stamp(day(1), actor=MANAGER), handler="a.khan")
    respond(case, 2)
    case.escalate(stamp(day(3)), route=EscalationRoute.STAGE_2, reason="not resolved")
    assert case.handler is None  # stage 2 has nobody yet

    for stage_1 in ("p.jones", "a.khan"):
        with pytest.raises(RuleViolationError, match="stage 2 handler must not be") as refused:
            case.assign_handler(stamp(day(4), actor=MANAGER), handler=stage_1)
        assert refused.value.field == "handler"
    case.acknowledge(stamp(day(4)))
    with pytest.raises(RuleViolationError, match="stage 2 investigator must not be"):
        case.start_investigation(stamp(day(4.5)), investigator="a.khan")
    case.assign_handler(stamp(day(5), actor=MANAGER), handler="r.singh")
    assert case.handler == "r.singh"


def test_accepting_a_referral_forgets_the_origins_handler() -> None:
    case = received()
    case.assign_handler(stamp(day(0.1), actor=MANAGER), handler="p.jones")
    case.refer(
        stamp(day(0.5)), to_organisation="Other Council", reason="theirs", consent_to_share=True
    )
    receiver = stamp(day(1), actor=OFFICER.__class__("x.lee", "Other Council"))
    case.accept_referral(receiver)
    assert case.handler is None


def test_a_snapshot_from_before_assignments_names_each_stage_s_investigator_its_handler() -> None:
    state: dict[str, object] = {"investigators": {"1": "p.jones", "2": "a.khan"}}
    Complaint.upcast_v3_v4(state)
    assert state["handlers"] == {"1": "p.jones", "2": "a.khan"}
    assert state["investigators"] == {"1": "p.jones", "2": "a.khan"}
    assert state["handlers"] is not state["investigators"]  # a copy: each changes alone
