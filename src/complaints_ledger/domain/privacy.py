"""Erasure of a data subject's personal data, and litigation holds that stop it.

A case has up to two data subjects: the complainant (the person affected; the summary, notes,
letters and feedback are theirs too) and a representative. Each has a stable id derived from the
case, so erasure requests and exports can name them without storing anything personal.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from enum import StrEnum
from typing import Any, ClassVar
from uuid import NAMESPACE_URL, UUID, uuid5

from complaints_ledger.domain import clocks
from complaints_ledger.domain.case_state import CaseBase, StateCheck, envelope, require_text
from complaints_ledger.domain.errors import InvalidValueError, RuleViolationError
from complaints_ledger.domain.values import Stamp, Status

ERASED = "[erased]"
SUBJECT_NAMESPACE = uuid5(NAMESPACE_URL, "urn:complaints-ledger:data-subject")
RETAINED_FROM = frozenset({Status.CLOSED, Status.WITHDRAWN})


class SubjectRole(StrEnum):
    COMPLAINANT = "complainant"
    REPRESENTATIVE = "representative"


def subject_id_for(case_id: UUID, role: SubjectRole) -> UUID:
    return uuid5(SUBJECT_NAMESPACE, f"{case_id}:{role}")


def role_of_field(field: str) -> SubjectRole:
    """Whose personal data a field of an event's personal part is."""
    return SubjectRole.REPRESENTATIVE if field == "representative" else SubjectRole.COMPLAINANT


def mask_role(personal: dict[str, Any], role: SubjectRole) -> dict[str, Any]:
    """The personal part with every field of that subject replaced by `[erased]`."""
    return {
        name: ERASED if role_of_field(name) == role and value not in (None, "", []) else value
        for name, value in personal.items()
    }


def mask_roles(personal: dict[str, Any], roles: list[SubjectRole]) -> dict[str, Any]:
    for role in roles:
        personal = mask_role(personal, role)
    return personal


def _not_held(case: CaseBase) -> None:
    if case.litigation_hold is not None:
        raise RuleViolationError("the case is already under a litigation hold", field="status")


def _held(case: CaseBase) -> None:
    if case.litigation_hold is None:
        raise RuleViolationError("the case is not under a litigation hold", field="status")


class Privacy(CaseBase):
    STATE_RULES: ClassVar[Mapping[str, StateCheck]] = {
        "place_litigation_hold": _not_held,
        "lift_litigation_hold": _held,
    }

    class SubjectErased(CaseBase.Event):
        subject_id: str
        role: str
        reason: str

        def apply(self, case: Privacy) -> None:
            case.personal = mask_role(case.personal, SubjectRole(self.role))
            case.erased_roles = sorted({*case.erased_roles, self.role})

    class LitigationHoldPlaced(CaseBase.Event):
        reason: str

        def apply(self, case: Privacy) -> None:
            case.litigation_hold = {"placed_at": self.occurred_at, "reason": self.reason}

    class LitigationHoldLifted(CaseBase.Event):
        reason: str

        def apply(self, case: Privacy) -> None:
            case.litigation_hold = None

    def subject_ids(self) -> dict[SubjectRole, UUID]:
        """The data subjects of this case: the complainant, and the representative if any."""
        roles = [SubjectRole.COMPLAINANT]
        if self.represented:
            roles.append(SubjectRole.REPRESENTATIVE)
        return {role: subject_id_for(self.id, role) for role in roles}

    def role_of_subject(self, subject_id: UUID) -> SubjectRole:
        for role, known in self.subject_ids().items():
            if known == subject_id:
                return role
        raise InvalidValueError(
            f"{subject_id} is not a data subject of case {self.id}", field="subject_id"
        )

    def retention_starts_on(self) -> date | None:
        """The UK date the case was closed or withdrawn: its records' retention counts from it."""
        if self.status not in RETAINED_FROM or self.stopped_at is None:
            return None
        return clocks.uk_local_date(self.stopped_at)

    def erase_subject(self, stamp: Stamp, *, subject_id: UUID, reason: str) -> None:
        self._check_stamp(stamp, command="erase personal data")
        self._require_privileged(stamp, "erasing personal data")
        role = self.role_of_subject(subject_id)
        if self.litigation_hold is not None:
            raise RuleViolationError(
                f"case {self.id} is under a litigation hold ({self.litigation_hold['reason']}); "
                "lift it before erasing",
                field="litigation_hold",
                rule="litigation hold",
            )
        if str(role) in self.erased_roles:
            raise RuleViolationError(
                f"the {role}'s personal data is already erased", field="subject_id"
            )
        self.trigger_event(
            self.SubjectErased,
            **envelope(stamp),
            subject_id=str(subject_id),
            role=str(role),
            reason=require_text(reason, "reason"),
        )

    def place_litigation_hold(self, stamp: Stamp, *, reason: str) -> None:
        self._check_stamp(stamp, command="place a litigation hold")
        self._require_privileged(stamp, "placing a litigation hold")
        self._require_state("place_litigation_hold")
        self.trigger_event(
            self.LitigationHoldPlaced, **envelope(stamp), reason=require_text(reason, "reason")
        )

    def lift_litigation_hold(self, stamp: Stamp, *, reason: str) -> None:
        self._check_stamp(stamp, command="lift a litigation hold")
        self._require_privileged(stamp, "lifting a litigation hold")
        self._require_state("lift_litigation_hold")
        self.trigger_event(
            self.LitigationHoldLifted, **envelope(stamp), reason=require_text(reason, "reason")
        )

    def _check_personal_data_allowed(self, personal: dict[str, Any]) -> None:
        for name, value in personal.items():
            if value not in (None, "", []) and str(role_of_field(name)) in self.erased_roles:
                raise RuleViolationError(
                    f"the {role_of_field(name)}'s personal data was erased: nothing more about "
                    "them can be recorded on this case",
                    field=name,
                    rule="erasure",
                )
