"""What the complaint routes do: check access first, audit every read, run commands idempotently.

Order for every `{id}` route: load the case (404), ask the policy (404/403), then anything else.
A command's answer is the case, so it is a read too: recorded before it is returned.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

import structlog
from fastapi import Request
from fastapi.responses import JSONResponse

from complaints_ledger.access import Policy, Principal
from complaints_ledger.api import idempotency
from complaints_ledger.api.idempotency import RequestKey
from complaints_ledger.api.metrics import Metrics
from complaints_ledger.api.responses import (
    case_response,
    created_response,
    expected_version,
    json_response,
    withheld_response,
)
from complaints_ledger.api.schemas import CommandBody, ComplaintCreate
from complaints_ledger.application.access_records import RECEIVE, case_work, returned_by
from complaints_ledger.application.calendar_service import CalendarBook
from complaints_ledger.application.case_view import case_view, history_entry_view
from complaints_ledger.application.catalogue import CaseCommand, CommandCall
from complaints_ledger.application.context import CommandContext
from complaints_ledger.application.intake import receive_complaint
from complaints_ledger.application.ledger import ComplaintsLedger
from complaints_ledger.domain.calendars import uk_local_date
from complaints_ledger.domain.complaint import Complaint
from complaints_ledger.domain.errors import (
    ConflictError,
    DuplicateCommandError,
    StoreUnavailableError,
)
from complaints_ledger.domain.privacy import SubjectRole
from complaints_ledger.privacy.pseudonyms import (
    audience_of,
    case_pseudonyms,
    pseudonymise_case_view,
    pseudonymise_personal,
)

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class RequestContext:
    request: Request
    ledger: ComplaintsLedger
    policy: Policy
    principal: Principal
    metrics: Metrics

    def today(self) -> date:
        return uk_local_date(self.ledger.clock())

    def at_version(self, case_id: UUID, version: int) -> Complaint:
        complaint: Complaint = self.ledger.repository.get(case_id, version=version)
        return complaint

    def request_key(
        self, key: str | None, body: CommandBody | ComplaintCreate
    ) -> RequestKey | None:
        request = self.request
        return idempotency.request_key(
            key, request.method, request.url.path, body, self.principal.actor
        )


class CaseReader:
    """Reads of one case; each is recorded in the access log before any data is returned.

    A reader whose role may not see identities (auditor, analyst) gets each person as a pseudonym
    for the reader's role and organisation, and the rest of the personal data withheld.
    """

    def __init__(self, context: RequestContext, purpose: str | None) -> None:
        self.context = context
        self.purpose = purpose

    def case(self, case_id: UUID, as_of: datetime | None) -> JSONResponse:
        ledger = self.context.ledger
        current = self._visible(case_id)
        complaint = ledger.as_of(case_id, as_of) if as_of is not None else current
        self._record(case_id, "case" if as_of is None else f"case as of {as_of.isoformat()}")
        today = uk_local_date(as_of) if as_of is not None else self.context.today()
        view = case_view(complaint, today, CalendarBook(ledger).for_case(complaint))
        pseudonyms = self._pseudonyms(current)
        if pseudonyms is not None:
            view = pseudonymise_case_view(view, pseudonyms)
        return json_response({**view, "as_of": _instant(as_of)}, complaint.version)

    def history(self, case_id: UUID, as_of: datetime | None) -> JSONResponse:
        current = self._visible(case_id)
        entries = self.context.ledger.history(case_id, as_of=as_of)
        self._record(case_id, "history" if as_of is None else f"history as of {as_of.isoformat()}")
        events = [history_entry_view(entry) for entry in entries]
        pseudonyms = self._pseudonyms(current)
        if pseudonyms is not None:
            events = [_pseudonymised_entry(event, pseudonyms) for event in events]
        return json_response({"as_of": _instant(as_of), "events": events}, entries[-1].version)

    def _visible(self, case_id: UUID) -> Complaint:
        complaint = self.context.ledger.get(case_id)
        self.context.policy.check_can_read_case(self.context.principal, complaint)
        return complaint

    def _record(self, case_id: UUID, what: str) -> None:
        self.context.ledger.record_read(
            case_id, self.context.principal.actor, what=what, purpose=self.purpose
        )

    def _pseudonyms(self, complaint: Complaint) -> dict[SubjectRole, str] | None:
        return pseudonyms_for(self.context, complaint)


def pseudonyms_for(context: RequestContext, complaint: Complaint) -> dict[SubjectRole, str] | None:
    """None when the caller sees identities; else the case's people as this caller's
    pseudonyms."""
    principal = context.principal
    if context.policy.sees_identities(principal, complaint):
        return None
    audience = audience_of(principal.role, principal.organisation)
    return case_pseudonyms(context.ledger.subject_keys, complaint.id, audience)


def _pseudonymised_entry(
    event: dict[str, Any], pseudonyms: dict[SubjectRole, str]
) -> dict[str, Any]:
    personal = event["data"].get("personal")
    if not isinstance(personal, dict):
        return event
    data = {**event["data"], "personal": pseudonymise_personal(personal, pseudonyms)}
    return {**event, "data": data}


class CaseCommands:
    """Commands: the caller is the actor; If-Match and Idempotency-Key apply to each."""

    def __init__(
        self,
        context: RequestContext,
        if_match: str | None,
        idempotency_key: str | None,
        purpose: str | None = None,
    ) -> None:
        self.context = context
        self.if_match = if_match
        self.idempotency_key = idempotency_key
        self.purpose = purpose

    def receive(self, body: ComplaintCreate) -> JSONResponse:
        return self._created(self.log(body))

    def log(self, body: ComplaintCreate) -> UUID:
        """Log the new case under the policy and the Idempotency-Key: its id (for a repeated
        key, the id of the case the first request with it logged)."""
        context = self.context
        context.policy.check_can_receive(context.principal, body.organisation)
        key = context.request_key(self.idempotency_key, body)
        if key is not None and (prior := idempotency.received_with(context.ledger, key)):
            return prior
        ctx = CommandContext(
            actor=context.principal.actor,
            occurred_at=body.received_at,
            correlation_id=idempotency.correlation_id(key),
        )
        try:
            case_id = self._receive(body, ctx, key)
        except DuplicateCommandError:
            if key is not None and (prior := idempotency.received_with(context.ledger, key)):
                return prior
            raise
        context.metrics.events_appended.inc()
        return case_id

    def _receive(self, body: ComplaintCreate, ctx: CommandContext, key: RequestKey | None) -> UUID:
        case_key = idempotency.case_key(key.key, key.sender) if key is not None else None
        return receive_complaint(self.context.ledger, body, ctx, case_key=case_key)

    def run(
        self,
        case_id: UUID,
        command: CaseCommand[Any],
        body: CommandBody,
        path: Mapping[str, str],
    ) -> JSONResponse:
        """Run the catalogue's `command` on the case with the body and the ids from the path."""
        version = self.execute(case_id, command, body, path)
        return self._case_response(self.context.at_version(case_id, version), command.name)

    def execute(
        self,
        case_id: UUID,
        command: CaseCommand[Any],
        body: CommandBody,
        path: Mapping[str, str],
    ) -> int:
        """Run `command` under the policy, If-Match and Idempotency-Key; the case's version after
        it (for a repeated key, the version the first request with it produced)."""
        context = self.context
        complaint = context.ledger.get(case_id)
        context.policy.check_can_run(context.principal, command.name, complaint, body, path)
        key = context.request_key(self.idempotency_key, body)
        if key is not None and (prior := self._prior_version(case_id, complaint, key)) is not None:
            return prior
        ctx = CommandContext(
            actor=context.principal.actor,
            occurred_at=body.occurred_at,
            correlation_id=idempotency.correlation_id(key),
            expected_version=expected_version(self.if_match),
        )
        try:
            version = command(context.ledger, CommandCall(case_id, ctx, body, path))
        except (ConflictError, DuplicateCommandError):
            if key is not None:
                prior = self._prior_version(case_id, context.ledger.get(case_id), key)
                if prior is not None:
                    return prior
            raise
        context.metrics.events_appended.inc(max(version - complaint.version, 1))
        return version

    def _prior_version(self, case_id: UUID, complaint: Complaint, key: RequestKey) -> int | None:
        """The version the first request with this key produced, if one already changed the
        case."""
        if not any(key.used_by(cid) for cid in complaint.correlation_ids):
            return None
        return idempotency.prior_version(self.context.ledger.history(case_id), key)

    def _case_response(self, complaint: Complaint, command: str) -> JSONResponse:
        """The case after the command, with people as pseudonyms for a caller who may not see
        them (a regulator notified without an identified person); its read recorded first."""
        if not self._record_returned(complaint.id, command):
            return withheld_response(complaint.id, complaint.version)
        pseudonyms = pseudonyms_for(self.context, complaint)
        calendar = CalendarBook(self.context.ledger).for_case(complaint)
        if pseudonyms is None:
            return case_response(complaint, self.context.today(), calendar)
        view = pseudonymise_case_view(
            case_view(complaint, self.context.today(), calendar), pseudonyms
        )
        return json_response(view, complaint.version)

    def _record_returned(self, case_id: UUID, command: str) -> bool:
        """Record that the case is in the answer; False when the store refused the record.

        The change is already committed, so it is acknowledged either way: without a
        recorded read the answer holds no personal data (`withheld_response`)."""
        try:
            self.context.ledger.record_read(
                case_id,
                self.context.principal.actor,
                what=returned_by(command),
                purpose=self.purpose or case_work(command),
            )
        except StoreUnavailableError as error:
            log.warning("case_withheld", case_id=str(case_id), command=command, error=str(error))
            return False
        return True

    def _created(self, case_id: UUID) -> JSONResponse:
        location = str(self.context.request.url_for("read_case", case_id=str(case_id)))
        if not self._record_returned(case_id, RECEIVE):
            return withheld_response(case_id, 1, location=location)
        complaint = self.context.at_version(case_id, 1)
        calendar = CalendarBook(self.context.ledger).for_case(complaint)
        return created_response(complaint, self.context.today(), location, calendar)


def _instant(as_of: datetime | None) -> str | None:
    """The instant a read describes, as the answer names it (null: as recorded now)."""
    return as_of.isoformat() if as_of is not None else None
