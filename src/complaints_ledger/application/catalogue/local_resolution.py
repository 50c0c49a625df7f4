"""Wales, reg 16: the local resolution discussion, which meets stage 1 and may resolve it."""

from __future__ import annotations

from complaints_ledger.application.catalogue.body import CommandBody
from complaints_ledger.application.catalogue.command import CaseCommand
from complaints_ledger.inputs import Text


class LocalResolutionDiscussion(CommandBody):
    resolved: bool
    summary: Text


RECORD_LOCAL_RESOLUTION = CaseCommand(
    name="record_local_resolution",
    path="/local-resolution",
    body=LocalResolutionDiscussion,
    run=lambda ledger, c: ledger.record_local_resolution(
        c.case_id, c.ctx, resolved=c.body.resolved, summary=c.body.summary
    ),
    summary="Record the local resolution discussion held with the complainant (Wales).",
    rule="WSI 2014/1794 reg 16(2)-(5): discussion within 10 working days of the "
    "acknowledgement; if it resolves the matter, its written terms within 5",
)
