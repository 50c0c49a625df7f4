"""Which demo referrals go wrong ('no wrong door'): the wrong door each one reaches first, and
the reasons given on the way (partners.py plans the steps)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from enum import StrEnum

from complaints_ledger.demo import organisations as orgs
from complaints_ledger.demo.timeline import chance

BRIGHTWATER, OAKFIELD, MEADOWBANK, WILLOW = orgs.PROVIDERS
# Who commissions each provider's council-arranged care (the council's own 'about' services).
COMMISSIONER = {
    BRIGHTWATER.name: orgs.NORTHSHIRE,
    MEADOWBANK.name: orgs.NORTHSHIRE,
    WILLOW.name: orgs.NORTHSHIRE,
    OAKFIELD.name: orgs.RIVERSIDE,
}
# The organisation a complaint about each one is sometimes wrongly sent to first.
WRONG_DOOR = {
    **COMMISSIONER,
    orgs.NHS.name: orgs.NORTHSHIRE,
    orgs.NORTHSHIRE.name: BRIGHTWATER,
    orgs.RIVERSIDE.name: OAKFIELD,
}
DECLINED_SHARE, PASSED_ON_SHARE = 0.2, 0.2  # of referrals made by Healthwatch
RECALLED_SHARE = 0.03  # of cases received by an organisation that deals with them


class DetourKind(StrEnum):
    DECLINED = "declined"  # declined by the wrong door, then referred where it suggested
    PASSED_ON = "passed_on"  # the wrong door passed it on to the right one
    RECALLED = "recalled"  # referred in error and recalled; the receiver deals with it


@dataclass(frozen=True)
class Detour:
    kind: DetourKind
    via: orgs.Organisation  # the wrong door


def choose_detour(
    rng: random.Random, receiver: orgs.Organisation, handler: orgs.Organisation
) -> Detour | None:
    via = WRONG_DOOR.get(handler.name)
    if via is None or via is receiver:
        return None
    if receiver is orgs.HEALTHWATCH_NORTHSHIRE:
        roll = rng.random()
        if roll < DECLINED_SHARE:
            return Detour(DetourKind.DECLINED, via)
        if roll < DECLINED_SHARE + PASSED_ON_SHARE:
            return Detour(DetourKind.PASSED_ON, via)
        return None
    if receiver is handler and chance(rng, RECALLED_SHARE):
        return Detour(DetourKind.RECALLED, via)
    return None


def why_not_via(handler: orgs.Organisation, via: orgs.Organisation) -> str:
    """Why the wrong door cannot deal with a complaint that `handler` deals with."""
    if handler.kind == "provider":
        return (
            f"{handler.name} is paid privately by the person: {via.name} did not arrange this "
            f"care, so {handler.name} deals with the complaint first"
        )
    if handler.kind == "nhs":
        return f"the complaint is about a decision of {handler.name}'s staff, not of {via.name}"
    return (
        f"the care is arranged by {handler.name}: complaints about council-arranged care are "
        "made to the council"
    )


def recall_reason(holder: orgs.Organisation, via: orgs.Organisation) -> str:
    if holder.kind == "provider":
        return f"the person pays for their own care, so the complaint is ours, not {via.name}'s"
    if holder.kind == "nhs":
        return f"the complaint is about our own staff's care, not about {via.name}"
    return f"the care is arranged by us, so the complaint is ours to answer, not {via.name}'s"
