"""The ombudsmen and regulators of the demo world: their registered names and invented staff.

An ombudsman's decisions and its checks on remedies are recorded by one of its caseworkers, a
regulator's acknowledgements by one of its inspectors: principals of the body's own registered
organisation, in the role the access policy binds to that body.
"""

from __future__ import annotations

import random

from complaints_ledger.domain.values import Actor, Ombudsman, Regulator, Role

OMBUDSMAN_NAMES: dict[Ombudsman, str] = {
    Ombudsman.LGSCO: "Local Government and Social Care Ombudsman",
    Ombudsman.PHSO: "Parliamentary and Health Service Ombudsman",
    Ombudsman.SPSO: "Scottish Public Services Ombudsman",
    Ombudsman.PSOW: "Public Services Ombudsman for Wales",
    Ombudsman.NIPSO: "Northern Ireland Public Services Ombudsman",
    Ombudsman.HOUSING_OMBUDSMAN: "Housing Ombudsman",
}
REGULATOR_NAMES: dict[Regulator, str] = {
    Regulator.CQC: "Care Quality Commission",
    Regulator.CARE_INSPECTORATE: "Care Inspectorate",
    Regulator.CIW: "Care Inspectorate Wales",
    Regulator.RQIA: "Regulation and Quality Improvement Authority",
}
CASEWORKERS: dict[Ombudsman, tuple[str, ...]] = {
    Ombudsman.LGSCO: ("Karen Holt", "Femi Adeyemi", "Louise Carver"),
    Ombudsman.PHSO: ("Martin Greaves", "Anjali Rao"),
    Ombudsman.SPSO: ("Lorna Baird", "Calum Ross"),
    Ombudsman.PSOW: ("Nia Protheroe", "Aled Whitfield"),
    Ombudsman.NIPSO: ("Grainne Conlon", "Mark Irvine"),
    Ombudsman.HOUSING_OMBUDSMAN: ("Simon Ainsley",),
}
INSPECTORS: dict[Regulator, tuple[str, ...]] = {
    Regulator.CQC: ("Dawn Fellowes", "Ravi Mistry"),
    Regulator.CARE_INSPECTORATE: ("Ailsa Moffat",),
    Regulator.CIW: ("Heledd Price",),
    Regulator.RQIA: ("Patricia Lavery",),
}
SLUGS: dict[str, str] = {
    **{str(body): str(body).lower().replace(" ", "-") for body in Ombudsman},
    **{str(body): str(body).lower().replace(" ", "-") for body in Regulator},
}


def _principal(body: str, name: str) -> str:
    return f"{SLUGS[body]}:{name.lower().replace(' ', '.')}"


def ombudsman_actor(rng: random.Random, body: Ombudsman) -> Actor:
    """One of the ombudsman's caseworkers."""
    name = rng.choice(CASEWORKERS[body])
    return Actor(_principal(str(body), name), OMBUDSMAN_NAMES[body], Role.OMBUDSMAN)


def regulator_actor(rng: random.Random, regulator: Regulator) -> Actor:
    """One of the regulator's inspectors."""
    name = rng.choice(INSPECTORS[regulator])
    return Actor(_principal(str(regulator), name), REGULATOR_NAMES[regulator], Role.REGULATOR)
