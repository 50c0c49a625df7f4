"""Invented people for the demo: small name lists combined at random. No real person is meant.

Contact details use reserved ranges: e-mail at example.org/example.net (RFC 2606) and the
Ofcom drama number range 07700 900000-900999.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from complaints_ledger.demo.timeline import chance
from complaints_ledger.domain.values import ConsentBasis, Person, Representative

FEMALE_NAMES = (
    "Aisha", "Beatrice", "Bethan", "Ceri", "Deborah", "Eilidh", "Farah", "Fiona", "Grace",
    "Hannah", "Isla", "Joyce", "Kamala", "Leanne", "Margaret", "Morag", "Nadia", "Patricia",
    "Priya", "Rosa", "Shona", "Teresa", "Una", "Wendy", "Zofia",
)  # fmt: skip
MALE_NAMES = (
    "Alun", "Amrit", "Callum", "Daniel", "Emeka", "Gareth", "Hamish", "Imran", "Jacob", "Keith",
    "Lewis", "Marek", "Niall", "Olu", "Rhys", "Sandeep", "Stanley", "Tariq", "Vikram", "Yusuf",
)  # fmt: skip
LAST_NAMES = (
    "Abbott", "Achterberg", "Begum", "Blackwood", "Brennan", "Chowdhury", "Costa", "Dunmore",
    "Ellery", "Fairburn", "Gallacher", "Greenhalgh", "Haddow", "Hollins", "Iqbal", "Jaskowski",
    "Kettering", "Lindqvist", "MacRury", "Marchetti", "Nwosu", "Oduya", "Pennock", "Quarrie",
    "Rathbone", "Sandhu", "Tennant", "Thistlewood", "Underhill", "Varga", "Wetherall", "Yardley",
)  # fmt: skip
STREETS = (
    "Larch Close", "Mill Lane", "Harbour View", "Station Road", "Orchard Way", "Kiln Street",
    "Beacon Rise", "Foundry Walk", "Willowbank Drive", "Quarry Brae",
)  # fmt: skip
WELSH_FEMALE_NAMES = (
    "Angharad", "Bethan", "Carys", "Cerys", "Eirlys", "Elin", "Ffion", "Gwenllian", "Lowri",
    "Mared", "Nerys", "Rhiannon", "Sian", "Tegan",
)  # fmt: skip
WELSH_MALE_NAMES = (
    "Alun", "Bryn", "Dafydd", "Dai", "Emrys", "Gareth", "Gethin", "Huw", "Ieuan", "Iestyn",
    "Owain", "Rhodri", "Rhys", "Tomos",
)  # fmt: skip
WELSH_LAST_NAMES = (
    "Bevan", "Bowen", "Davies", "Evans", "Griffiths", "Howells", "Jenkins", "Llewellyn",
    "Meredith", "Morgan", "Parry", "Powell", "Prosser", "Pugh", "Rees", "Vaughan", "Watkins",
)  # fmt: skip
WELSH_STREETS = (
    "Heol y Felin", "Maes y Coed", "Ffordd yr Eglwys", "Stryd Fawr", "Bryn Teg", "Heol Newydd",
    "Tan y Bryn", "Cae Glas",
)  # fmt: skip
NI_FEMALE_NAMES = (
    "Aoife", "Bronagh", "Ciara", "Clodagh", "Eileen", "Gillian", "Niamh", "Orla", "Roisin",
    "Sinead", "Una", "Yvonne",
)  # fmt: skip
NI_MALE_NAMES = (
    "Brendan", "Ciaran", "Colm", "Conor", "Darren", "Eamon", "Kieran", "Padraig", "Ronan",
    "Seamus", "Trevor", "William",
)  # fmt: skip
NI_LAST_NAMES = (
    "Doherty", "Hamill", "Kerr", "Magee", "McAllister", "McCartan", "McCullough", "McKeown",
    "Mulholland", "O'Neill", "Quinn", "Rooney", "Stewart", "Thompson",
)  # fmt: skip
NI_STREETS = (
    "Lough View", "Glen Road", "Drumard Crescent", "Millbrook Park", "Ballycarn Lane",
    "Orchard Grove", "Meadowvale", "Church Hill",
)  # fmt: skip
FEMALE_RELATIONSHIPS = ("daughter", "wife", "niece", "sister")
MALE_RELATIONSHIPS = ("son", "husband", "nephew", "brother")
ANY_RELATIONSHIPS = ("friend", "neighbour", "partner")
ACCESSIBILITY_NEEDS = (
    "large print letters",
    "British Sign Language interpreter at meetings",
    "easy read information",
    "telephone contact only (sight loss)",
    "information in Polish",
    "hearing loop at meetings",
    "meetings at home (limited mobility)",
)


@dataclass(frozen=True)
class NamePool:
    """The names people of one area are given, and its streets."""

    female: tuple[str, ...]
    male: tuple[str, ...]
    last: tuple[str, ...]
    streets: tuple[str, ...]


ANYWHERE = NamePool(FEMALE_NAMES, MALE_NAMES, LAST_NAMES, STREETS)
WALES = NamePool(WELSH_FEMALE_NAMES, WELSH_MALE_NAMES, WELSH_LAST_NAMES, WELSH_STREETS)
NORTHERN_IRELAND = NamePool(NI_FEMALE_NAMES, NI_MALE_NAMES, NI_LAST_NAMES, NI_STREETS)


def full_name(
    rng: random.Random, first_names: tuple[str, ...] | None = None, pool: NamePool = ANYWHERE
) -> str:
    first = rng.choice(first_names or rng.choice((pool.female, pool.male)))
    return f"{first} {rng.choice(pool.last)}"


def person(
    rng: random.Random,
    town: str,
    first_names: tuple[str, ...] | None = None,
    pool: NamePool = ANYWHERE,
) -> Person:
    name = full_name(rng, first_names, pool)
    handle = name.lower().replace(" ", ".").replace("'", "")
    email = f"{handle}@example.{rng.choice(('org', 'net'))}" if chance(rng, 0.6) else None
    phone = f"07700 900{rng.randrange(1000):03d}" if email is None or chance(rng, 0.5) else None
    address = f"{rng.randrange(1, 120)} {rng.choice(pool.streets)}, {town}"
    return Person(name=name, email=email, phone=phone, address=address)


def representative(
    rng: random.Random, town: str, *, care_home: bool, pool: NamePool = ANYWHERE
) -> Representative:
    consent = ConsentBasis.GIVEN
    if care_home and chance(rng, 0.35):  # residents lacking capacity
        consent = ConsentBasis.LACKS_CAPACITY
    elif chance(rng, 0.08):  # complaints made after the person has died
        consent = ConsentBasis.DECEASED
    group, first_names = rng.choice(
        (
            (FEMALE_RELATIONSHIPS, pool.female),
            (MALE_RELATIONSHIPS, pool.male),
            (ANY_RELATIONSHIPS, None),
        )
    )
    return Representative(
        person=person(rng, town, first_names, pool),
        relationship=rng.choice(group),
        consent=consent,
    )


def accessibility_needs(rng: random.Random) -> tuple[str, ...]:
    return (rng.choice(ACCESSIBILITY_NEEDS),)
