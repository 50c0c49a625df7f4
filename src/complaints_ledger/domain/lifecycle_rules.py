"""What the case's state must be for the lifecycle's commands (lifecycle.py): the statuses each
accepts, and the regime's and stage's part, checked by the command before it records anything
and asked by `Complaint.state_refusal`."""

from __future__ import annotations

from collections.abc import Mapping

from complaints_ledger.domain.case_state import (
    OPEN_STATUSES,
    STAGE_2,
    CaseBase,
    StateCheck,
    require_status,
    status_rule,
)
from complaints_ledger.domain.errors import RuleViolationError
from complaints_ledger.domain.values import Kind, RegimeId, Status

ACKNOWLEDGEABLE = frozenset({Status.RECEIVED, Status.ESCALATED})
REFERABLE = frozenset({Status.RECEIVED, Status.ACKNOWLEDGED, Status.INVESTIGATING})
HANDLING = frozenset({Status.RECEIVED, Status.ACKNOWLEDGED, Status.INVESTIGATING, Status.ESCALATED})
WITHDRAWABLE = OPEN_STATUSES
# Regimes with stage 1 extensions and a second local stage (Northern Ireland has no second stage)
CODE_REGIMES = frozenset(
    {
        RegimeId.LGSCO_CODE,
        RegimeId.HOUSING_OMBUDSMAN_CODE,
        RegimeId.SPSO_MCHP,
        RegimeId.WALES_2014,
    }
)
EXTENDABLE_REGIMES = CODE_REGIMES | {RegimeId.NI_HSC}


def require_english_period(case: CaseBase, field: str) -> None:
    if case.regime != RegimeId.ENGLAND_2009:
        raise RuleViolationError(
            f"an agreed response period applies to england-2009 only; under {case.regime} "
            "extend the deadline instead",
            field=field,
        )


def _period_agreeable(case: CaseBase) -> None:
    require_status(case, "agree a response period", HANDLING)
    require_english_period(case, "agreed_until")


def _extendable(case: CaseBase) -> None:
    require_status(case, "extend a deadline", HANDLING)
    if case.regime not in EXTENDABLE_REGIMES:
        raise RuleViolationError(
            "england-2009 has no extensions: agree a longer response period with the "
            "complainant before the current one expires",
            field="deadline",
            rule="SI 2009/309 reg 14(2)(b)",
        )


def _referable(case: CaseBase) -> None:
    require_status(case, "refer", REFERABLE)
    if case.stage == STAGE_2:
        raise RuleViolationError(
            "a complaint at stage 2 stays with the organisation that handled stage 1",
            field="status",
        )


def _late(case: CaseBase) -> None:
    require_status(case, "accept a late complaint", HANDLING)
    if case.time_limit().in_time:
        raise RuleViolationError(
            "the complaint was made in time; there is nothing to accept", field="time_limit"
        )


def _closable(case: CaseBase) -> None:
    closable = frozenset({Status.RESPONDED})
    if case.kind == Kind.COMPLIMENT:
        closable = frozenset({Status.RECEIVED, Status.ACKNOWLEDGED})
    require_status(case, "close", closable)


LIFECYCLE_RULES: Mapping[str, StateCheck] = {
    "acknowledge": status_rule("acknowledge", ACKNOWLEDGEABLE),
    "agree_response_period": _period_agreeable,
    "extend_deadline": _extendable,
    "refer": _referable,
    "accept_referral": status_rule("accept a referral", frozenset({Status.REFERRED})),
    "accept_late_complaint": _late,
    "withdraw": status_rule("withdraw", WITHDRAWABLE),
    "close_case": _closable,
    "reopen": status_rule("reopen", frozenset({Status.CLOSED})),
}
