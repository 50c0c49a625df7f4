"""The invented organisations of the demo world in England and Scotland: councils, providers, an
NHS trust, Healthwatch (Wales and Northern Ireland: devolved.py; all of them: world.py).

Each has its complaints staff (officers, investigators, a manager) and the person who signs the
responses. Services name the subjects complaints about them usually raise, and the regime they
fall under when it differs from the organisation's usual one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from complaints_ledger.demo.names import ANYWHERE, NamePool
from complaints_ledger.domain.calendars import Calendar
from complaints_ledger.domain.regime_rules import CALENDARS
from complaints_ledger.domain.values import Actor, Ombudsman, RegimeId, Role

LGSCO_CODE_FROM = date(2026, 4, 1)  # the LGSCO Complaint Handling Code applies from this date


@dataclass(frozen=True)
class Service:
    name: str
    subjects: tuple[str, ...]
    about: str | None = None  # another organisation the service is provided by
    regime: RegimeId | None = None  # when not the organisation's usual regime
    ombudsman: Ombudsman | None = None  # when not the organisation's usual ombudsman


@dataclass(frozen=True)
class Organisation:
    name: str
    kind: str  # council, provider, nhs, healthwatch
    slug: str
    town: str
    regime: RegimeId
    ombudsman: Ombudsman
    services: tuple[Service, ...]
    officers: tuple[str, ...]
    investigators: tuple[str, ...]
    manager: str
    signatory: str
    forum: str | None = None
    backlog_since: date | None = None  # short-staffed since: late acknowledgements and responses
    non_statutory: tuple[Service, ...] = ()  # lgsco-code services (councils, from 1 Apr 2026)
    people: NamePool = ANYWHERE  # the names of the people who complain to it
    advocacy: str = "Northshire Advocacy Hub (Care Act independent advocate)"

    @property
    def calendar(self) -> Calendar:
        return CALENDARS[self.regime]

    def actor(self, name: str, role: Role = Role.OFFICER) -> Actor:
        return Actor(f"{self.slug}:{name.lower().replace(' ', '.')}", self.name, role)

    @property
    def manager_actor(self) -> Actor:
        return self.actor(self.manager, Role.MANAGER)


ASSESSMENT, RESIDENTIAL, HOME_CARE = "assessment and care planning", "residential care", "home care"
CHARGING, SAFEGUARDING, COMMUNICATION = "charging", "safeguarding", "communication"
ATTITUDE, DIGNITY = "staff attitude", "dignity and privacy"
DISCHARGE, MEDICATION = "discharge and transfers", "medication"
SUBJECTS: tuple[str, ...] = (ASSESSMENT, RESIDENTIAL, HOME_CARE, CHARGING, SAFEGUARDING)
SUBJECTS += (COMMUNICATION, ATTITUDE, DIGNITY, DISCHARGE, MEDICATION)
ANY_SERVICE_SUBJECTS = (COMMUNICATION, ATTITUDE, DIGNITY)  # any service can raise these

BRIGHTWATER = "Brightwater Home Care Ltd"
OAKFIELD = "Oakfield House Residential Home"
MEADOWBANK = "Meadowbank Day Services"
WILLOW = "Willow Lodge Nursing Home"
NHS_TRUST = "Northshire Hospitals NHS Foundation Trust"
HEALTHWATCH = "Healthwatch Northshire"


def _council_services(care_home: str) -> tuple[Service, ...]:
    return (
        Service("Adult social care assessment", (ASSESSMENT, COMMUNICATION)),
        Service("Home care (council-commissioned)", (HOME_CARE,), about=BRIGHTWATER),
        Service("Residential care placements", (RESIDENTIAL, DIGNITY), about=care_home),
        Service("Financial assessment and charging", (CHARGING, COMMUNICATION)),
        Service("Safeguarding adults", (SAFEGUARDING,)),
        Service("Hospital discharge and reablement", (DISCHARGE, ASSESSMENT)),
        Service("Day services (council-commissioned)", (COMMUNICATION, DIGNITY), about=MEADOWBANK),
    )


_CODE = RegimeId.LGSCO_CODE
_NON_STATUTORY = (
    Service("Disabled facilities grants", (COMMUNICATION, ASSESSMENT), regime=_CODE),
    Service("Blue Badge scheme", (COMMUNICATION, ATTITUDE), regime=_CODE),
    Service("Customer contact centre", (ATTITUDE, COMMUNICATION), regime=_CODE),
)

NORTHSHIRE = Organisation(
    name="Northshire County Council",
    kind="council",
    slug="northshire",
    town="Northshire",
    regime=RegimeId.ENGLAND_2009,
    ombudsman=Ombudsman.LGSCO,
    services=_council_services(WILLOW),
    officers=("Rachel Okafor", "Tom Hesketh", "Lena Marsh"),
    investigators=("Jon Pryce", "Saira Malik", "Graham Tully", "Nia Roberts"),
    manager="Helen Ashdown",
    signatory="Marcus Bell, Director of Adult Social Services",
    forum="Northshire Complaints Forum",
    backlog_since=date(2026, 7, 1),
    non_statutory=_NON_STATUTORY,
)
RIVERSIDE = Organisation(
    name="Riverside City Council",
    kind="council",
    slug="riverside",
    town="Riverside",
    regime=RegimeId.ENGLAND_2009,
    ombudsman=Ombudsman.LGSCO,
    services=(
        *_council_services(OAKFIELD),
        Service(
            "Sheltered housing",
            (COMMUNICATION, ATTITUDE),
            regime=RegimeId.HOUSING_OMBUDSMAN_CODE,
            ombudsman=Ombudsman.HOUSING_OMBUDSMAN,
        ),
    ),
    officers=("Dev Patel", "Claire Dunne", "Kwame Asante"),
    investigators=("Sophie Lang", "Ahmed Rahman", "Bridget Cole"),
    manager="Paul Whitcombe",
    signatory="Angela Frost, Director of Adult Social Care",
    forum="Riverside Care Complaints Panel",
    non_statutory=_NON_STATUTORY,
)
GLENBURN = Organisation(
    name="Glenburn Council",
    kind="council",
    slug="glenburn",
    town="Glenburn",
    regime=RegimeId.SPSO_MCHP,
    ombudsman=Ombudsman.SPSO,
    services=(
        Service("Care at home", (HOME_CARE, COMMUNICATION)),
        Service("Social work assessment", (ASSESSMENT,)),
        Service("Care home placements", (RESIDENTIAL, DIGNITY)),
        Service("Charging for non-residential care", (CHARGING,)),
        Service("Community alarm service", (COMMUNICATION,)),
    ),
    officers=("Catriona Boyd", "Euan Fraser"),
    investigators=("Mhairi Campbell", "Stuart Ogilvie", "Kirsty Reid"),
    manager="Alasdair Munro",
    signatory="Fiona Lennox, Chief Social Work Officer",
    forum="Glenburn Complaints Review Forum",
    backlog_since=date(2026, 8, 1),
    advocacy="Glenburn Independent Advocacy (independent advocate)",
)
PROVIDERS = (
    Organisation(
        name=BRIGHTWATER,
        kind="provider",
        slug="brightwater",
        town="Northshire",
        regime=RegimeId.ENGLAND_2009,
        ombudsman=Ombudsman.LGSCO,
        services=(Service("Home care (self-funded)", (HOME_CARE, MEDICATION)),),
        officers=("Jade Winter",),
        investigators=("Owen Price", "Carla Mendes"),
        manager="Susan Yeo",
        signatory="Susan Yeo, Registered Manager",
    ),
    Organisation(
        name=OAKFIELD,
        kind="provider",
        slug="oakfield",
        town="Riverside",
        regime=RegimeId.ENGLAND_2009,
        ombudsman=Ombudsman.LGSCO,
        services=(Service("Residential care (self-funded)", (RESIDENTIAL, DIGNITY)),),
        officers=("Becky Lowe",),
        investigators=("Martin Shaw", "Ifeoma Eze"),
        manager="Gillian Hart",
        signatory="Gillian Hart, Registered Manager",
    ),
    Organisation(
        name=MEADOWBANK,
        kind="provider",
        slug="meadowbank",
        town="Northshire",
        regime=RegimeId.ENGLAND_2009,
        ombudsman=Ombudsman.LGSCO,
        services=(Service("Day services", (COMMUNICATION, DIGNITY)),),
        officers=("Luke Farrow",),
        investigators=("Dana Kerr",),
        manager="Peter Lum",
        signatory="Peter Lum, Service Manager",
    ),
    Organisation(
        name=WILLOW,
        kind="provider",
        slug="willowlodge",
        town="Riverside",
        regime=RegimeId.ENGLAND_2009,
        ombudsman=Ombudsman.LGSCO,
        services=(Service("Nursing care (self-funded)", (MEDICATION, DIGNITY, RESIDENTIAL)),),
        officers=("Amy Stroud",),
        investigators=("Joseph Mwangi", "Ruth Fenwick"),
        manager="Caroline Ede",
        signatory="Caroline Ede, Registered Manager and Nurse Lead",
    ),
)
NHS = Organisation(
    name=NHS_TRUST,
    kind="nhs",
    slug="nhft",
    town="Northshire",
    regime=RegimeId.ENGLAND_2009,
    ombudsman=Ombudsman.PHSO,
    services=(
        Service("Hospital discharge", (DISCHARGE, COMMUNICATION)),
        Service("District nursing", (MEDICATION, DIGNITY)),
        Service("Community rehabilitation", (ASSESSMENT, DISCHARGE)),
    ),
    officers=("Hannah Igwe", "Rob Sefton"),
    investigators=("Dr Lucy Amis", "Mark Ridley", "Sister Joan Okoro"),
    manager="Elaine Broad",
    signatory="Dr Simon Kerr, Chief Executive",
)
HEALTHWATCH_NORTHSHIRE = Organisation(
    name=HEALTHWATCH,
    kind="healthwatch",
    slug="healthwatch",
    town="Northshire",
    regime=RegimeId.ENGLAND_2009,
    ombudsman=Ombudsman.LGSCO,
    services=(),
    officers=("Gemma Rowntree", "Ibrahim Sultan"),
    investigators=(),
    manager="Carol Dyson",
    signatory="Carol Dyson, Healthwatch Manager",
)
ENGLISH_COUNCILS = (NORTHSHIRE, RIVERSIDE)
# Where Healthwatch refers feedback to, and how often.
HEALTHWATCH_TARGETS: tuple[tuple[Organisation, int], ...] = (
    (NORTHSHIRE, 4),
    (PROVIDERS[0], 3),
    (PROVIDERS[1], 2),
    (PROVIDERS[3], 2),
    (NHS, 3),
)
