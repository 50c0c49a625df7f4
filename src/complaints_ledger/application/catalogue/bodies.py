"""One request body per ledger command; fields are named as the command's parameters."""

from __future__ import annotations

import json
from contextlib import suppress
from typing import Any

from pydantic import Field, ValidationInfo, field_validator

from complaints_ledger.application.catalogue.body import MAX_WORKING_DAYS, Body, CommandBody
from complaints_ledger.domain.correction_types import takes_list
from complaints_ledger.domain.values import (
    EscalationRoute,
    ExtendedDeadline,
    Ombudsman,
    OmbudsmanDecision,
    Outcome,
    RegimeId,
    Regulator,
    Remedy,
    RemedyCompliance,
    RemedyOutcome,
)
from complaints_ledger.inputs import Day, Name, Text
from complaints_ledger.inputs.text import (
    NAME_MAX,
    TEXT_MAX,
    as_pydantic_error,
    clean_line,
    clean_text,
)

MAX_REMEDIES = 20
FREE_TEXT_FIELDS = frozenset({"summary", "complainant.address"})


class Acknowledgement(CommandBody):
    discussion_offered: bool = True
    response_period_agreed_until: Day | None = None


class ResponsePeriod(CommandBody):
    agreed_until: Day
    agreed_with_complainant: bool


class Extension(CommandBody):
    deadline: ExtendedDeadline
    working_days: int = Field(ge=1, le=MAX_WORKING_DAYS)
    reason: Text
    complainant_consent: bool


class Referral(CommandBody):
    to_organisation: Name
    reason: Text
    consent_to_share: bool


class ReferralAcceptance(CommandBody):
    regime: RegimeId | None = None


class ReferralDecline(CommandBody):
    reason: Text
    suggested_organisation: Name | None = Field(
        default=None, description="A registered organisation that could deal with it."
    )


class ReferralRecall(CommandBody):
    reason: Text


class ReferralPassingOn(CommandBody):
    to_organisation: Name
    reason: Text
    consent_to_share: bool = Field(
        description="The person agreed to their complaint being shared with to_organisation."
    )


class LateAcceptance(CommandBody):
    good_reason_for_delay: Text
    can_investigate_effectively_and_fairly: bool


class Investigation(CommandBody):
    investigator: Name


class HandlerAssignment(CommandBody):
    handler: Name = Field(description="Who handles the case from now on.")
    reason: Text | None = Field(
        default=None, description="Why the case is assigned or handed to someone else."
    )


class Evidence(CommandBody):
    evidence_kind: Name
    source: Name
    notes: Text


class ComplainantUpdate(CommandBody):
    channel: Name
    message: Text


class ActionPlan(CommandBody):
    action_id: Name
    description: Text
    owner: Name
    due_on: Day


class ActionCompletion(CommandBody):
    note: Text = ""


class Response(CommandBody):
    outcome: Outcome
    remedies: list[Remedy] = Field(max_length=MAX_REMEDIES)
    signed_by: Name
    ombudsman_rights_given: bool
    summary: Text


class TargetPause(CommandBody):
    reason: Text


class TargetResumption(CommandBody):
    pass


class Escalation(CommandBody):
    route: EscalationRoute
    reason: Text
    body: Ombudsman | None = Field(
        default=None, description="For route ombudsman: the ombudsman of the case's nation."
    )
    reference: Name | None = None
    regulator: Regulator | None = Field(
        default=None,
        description="For route regulator: the regulator notified (its readers then see the case).",
    )
    about_identified_person: bool = Field(
        default=False,
        description="The notification is about an identified person: the regulator sees who. "
        "Otherwise it sees people as pseudonyms.",
    )


class RequestedRemedy(Body):
    remedy: Remedy
    description: Text
    due_on: Day


class OmbudsmanOutcome(CommandBody):
    body: Ombudsman
    decision: OmbudsmanDecision
    finding: Text = Field(description="What the ombudsman found (its decision statement).")
    remedies: list[RequestedRemedy] = Field(
        default_factory=list,
        max_length=MAX_REMEDIES,
        description="Each remedy asked for, with the date it is due by (after a finding of fault).",
    )
    reference: Name | None = None


class RemedyComplianceRecord(CommandBody):
    outcome: RemedyOutcome
    evidence: Text = Field(description="What shows it: the letter, payment, new procedure.")
    complied_on: Day | None = Field(
        default=None, description="When it was carried out (default: the day it is recorded)."
    )


class RegulatorAcknowledgement(CommandBody):
    regulator: Regulator
    reference: Name | None = None
    note: Text | None = None


class OmbudsmanDecisionRecord(CommandBody):
    body: Ombudsman
    decision: OmbudsmanDecision
    recommended_remedies: list[Remedy] = Field(default_factory=list, max_length=MAX_REMEDIES)
    remedy_compliance: RemedyCompliance = RemedyCompliance.NOT_APPLICABLE


class Lesson(CommandBody):
    lesson_id: Name
    theme: Name
    lesson: Text
    action: Text
    shared_with_partners: bool


class ForumReview(CommandBody):
    forum: Name
    findings: Text
    handled_well: bool


class FeedbackRequest(CommandBody):
    channel: Name


class Feedback(CommandBody):
    satisfaction: int = Field(description="1 (very dissatisfied) to 5 (very satisfied)")
    comments: Text = ""


class Correction(CommandBody):
    field: Name
    new_value: list[Name] | Text = Field(
        description="The new value, as the field's type: a list of strings for subjects "
        '(["home care", "charging"]); otherwise a string: YYYY-MM-DD for a date, an RFC 3339 '
        "instant for a time, a registered organisation's name for about_organisation. One "
        "line, unless the field is free text (summary)."
    )
    reason: Text

    @field_validator("new_value", mode="before")
    @classmethod
    def _held_to_the_text_policy(cls, value: Any, info: ValidationInfo) -> str | list[str]:
        """Each string is held to its field's policy (one line unless free text); whether it is
        the field's type (a list only for subjects) is the ledger's check (correction_types)."""
        if isinstance(value, list):
            if not all(isinstance(item, str) for item in value):
                raise ValueError("a list of new values holds strings only")
            return [as_pydantic_error(clean_line, item, NAME_MAX) for item in value]
        if not isinstance(value, str):
            raise ValueError("must be a string, or a list of strings for subjects")  # noqa: TRY004
        free_text = info.data.get("field") in FREE_TEXT_FIELDS
        return as_pydantic_error(clean_text if free_text else clean_line, value, TEXT_MAX)

    @classmethod
    def from_command_line(cls, document: dict[str, Any]) -> dict[str, Any]:
        """`--new-value` repeats for subjects (or, given once, may be a JSON list of them); given
        once for any other field, it is that one value."""
        value, field = document.get("new_value"), document.get("field", "")
        if not isinstance(value, list) or len(value) != 1:
            return document
        if not takes_list(field):
            return {**document, "new_value": value[0]}
        if value[0].lstrip().startswith("["):
            with suppress(ValueError):
                return {**document, "new_value": json.loads(value[0])}
        return document

    @classmethod
    def from_form(cls, document: dict[str, Any]) -> dict[str, Any]:
        """A web form's new value is one text: for subjects, one on each line; for any other
        field, the text itself."""
        value, field = document.get("new_value"), document.get("field", "")
        if not isinstance(value, str) or not takes_list(field):
            return document
        return {
            **document,
            "new_value": [line.strip() for line in value.splitlines() if line.strip()],
        }


class Withdrawal(CommandBody):
    reason: Text


class Closure(CommandBody):
    no_action_needed_reason: Text | None = None


class Reopening(CommandBody):
    reason: Text


class LitigationHold(CommandBody):
    reason: Text = Field(description="Why the case's records must be kept (the claim or order).")


class LitigationHoldLifting(CommandBody):
    reason: Text


class Erasure(CommandBody):
    reason: Text = Field(description="Why the data subject's personal data is erased.")
