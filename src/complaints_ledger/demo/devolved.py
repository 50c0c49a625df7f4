"""The invented organisations of the demo world in Wales and Northern Ireland.

A Welsh county borough council (social services complaints under WSI 2014/1794, then the
Public Services Ombudsman for Wales) and a Northern Ireland health and social care trust (the
HSC complaints procedure, then NIPSO). Both names are invented: no real council or trust is meant.
"""

from __future__ import annotations

from complaints_ledger.demo import names
from complaints_ledger.demo.organisations import (
    ASSESSMENT,
    CHARGING,
    COMMUNICATION,
    DIGNITY,
    DISCHARGE,
    HOME_CARE,
    MEDICATION,
    RESIDENTIAL,
    SAFEGUARDING,
    Organisation,
    Service,
)
from complaints_ledger.domain.values import Ombudsman, RegimeId

CWMDERWEN = Organisation(
    name="Cwmderwen County Borough Council",
    kind="council",
    slug="cwmderwen",
    town="Cwmderwen",
    regime=RegimeId.WALES_2014,
    ombudsman=Ombudsman.PSOW,
    services=(
        Service("Adult social care assessment", (ASSESSMENT, COMMUNICATION)),
        Service("Domiciliary care", (HOME_CARE, COMMUNICATION)),
        Service("Care home placements", (RESIDENTIAL, DIGNITY)),
        Service("Charging for non-residential care", (CHARGING,)),
        Service("Safeguarding adults", (SAFEGUARDING,)),
        Service("Reablement after hospital", (DISCHARGE, ASSESSMENT)),
    ),
    officers=("Sioned Pritchard", "Iwan Llewellyn"),
    investigators=("Catrin Howells", "Dafydd Bowen", "Eleri Vaughan"),
    manager="Meinir Rees",
    signatory="Gwyn Tudor, Director of Social Services",
    forum="Cwmderwen Complaints Review Panel",
    people=names.WALES,
    advocacy="Cwmderwen Advocacy Service (independent professional advocate)",
)
LAGAN_VALE = Organisation(
    name="Lagan Vale Health and Social Care Trust",
    kind="nhs",
    slug="laganvale",
    town="Lagan Vale",
    regime=RegimeId.NI_HSC,
    ombudsman=Ombudsman.NIPSO,
    services=(
        Service("Care management assessment", (ASSESSMENT, COMMUNICATION)),
        Service("Domiciliary care (trust-arranged)", (HOME_CARE, MEDICATION)),
        Service("Residential and nursing home placements", (RESIDENTIAL, DIGNITY)),
        Service("Hospital discharge", (DISCHARGE, COMMUNICATION)),
        Service("Adult safeguarding", (SAFEGUARDING,)),
        Service("District nursing", (MEDICATION, DIGNITY)),
    ),
    officers=("Siobhan McAteer", "Ciaran Quinn"),
    investigators=("Roisin Devlin", "Declan Mulholland", "Aoife Gallagher"),
    manager="Brendan McCann",
    signatory="Dr Maeve Donnelly, Chief Executive",
    forum="Lagan Vale Service User Complaints Forum",
    people=names.NORTHERN_IRELAND,
    advocacy="Lagan Vale Independent Advocacy Service",
)
ALL = (CWMDERWEN, LAGAN_VALE)
