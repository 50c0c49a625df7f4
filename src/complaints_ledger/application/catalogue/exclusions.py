"""Reg 8: a reasoned decision that a complaint is not dealt with under the Regulations."""

from __future__ import annotations

from complaints_ledger.application.catalogue.body import CommandBody
from complaints_ledger.application.catalogue.command import CaseCommand
from complaints_ledger.application.catalogue.rules import SI_2009
from complaints_ledger.domain.exclusions import ExclusionGround
from complaints_ledger.inputs import Text


class Exclusion(CommandBody):
    ground: ExclusionGround
    reason: Text


DECIDE_EXCLUSION = CaseCommand(
    name="decide_exclusion",
    path="/exclusion",
    body=Exclusion,
    run=lambda ledger, c: ledger.decide_exclusion(
        c.case_id, c.ctx, ground=c.body.ground, reason=c.body.reason
    ),
    summary="Decide that the complaint is not dealt with under the Regulations, with the ground.",
    rule=f"{SI_2009} reg 8(1)(a)-(h): complaints not required to be dealt with; the clocks stop",
)
