"""Who may see and do what. Another organisation's case is reported as not found, never shown."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from complaints_ledger.access import bound_bodies
from complaints_ledger.access.principal import Principal
from complaints_ledger.application.catalogue import command_named
from complaints_ledger.domain.errors import (
    ComplaintNotFoundError,
    NotFoundError,
    NotPermittedError,
)
from complaints_ledger.domain.registry import OrganisationKind
from complaints_ledger.domain.values import Role
from complaints_ledger.privacy.pseudonyms import sees_identities

if TYPE_CHECKING:
    from uuid import UUID

    from complaints_ledger.application.ledger import ComplaintsLedger
    from complaints_ledger.domain.complaint import Complaint

# Auditors and analysts read their organisation's cases with people as pseudonyms
# (privacy/pseudonyms.py); the other readers see identities.
CASE_READERS = frozenset(
    {
        Role.OFFICER,
        Role.MANAGER,
        Role.AUDITOR,
        Role.ANALYST,
        Role.OMBUDSMAN,
        Role.REGULATOR,
        Role.HEALTHWATCH,
    }
)
# Principals bound to an ombudsman or a regulator (their organisation's registered body): they
# see and act on the cases that went to that body, whoever holds them (access/bound_bodies.py).
BOUND_ROLES = frozenset({Role.OMBUDSMAN, Role.REGULATOR})
LOGGERS = frozenset({Role.OFFICER, Role.MANAGER, Role.HEALTHWATCH})
# Who may read figures (dashboards, reports): their own organisation's, or every organisation's
# for CROSS_ORGANISATION_AGGREGATES.
AGGREGATE_READERS = frozenset(
    {Role.OFFICER, Role.MANAGER, Role.AUDITOR, Role.ANALYST, Role.HEALTHWATCH, Role.OMBUDSMAN}
)
# Aggregates without personal data that these roles may see across organisations.
CROSS_ORGANISATION_AGGREGATES = frozenset({Role.ANALYST, Role.HEALTHWATCH, Role.OMBUDSMAN})
# Data subjects' rights (erasure, subject access): the organisation holding the case answers them.
SUBJECT_RIGHTS_HANDLERS = frozenset({Role.MANAGER, Role.ADMIN})
RETENTION_RUNNERS = frozenset({Role.ADMIN})
# Who read a case (its access log): the holding organisation's managers and auditors.
READ_LOG_READERS = frozenset({Role.MANAGER, Role.AUDITOR})
BOUND_KINDS = {
    Role.OMBUDSMAN: OrganisationKind.OMBUDSMAN,
    Role.REGULATOR: OrganisationKind.REGULATOR,
}


class Policy:
    def __init__(self, ledger: ComplaintsLedger) -> None:
        self.ledger = ledger

    def require_role(self, principal: Principal, allowed: frozenset[Role], action: str) -> None:
        if principal.role not in allowed:
            roles = ", ".join(sorted(allowed))
            raise NotPermittedError(
                f"{action} needs one of the roles {roles}; {principal.principal} is "
                f"{principal.role}",
                field="role",
            )

    def check_can_read_case(self, principal: Principal, complaint: Complaint) -> None:
        """404 when the case is not the caller's to see (whatever the role: an answer that
        differed for another organisation's case would reveal that it exists); then 403."""
        self._check_sees(principal, complaint)
        self.require_role(principal, CASE_READERS, "reading a case")

    def check_can_run(
        self,
        principal: Principal,
        command: str,
        complaint: Complaint,
        body: object = None,
        path: Mapping[str, str] | None = None,
    ) -> None:
        """404 when the case is not the caller's to see; 403 when their role may not do this
        (the catalogue declares the roles of each command), or when an ombudsman's or
        regulator's principal would act for another body than its own."""
        self._check_sees(principal, complaint)
        entry = command_named(command)
        self.require_role(principal, entry.roles, command)
        if principal.role in BOUND_ROLES:
            acting_for = bound_bodies.acting_for(complaint, body, path or {})
            bound_bodies.check_acts_for_own_body(principal, self._bound_body(principal), acting_for)
            return
        holder = complaint.handling_organisation
        if entry.by_receiver:  # with no referral pending the case's rules answer (409)
            holder = (complaint.pending_referral or {}).get("to") or holder
        if principal.organisation != holder:
            holds = holder == complaint.handling_organisation
            role = "which holds this case" if holds else "to which it is referred"
            raise NotPermittedError(
                f"{command} is for {holder}, {role}; {principal.organisation} "
                "may read it but not act on it",
                field="organisation",
            )

    def check_can_handle_subject(
        self, principal: Principal, complaint: Complaint, subject_id: UUID, action: str
    ) -> None:
        """A data subject's request (erasure, subject access) is for a manager or admin of the
        organisation holding their case. A subject of a case the caller may not see is reported
        as not found, exactly like a subject that does not exist."""
        if not self._sees(principal, complaint):
            raise NotFoundError(f"no data subject {subject_id}", field="subject_id")
        self.require_role(principal, SUBJECT_RIGHTS_HANDLERS, action)
        holder = complaint.handling_organisation
        if principal.organisation != holder:
            raise NotPermittedError(
                f"{action} is for {holder}, which holds this case; {principal.organisation} "
                "may not answer it",
                field="organisation",
            )

    def check_can_list_reads(self, principal: Principal, complaint: Complaint) -> None:
        """Who read a case is for managers and auditors of the organisation holding it: 404 when
        the case is not the caller's to see, then 403 for another role or organisation."""
        self._check_sees(principal, complaint)
        self.require_role(principal, READ_LOG_READERS, "listing who read a case")
        holder = complaint.handling_organisation
        if principal.organisation != holder:
            raise NotPermittedError(
                f"who read this case is for {holder}, which holds it; "
                f"{principal.organisation} may read the case but not its access log",
                field="organisation",
            )

    def check_can_run_retention(self, principal: Principal) -> None:
        self.require_role(principal, RETENTION_RUNNERS, "running the retention schedule")

    def check_can_receive(self, principal: Principal, organisation: str) -> None:
        self.require_role(principal, LOGGERS, "logging a complaint")
        if principal.organisation != organisation:
            raise NotPermittedError(
                f"{principal.principal} logs complaints for {principal.organisation}, "
                f"not {organisation}",
                field="organisation",
            )

    def visible_organisations(self, principal: Principal) -> frozenset[str] | None:
        """Whose aggregates the caller may see: None means every organisation's."""
        if principal.role in CROSS_ORGANISATION_AGGREGATES:
            return None
        return frozenset({principal.organisation})

    def _check_sees(self, principal: Principal, complaint: Complaint) -> None:
        if not self._sees(principal, complaint):
            raise ComplaintNotFoundError(f"no complaint {complaint.id}", field="id")

    def sees_identities(self, principal: Principal, complaint: Complaint) -> bool:
        """Whether the caller sees who the people of a case it may read are: by role, and for a
        regulator, when the notification it received is about an identified person."""
        if principal.role == Role.REGULATOR:
            body = self._bound_body(principal)
            return body is not None and bound_bodies.identified_to(complaint, body)
        return sees_identities(principal.role)

    def _sees(self, principal: Principal, complaint: Complaint) -> bool:
        if principal.role in BOUND_ROLES:
            body = self._bound_body(principal)
            return body is not None and bound_bodies.went_to(complaint, principal.role, body)
        return principal.organisation in case_organisations(complaint)

    def _bound_body(self, principal: Principal) -> str | None:
        """The body of the caller's organisation, if it is registered as one of the caller's
        role's kind (an ombudsman principal of a council sees nothing)."""
        registered = self.ledger.organisation(principal.organisation)
        if registered is None or registered.kind != BOUND_KINDS[principal.role]:
            return None
        return registered.bound_body


def case_organisations(complaint: Complaint) -> frozenset[str]:
    """Organisations that hold or held the case, or were asked to take it."""
    referred_to = {entry["to"] for entry in complaint.records.get("referrals", [])}
    return frozenset(
        {complaint.receiving_organisation, complaint.handling_organisation} | referred_to
    )
