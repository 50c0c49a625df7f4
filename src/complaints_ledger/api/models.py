"""Response models: the OpenAPI description of what `application.case_view` returns.

Handlers return the views' JSON as is; tests check the two agree.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, Field

from complaints_ledger.domain.clocks import DeadlineStatus
from complaints_ledger.domain.privacy import SubjectRole
from complaints_ledger.domain.values import Channel, Kind, Outcome, RegimeId, Status


class HolidaySkipped(BaseModel):
    day: date
    name: str


class DeadlineView(BaseModel):
    name: str
    due: date
    status: DeadlineStatus
    met_at: datetime | None
    statutory: bool
    rule: str
    explanation: str
    calendar_version: str = Field("", description="The working-day calendar it was counted with.")
    holidays_skipped: list[HolidaySkipped] = Field(
        default_factory=list, description="Bank holidays (weekdays) the count skipped."
    )


class TimeLimitView(BaseModel):
    in_time: bool
    limit: date | None
    blocking: bool
    explanation: str


class AboutView(BaseModel):
    organisation: str
    service: str


class ActionView(BaseModel):
    id: str
    description: str
    owner: str
    due_on: date
    completed_at: datetime | None
    overdue: bool


class PersonView(BaseModel):
    name: str
    email: str | None
    phone: str | None
    address: str | None


class RepresentativeView(BaseModel):
    person: PersonView
    relationship: str
    consent: str


class PseudonymView(BaseModel):
    """A person shown to a reader who may not see identities: the same for them on every case."""

    pseudonym: str


# Personal data a reader does not get: erased for everyone, or withheld from this reader.
Erased = Literal["[erased]"]
Masked = Literal["[erased]", "[withheld]"]


class ReferralStepView(BaseModel):
    """One step of a case's referral chain ('no wrong door')."""

    step: Literal["offered", "declined", "recalled", "passed_on", "accepted"]
    at: datetime
    by: str | None = Field(
        description="The organisation that took the step (null: an offer recorded before the "
        "chain was kept)."
    )
    to: str = Field(description="Where the case is after the step.")
    reason: str | None
    suggested_organisation: str | None = Field(
        default=None, description="Declined: where the decliner suggests it goes."
    )


class CaseView(BaseModel):
    """A case as it stands (or stood), with its deadlines judged on the day shown."""

    id: UUID
    version: int
    kind: Kind
    status: Status
    stage: int
    regime: RegimeId
    organisation: str
    receiving_organisation: str
    about: AboutView
    channel: Channel
    received_at: datetime
    first_received_at: datetime
    subjects: list[str]
    deadlines: list[DeadlineView]
    time_limit: TimeLimitView
    outcome: Outcome | None
    actions: list[ActionView]
    investigators: dict[str, str]
    handler: str | None = Field(
        default=None,
        description="who handles the current stage: its investigator, or whom a manager "
        "assigned since (POST /complaints/{id}/handler); null: unassigned",
    )
    ombudsman: list[str]
    late_acceptance: dict[str, Any] | None
    exclusion: dict[str, Any] | None = Field(
        default=None,
        description="A reg 8 decision (SI 2009/309): ground, rule, reason, decided_at, "
        "decided_by and clocks_stopped, the reason the clocks stopped; null when the complaint "
        "is dealt with under the Regulations.",
    )
    pending_referral: dict[str, Any] | None
    referral_chain: list[ReferralStepView] = Field(
        default_factory=list,
        description="Offered, declined, recalled, passed on, accepted: oldest first (always "
        "sent; optional in the schema only so that the schema stays compatible).",
    )
    records: dict[str, list[dict[str, Any]]]
    complainant: PersonView | PseudonymView | Erased | None
    representative: RepresentativeView | PseudonymView | Erased | None
    accessibility_needs: list[str] | Masked
    advocacy: str | None
    summary: str | None = Field(description='The summary, or "[erased]" or "[withheld]".')
    data_subjects: dict[str, UUID] = Field(
        description="The case's data subjects by role (complainant, representative): the ids "
        "that erasure and subject access take."
    )
    erased_subjects: list[str] = Field(description="Roles whose personal data was erased.")
    litigation_hold: dict[str, Any] | None = Field(
        description="Placed at and reason, while a litigation hold stops erasure."
    )


class CreatedCase(BaseModel):
    id: UUID
    version: int
    case: CaseView


class HistoryEvent(BaseModel):
    version: int
    type: str
    recorded_at: datetime
    occurred_at: datetime
    actor: dict[str, str]
    correlation_id: str
    data: dict[str, Any]


class HistoryView(BaseModel):
    events: list[HistoryEvent]


class ErasureView(BaseModel):
    """A data subject's erasure, as recorded on their case."""

    subject_id: UUID
    role: SubjectRole
    case_id: UUID
    version: int = Field(description="The case's version once the erasure was recorded.")
    finished_earlier_erasure: bool = Field(
        description="The erasure was recorded before; only their key was left to destroy."
    )


class Health(BaseModel):
    status: Literal["ok"]
