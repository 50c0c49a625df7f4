"""The clocks of Wales (WSI 2014/1794) and Northern Ireland (the HSC complaints procedure).

Wales, reg 16: the local authority offers to discuss the complaint within 10 working days of
acknowledging it (reg 16(3)); the stage 1 deadline is met by that discussion or by a written
response, whichever comes first. When the discussion resolves the matter to the complainant's
satisfaction, the written terms of the resolution are due within 5 working days (reg 16(5)),
met by the stage 1 response. The legislation text we hold breaks off before naming the day
the 5 working days count from; we count from the day of the discussion that resolved it (see
docs/regimes.md). Sources for every figure: docs/regimes.md.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from complaints_ledger.domain.calendars import uk_local_date
from complaints_ledger.domain.clock_model import (
    RECEIPT,
    S1,
    S2,
    Clock,
    Deadline,
    Step,
    ack_then_respond,
)

WSI_2014 = "WSI 2014/1794"
WELSH_ACKNOWLEDGEMENT = Step("acknowledgement", f"{WSI_2014} reg 15(2)", "acknowledgement", 2)
WELSH_DISCUSSION = Step(
    "response", f"{WSI_2014} reg 16(3)-(4)", "local resolution discussion", 10, S1
)
WRITTEN_RESOLUTION = Step(
    "written_resolution",
    f"{WSI_2014} reg 16(5)",
    "written details of the terms of the resolution",
    5,
)
FORMAL_INVESTIGATION = Step(
    "stage_2_response",
    f"{WSI_2014}, formal investigation",
    "formal investigation response",
    25,
    S2,
)
_HSC = "HSC Complaints Procedure (NI)"
_NI = (
    Step("acknowledgement", f"{_HSC}, acknowledgement", "acknowledgement", 2),
    Step("response", f"{_HSC}, response", "response", 20, S1),
)
_DISCUSSION_MEETS = (
    " It is met by the local resolution discussion or by a written stage 1 response, "
    "whichever comes first."
)
_START_INFERRED = (
    "; the regulation's text as held breaks off before its start point, so the 5 working days "
    "are counted from the day the matter was resolved (an inference: docs/regimes.md)"
)


def _first(*moments: datetime | None) -> datetime | None:
    return min((m for m in moments if m is not None), default=None)


def wales(clock: Clock) -> list[Deadline]:
    """Wales 2014: acknowledge in 2 WD; discuss within 10 WD of it; if the discussion resolves
    the matter, its written terms within 5 WD; formal investigation 25 WD of the request."""
    facts = clock.facts
    discussed = _first(facts.local_resolution_discussed_at, facts.responded_at)
    stage_1 = replace(clock, facts=replace(facts, responded_at=discussed))
    ack, discussion = ack_then_respond(
        stage_1, (WELSH_ACKNOWLEDGEMENT, WELSH_DISCUSSION), clock.receipt, RECEIPT, stage_2=False
    )
    if clock.explaining:
        discussion = replace(discussion, explanation=discussion.explanation + _DISCUSSION_MEETS)
    result = [ack, discussion]
    resolved = facts.local_resolution_resolved_at
    if resolved is not None:
        counts_from = "the day of the discussion that resolved the matter"
        result.append(
            clock.working_days(
                WRITTEN_RESOLUTION,
                uk_local_date(resolved),
                counts_from,
                facts.responded_at,
                _START_INFERRED,
            )
        )
    requested = facts.stage_2_requested_at
    if requested is not None:
        met_at, counts_from = facts.stage_2_responded_at, "the day of the request"
        result.append(
            clock.working_days(FORMAL_INVESTIGATION, uk_local_date(requested), counts_from, met_at)
        )
    return result


def northern_ireland(clock: Clock) -> list[Deadline]:
    """HSC (NI): acknowledge within 2 and respond within 20 working days of receipt."""
    facts, (ack, response) = clock.facts, _NI
    return [
        clock.working_days(ack, clock.receipt, RECEIPT, facts.acknowledged_at),
        clock.working_days(response, clock.receipt, RECEIPT, facts.responded_at),
    ]
