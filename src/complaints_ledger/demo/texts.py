"""Invented wording for the demo: what people complained about, evidence, actions and lessons."""

from __future__ import annotations

import random

from complaints_ledger.domain.values import Kind, Remedy

COMPLAINTS: dict[str, tuple[str, ...]] = {
    "assessment and care planning": (
        "My mother's assessment took four months and the plan does not reflect her needs.",
        "The reassessment cut my support hours without anyone visiting me.",
        "The care plan was never shared with the family despite several requests.",
    ),
    "residential care": (
        "My father was moved rooms twice without the family being told.",
        "Residents are left in the lounge for hours with nothing to do.",
        "The home did not tell us about a fall until two days later.",
    ),
    "home care": (
        "Carers missed three evening visits in one week; my husband went without a meal.",
        "Visits are regularly cut short to ten minutes when fifteen are booked.",
        "A different carer arrives almost every day and none know the routine.",
    ),
    "charging": (
        "The financial assessment counted my disability benefit twice.",
        "I received a bill for six months of charges nobody had warned me about.",
        "My contribution went up with no explanation of how it was worked out.",
    ),
    "safeguarding": (
        "I raised a concern about bruising on my aunt's arm and heard nothing back.",
        "Money went missing from my brother's room and the home did not act.",
    ),
    "communication": (
        "Nobody returns my calls and I have to explain everything again each time.",
        "Letters are sent in standard print although I asked for large print.",
        "I was promised a call back within two days and waited three weeks.",
    ),
    "staff attitude": (
        "The officer who visited was dismissive and talked over my mother.",
        "Staff on reception were rude when I asked to speak to a manager.",
    ),
    "dignity and privacy": (
        "My wife was left in wet clothing for most of the morning.",
        "Personal care was given with the door open to the corridor.",
    ),
    "discharge and transfers": (
        "Dad was sent home from hospital late at night with no care in place.",
        "The discharge went ahead although the family said the house was not ready.",
    ),
    "medication": (
        "Evening medication was missed on several days according to the chart.",
        "The wrong dose of insulin was given and the family was not told.",
    ),
}
CONCERNS = (
    "I am worried that the new rota does not leave enough time for my mother's visits.",
    "Could someone check why the day centre transport is often an hour late?",
    "I would like to understand why my care review has not happened this year.",
)
COMPLIMENTS = (
    "The carers who visit my father are kind and patient; please thank the team.",
    "The social worker went out of her way to find a placement close to our family.",
    "Staff at the day centre made my brother's birthday really special.",
    "The reablement team got me back on my feet after my operation. Thank you.",
)
EVIDENCE: tuple[tuple[str, str], ...] = (
    ("care records", "daily care notes"),
    ("staff statement", "interview with the care worker"),
    ("care plan", "current support plan and review notes"),
    ("call logs", "electronic call monitoring logs"),
    ("medication record", "medication administration record (MAR) charts"),
    ("meeting notes", "meeting with the complainant"),
    ("correspondence", "emails and letters on the file"),
    ("financial records", "financial assessment workings"),
)
ACTIONS: dict[str, tuple[str, str]] = {
    "assessment and care planning": ("Complete a fresh care needs assessment", "Team Manager"),
    "residential care": ("Review room-move procedure with the home", "Commissioning Officer"),
    "home care": ("Audit missed and shortened visits for the last quarter", "Contracts Manager"),
    "charging": ("Recalculate the contribution and refund the overpayment", "Finance Lead"),
    "safeguarding": ("Refresh safeguarding feedback to referrers", "Safeguarding Lead"),
    "communication": ("Introduce call-back tracking in the duty team", "Duty Team Manager"),
    "staff attitude": ("Customer care training for the team concerned", "Service Manager"),
    "dignity and privacy": ("Dignity in care training for all care staff", "Registered Manager"),
    "discharge and transfers": ("Agree a joint discharge checklist with the ward", "Head of Flow"),
    "medication": ("Medication competency checks for all staff", "Clinical Lead"),
}
# The remedy a well-founded complaint about each subject calls for, besides an apology.
SUBJECT_REMEDIES = {
    "charging": Remedy.REFUND,
    "assessment and care planning": Remedy.FRESH_ASSESSMENT,
    "staff attitude": Remedy.TRAINING,
    "dignity and privacy": Remedy.TRAINING,
    "medication": Remedy.TRAINING,
}
LESSONS: dict[str, tuple[str, str]] = {
    "assessment and care planning": (
        "Assessment and care planning",
        "Families were not told how long an assessment would take.",
    ),
    "residential care": ("Care home quality", "Moves within a home were not discussed first."),
    "home care": ("Home care reliability", "Missed visits were not escalated to the office."),
    "charging": ("Charging accuracy", "Benefits were counted without a second check."),
    "safeguarding": ("Safeguarding feedback", "Referrers were not told what happened next."),
    "communication": ("Communication", "Promised call-backs were not tracked."),
    "staff attitude": ("Staff conduct", "People felt unheard in visits and calls."),
    "dignity and privacy": (
        "Dignity and privacy",
        "Basic dignity standards slipped at busy times.",
    ),
    "discharge and transfers": (
        "Discharge and transfers",
        "Discharges went ahead without care in place.",
    ),
    "medication": ("Medication safety", "Gaps in MAR charts were not picked up."),
}
# Wales, reg 16: what a local resolution discussion agreed, by whether it resolved the matter.
WELSH_DISCUSSIONS = {
    True: "Met the complainant at home: we apologised for the missed calls and agreed a review "
    "of the care plan within two weeks, which they accepted as resolving the complaint.",
    False: "Discussed the complaint by phone; the complainant asked for a full investigation "
    "and a written response.",
}
STAGE_2_REASONS = (
    "The complainant does not accept the stage 1 findings on missed visits.",
    "The complainant says the stage 1 response did not answer all their points.",
    "The complainant disputes the charges and asked for a stage 2 investigation.",
)
WITHDRAWAL_REASONS = (
    "The complainant resolved the matter directly with the care provider.",
    "The person no longer wishes to pursue the complaint after a change of service.",
    "The family decided to withdraw after the care package was reviewed.",
)


def summary(rng: random.Random, kind: Kind, subjects: tuple[str, ...]) -> str:
    if kind == Kind.COMPLIMENT:
        return rng.choice(COMPLIMENTS)
    if kind == Kind.CONCERN:
        return rng.choice(CONCERNS)
    return " ".join(rng.choice(COMPLAINTS[subject]) for subject in subjects[:2])
