"""Organisations that use the ledger, and the record of who read which case.

Both are event-sourced like cases: an organisation is registered once; every read of a case's
data is appended to that case's access log before the data is returned.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from complaints_ledger.domain.case_state import envelope, require_text
from complaints_ledger.domain.errors import InvalidValueError
from complaints_ledger.domain.values import Ombudsman, Regulator, Stamp

ORGANISATION_NAMESPACE = uuid5(NAMESPACE_URL, "urn:complaints-ledger:organisation")
ACCESS_LOG_NAMESPACE = uuid5(NAMESPACE_URL, "urn:complaints-ledger:access-log")


class OrganisationKind(StrEnum):
    COUNCIL = "council"
    PROVIDER = "provider"
    NHS = "nhs"
    HEALTHWATCH = "healthwatch"
    OMBUDSMAN = "ombudsman"
    REGULATOR = "regulator"


def organisation_id(name: str) -> UUID:
    return uuid5(ORGANISATION_NAMESPACE, " ".join(name.split()).casefold())


class Organisation(Aggregate):
    class Registered(Aggregate.Created):
        name: str
        kind: str
        ombudsman_body: str | None
        occurred_at: datetime
        actor: dict[str, str]
        correlation_id: str
        regulator_body: str | None

        # v1 bound no regulator: a regulator registered then reads no case until re-registered
        # under another name with its body.
        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state.setdefault("regulator_body", None)

    def __init__(  # noqa: PLR0917 - eventsourcing passes the Registered fields by name
        self,
        name: str,
        kind: str,
        ombudsman_body: str | None,
        occurred_at: datetime,
        actor: dict[str, str],
        correlation_id: str,
        regulator_body: str | None = None,
    ) -> None:
        self.name = name
        self.kind = OrganisationKind(kind)
        self.ombudsman_body = ombudsman_body
        self.regulator_body = regulator_body
        self.registered_at = occurred_at
        self.registered_by = actor
        self.correlation_id = correlation_id

    @classmethod
    def register(
        cls,
        stamp: Stamp,
        *,
        name: str,
        kind: OrganisationKind,
        ombudsman_body: Ombudsman | None,
        regulator_body: Regulator | None = None,
    ) -> Organisation:
        name = " ".join(require_text(name, "name").split())
        _check_bound_body(kind, OrganisationKind.OMBUDSMAN, ombudsman_body, "ombudsman_body")
        _check_bound_body(kind, OrganisationKind.REGULATOR, regulator_body, "regulator_body")
        return cls._create(
            cls.Registered,
            id=organisation_id(name),
            **envelope(stamp),
            name=name,
            kind=str(kind),
            ombudsman_body=str(ombudsman_body) if ombudsman_body else None,
            regulator_body=str(regulator_body) if regulator_body else None,
        )

    @property
    def bound_body(self) -> str | None:
        """The ombudsman or regulator this organisation is, whose cases its principals see."""
        return self.ombudsman_body or self.regulator_body


def _check_bound_body(
    kind: OrganisationKind, bound_kind: OrganisationKind, body: str | None, field: str
) -> None:
    if kind == bound_kind and body is None:
        raise InvalidValueError(f"an organisation of kind {bound_kind} names its body", field=field)
    if kind != bound_kind and body is not None:
        raise InvalidValueError(f"{field} applies to {bound_kind} organisations only", field=field)


def access_log_id(case_id: UUID) -> UUID:
    return uuid5(ACCESS_LOG_NAMESPACE, str(case_id))


class AccessLog(Aggregate):
    """Who read a case's data, in what role, for what purpose, and what they read."""

    class Opened(Aggregate.Created):
        case_id: UUID

    class CaseRead(Aggregate.Event):
        principal: str
        organisation: str
        role: str
        what: str
        purpose: str | None

        def apply(self, log: AccessLog) -> None:
            log.reads += 1

    def __init__(self, case_id: UUID) -> None:
        self.case_id = case_id
        self.reads = 0

    @classmethod
    def open(cls, case_id: UUID) -> AccessLog:
        return cls._create(cls.Opened, id=access_log_id(case_id), case_id=case_id)

    def record(self, stamp: Stamp, *, what: str, purpose: str | None) -> None:
        self.trigger_event(
            self.CaseRead,
            timestamp=stamp.recorded_at,
            principal=stamp.actor.principal,
            organisation=stamp.actor.organisation,
            role=str(stamp.actor.role),
            what=require_text(what, "what"),
            purpose=purpose.strip()[:200] if purpose and purpose.strip() else None,
        )
