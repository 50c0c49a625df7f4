"""The annual report's complaints refused: complaints found not required to be dealt with under
SI 2009/309 (reg 8), listed apart from those handled, by ground (the LGSCO Code's annual report
also asks for complaints refused)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from complaints_ledger.domain.exclusions import GROUND_RULES, ExclusionGround

REFUSED = "refused"  # the annual report's resolution of a complaint refused under reg 8
REFUSAL_DEFINITIONS: dict[str, str] = {
    "complaints_refused": (
        "Complaints decided in the year not to be dealt with under SI 2009/309 (reg 8(1)), "
        "counted once, in the year of the decision, with the ground of reg 8(1)(a)-(h) under "
        "refused_by_ground. They are still counted as received; they are not responses, and in "
        "the KO41 counts they are resolved (ended by 'refused') when decided. A reopened "
        "complaint is no longer refused. Grounds: "
        + "; ".join(f"{g} = {rule}" for g, rule in GROUND_RULES.items())
        + "."
    ),
}


def refusal_counts(
    complaints: Sequence[dict[str, Any]], start: datetime, end: datetime
) -> dict[str, Any]:
    refused = [
        c
        for c in complaints
        if c["resolution"] == REFUSED and start <= datetime.fromisoformat(c["resolved_at"]) < end
    ]
    by_ground = Counter(c["refused_ground"] for c in refused)
    return {
        "complaints_refused": len(refused),
        "refused_by_ground": {str(ground): by_ground[ground] for ground in ExclusionGround},
    }
