"""The new complaint as it arrives, and logging it: the one intake both the API and the CLI use.

Field names are the HTTP contract (POST /complaints) and the CLI's `case receive` options.
"""

from __future__ import annotations

from uuid import UUID

from pydantic import Field

from complaints_ledger.application.catalogue.body import MAX_WORKING_DAYS, Body
from complaints_ledger.application.context import CommandContext
from complaints_ledger.application.ledger import ComplaintsLedger
from complaints_ledger.domain.complaint import Intake
from complaints_ledger.domain.errors import InvalidValueError
from complaints_ledger.domain.values import (
    Channel,
    ConsentBasis,
    Kind,
    Person,
    RegimeId,
    Representative,
)
from complaints_ledger.inputs import Day, Instant, Name, Text


class About(Body):
    organisation: Name = Field(description="The provider or service the complaint is about.")
    service: Name = Field(description="The service concerned, e.g. home care.")


class PersonIn(Body):
    name: Name
    email: Name | None = None
    phone: Name | None = None
    address: Text | None = None

    def person(self) -> Person:
        return Person(self.name, email=self.email, phone=self.phone, address=self.address)


class RepresentativeIn(Body):
    person: PersonIn
    relationship: Name
    consent: ConsentBasis

    def representative(self) -> Representative:
        return Representative(self.person.person(), self.relationship, self.consent)


class ComplaintCreate(Body):
    """A complaint, concern or compliment as it arrives."""

    organisation: Name = Field(description="The organisation receiving and handling it.")
    regime: RegimeId
    kind: Kind
    channel: Channel
    received_at: Instant = Field(description="When it was received (RFC 3339, with timezone).")
    subjects: list[Name] = Field(max_length=50)
    about: About
    complainant: PersonIn
    summary: Text
    matter_occurred_on: Day | None = None
    matter_noticed_on: Day | None = None
    representative: RepresentativeIn | None = None
    accessibility_needs: list[Name] = Field(default_factory=list, max_length=50)
    advocacy: Name | None = None
    internal_target_working_days: int | None = Field(default=20, ge=1, le=MAX_WORKING_DAYS)

    def intake(self) -> Intake:
        return Intake(
            kind=self.kind,
            channel=self.channel,
            regime=self.regime,
            receiving_organisation=self.organisation,
            about_organisation=self.about.organisation,
            service=self.about.service,
            subjects=tuple(self.subjects),
            complainant=self.complainant.person(),
            summary=self.summary,
            representative=self.representative.representative() if self.representative else None,
            accessibility_needs=tuple(self.accessibility_needs),
            advocacy=self.advocacy,
            matter_occurred_on=self.matter_occurred_on,
            matter_noticed_on=self.matter_noticed_on,
            internal_target_working_days=self.internal_target_working_days,
        )


def receive_complaint(
    ledger: ComplaintsLedger,
    body: ComplaintCreate,
    ctx: CommandContext,
    *,
    case_key: str | None = None,
) -> UUID:
    """Log the complaint; its receipt time is `ctx.occurred_at` (the body's `received_at`)."""
    try:
        return ledger.receive(body.intake(), ctx, case_key=case_key)
    except InvalidValueError as error:
        if error.field != "occurred_at":
            raise
        # The complaint "occurred" when it was received: name the field the caller sent.
        raise InvalidValueError(error.message, field="received_at", rule=error.rule) from None
