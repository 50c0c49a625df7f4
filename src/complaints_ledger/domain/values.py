"""Value types of the complaints domain: closed vocabularies and small value objects."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any


class Kind(StrEnum):
    COMPLAINT = "complaint"
    CONCERN = "concern"
    COMPLIMENT = "compliment"


class Channel(StrEnum):
    LETTER = "letter"
    EMAIL = "email"
    PHONE = "phone"
    WEB_FORM = "web_form"
    IN_PERSON = "in_person"
    VIA_ADVOCATE = "via_advocate"
    VIA_REFERRAL = "via_referral"


class Nation(StrEnum):
    """The UK nation whose law, calendar and ombudsman a regime belongs to."""

    ENGLAND = "england"
    WALES = "wales"
    SCOTLAND = "scotland"
    NORTHERN_IRELAND = "northern-ireland"


class RegimeId(StrEnum):
    ENGLAND_2009 = "england-2009"
    LGSCO_CODE = "lgsco-code"
    HOUSING_OMBUDSMAN_CODE = "housing-ombudsman-code"
    SPSO_MCHP = "spso-mchp"
    WALES_2014 = "wales-2014"
    NI_HSC = "ni-hsc"


class Status(StrEnum):
    RECEIVED = "received"
    REFERRED = "referred"
    ACKNOWLEDGED = "acknowledged"
    INVESTIGATING = "investigating"
    RESPONDED = "responded"
    ESCALATED = "escalated"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


class Outcome(StrEnum):
    UPHELD = "upheld"
    PARTLY_UPHELD = "partly_upheld"
    NOT_UPHELD = "not_upheld"


WELL_FOUNDED_OUTCOMES = frozenset({Outcome.UPHELD, Outcome.PARTLY_UPHELD})


class Remedy(StrEnum):
    APOLOGY = "apology"
    FINANCIAL = "financial"
    FRESH_ASSESSMENT = "fresh_assessment"
    REFUND = "refund"
    PROCEDURE_CHANGE = "procedure_change"
    TRAINING = "training"
    EXPLANATION = "explanation"


class EscalationRoute(StrEnum):
    STAGE_2 = "stage_2"
    OMBUDSMAN = "ombudsman"
    REGULATOR = "regulator"
    SAFEGUARDING = "safeguarding"


class Ombudsman(StrEnum):
    LGSCO = "LGSCO"
    PHSO = "PHSO"
    SPSO = "SPSO"
    PSOW = "PSOW"
    NIPSO = "NIPSO"
    HOUSING_OMBUDSMAN = "Housing Ombudsman"


class Regulator(StrEnum):
    """Regulators of care services that a case can be notified to (route `regulator`)."""

    CQC = "CQC"  # Care Quality Commission, England
    CIW = "CIW"  # Care Inspectorate Wales
    HIW = "HIW"  # Healthcare Inspectorate Wales
    CARE_INSPECTORATE = "Care Inspectorate"  # Scotland
    HIS = "HIS"  # Healthcare Improvement Scotland
    RQIA = "RQIA"  # Regulation and Quality Improvement Authority, Northern Ireland


class OmbudsmanDecision(StrEnum):
    UPHELD_FAULT_INJUSTICE = "upheld_fault_causing_injustice"
    UPHELD_FAULT_ONLY = "upheld_fault_only"
    NOT_UPHELD = "not_upheld"
    CLOSED_AFTER_INITIAL_ENQUIRIES = "closed_after_initial_enquiries"
    REFERRED_BACK_FOR_LOCAL_RESOLUTION = "referred_back_for_local_resolution"
    ADVICE_GIVEN = "advice_given"
    INCOMPLETE_OR_INVALID = "incomplete_or_invalid"


class RemedyCompliance(StrEnum):
    NOT_APPLICABLE = "not_applicable"
    PENDING = "pending"
    COMPLIED = "complied"
    NOT_COMPLIED = "not_complied"


class RemedyOutcome(StrEnum):
    """What became of one remedy an ombudsman asked for."""

    COMPLIED = "complied"
    LATE = "late"  # complied with, after its due date
    REFUSED = "refused"


class Role(StrEnum):
    OFFICER = "officer"
    MANAGER = "manager"
    AUDITOR = "auditor"
    OMBUDSMAN = "ombudsman"
    REGULATOR = "regulator"
    ANALYST = "analyst"
    HEALTHWATCH = "healthwatch"
    ADMIN = "admin"
    SYSTEM = "system"


PRIVILEGED_ROLES = frozenset({Role.MANAGER, Role.ADMIN})


class ExtendedDeadline(StrEnum):
    RESPONSE = "response"
    STAGE_2_RESPONSE = "stage_2_response"


@dataclass(frozen=True)
class Actor:
    """Who did something: a principal of an organisation acting in a role."""

    principal: str
    organisation: str
    role: Role = Role.OFFICER

    def as_dict(self) -> dict[str, str]:
        return {"principal": self.principal, "organisation": self.organisation, "role": self.role}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Actor:
        return cls(str(data["principal"]), str(data["organisation"]), Role(data["role"]))


@dataclass(frozen=True)
class Stamp:
    """The envelope of one command: when it happened, who did it, which request it belongs to.

    `recorded_at` is the ledger's clock, supplied by the application, never by the caller.
    """

    recorded_at: datetime
    occurred_at: datetime
    actor: Actor
    correlation_id: str


class ConsentBasis(StrEnum):
    """Why a representative may act for the person affected."""

    GIVEN = "consent_given"
    LACKS_CAPACITY = "person_lacks_capacity"
    DECEASED = "person_has_died"


@dataclass(frozen=True)
class Person:
    """Contact details of a data subject. Personal data: stored only in an event's personal part."""

    name: str
    email: str | None = None
    phone: str | None = None
    address: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {
            "name": self.name,
            "email": self.email,
            "phone": self.phone,
            "address": self.address,
        }


@dataclass(frozen=True)
class Representative:
    """Someone acting for the person affected (family, friend, advocate)."""

    person: Person
    relationship: str
    consent: ConsentBasis

    def as_dict(self) -> dict[str, object]:
        return {
            "person": self.person.as_dict(),
            "relationship": self.relationship,
            "consent": str(self.consent),
        }
