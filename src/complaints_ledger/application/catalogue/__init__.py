"""Every case command, declared once: the HTTP routes, the access policy and the CLI come from here.

Adding a command: its domain method, its ledger method (commands.py, or its part's mixin:
referral_commands.py, outcome_commands.py, ...), its body (bodies.py), one `CaseCommand` in
procedure.py, aftercare.py or its part's module (letters.py, ...), listed below, and tests.
Each `rule` names what the command serves: the regulation, code or duty.
"""

from __future__ import annotations

from typing import Any

from complaints_ledger.application.catalogue.aftercare import (
    CLOSE_CASE,
    CORRECT_FACT,
    ESCALATE,
    LIFT_LITIGATION_HOLD,
    PLACE_LITIGATION_HOLD,
    RECEIVE_FEEDBACK,
    RECORD_FORUM_REVIEW,
    RECORD_LESSON,
    RECORD_OMBUDSMAN_DECISION,
    REOPEN,
    REQUEST_FEEDBACK,
    WITHDRAW,
)
from complaints_ledger.application.catalogue.command import CaseCommand, CommandCall
from complaints_ledger.application.catalogue.exclusions import DECIDE_EXCLUSION
from complaints_ledger.application.catalogue.letters import SEND_LETTER
from complaints_ledger.application.catalogue.local_resolution import RECORD_LOCAL_RESOLUTION
from complaints_ledger.application.catalogue.outcomes import (
    ACKNOWLEDGE_REGULATOR_NOTIFICATION,
    RECORD_OMBUDSMAN_OUTCOME,
    RECORD_REMEDY_COMPLIANCE,
)
from complaints_ledger.application.catalogue.procedure import (
    ACCEPT_LATE_COMPLAINT,
    ACCEPT_REFERRAL,
    ACKNOWLEDGE,
    AGREE_RESPONSE_PERIOD,
    ASSIGN_HANDLER,
    COMPLETE_ACTION,
    DECLINE_REFERRAL,
    EXTEND_DEADLINE,
    PASS_ON_REFERRAL,
    PAUSE_TARGET,
    PLAN_ACTION,
    RECALL_REFERRAL,
    RECORD_EVIDENCE,
    REFER,
    RESUME_TARGET,
    SEND_RESPONSE,
    START_INVESTIGATION,
    UPDATE_COMPLAINANT,
)

__all__ = ["CATALOGUE", "CaseCommand", "CommandCall", "command_named"]

CATALOGUE: tuple[CaseCommand[Any], ...] = (
    ACKNOWLEDGE,
    AGREE_RESPONSE_PERIOD,
    EXTEND_DEADLINE,
    REFER,
    ACCEPT_REFERRAL,
    DECLINE_REFERRAL,
    RECALL_REFERRAL,
    PASS_ON_REFERRAL,
    ACCEPT_LATE_COMPLAINT,
    DECIDE_EXCLUSION,
    START_INVESTIGATION,
    ASSIGN_HANDLER,
    RECORD_EVIDENCE,
    UPDATE_COMPLAINANT,
    RECORD_LOCAL_RESOLUTION,
    PLAN_ACTION,
    COMPLETE_ACTION,
    SEND_RESPONSE,
    SEND_LETTER,
    PAUSE_TARGET,
    RESUME_TARGET,
    ESCALATE,
    RECORD_OMBUDSMAN_DECISION,
    RECORD_OMBUDSMAN_OUTCOME,
    RECORD_REMEDY_COMPLIANCE,
    ACKNOWLEDGE_REGULATOR_NOTIFICATION,
    RECORD_LESSON,
    RECORD_FORUM_REVIEW,
    REQUEST_FEEDBACK,
    RECEIVE_FEEDBACK,
    CORRECT_FACT,
    WITHDRAW,
    CLOSE_CASE,
    REOPEN,
    PLACE_LITIGATION_HOLD,
    LIFT_LITIGATION_HOLD,
)
_BY_NAME = {command.name: command for command in CATALOGUE}


def command_named(name: str) -> CaseCommand[Any]:
    """The command whose ledger method is `name`; KeyError for none (a programming error)."""
    return _BY_NAME[name]
