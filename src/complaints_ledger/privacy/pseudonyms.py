"""What readers who may not see identities get instead: stable pseudonyms, withheld free text.

A pseudonym is a keyed hash of the person's identity (see subject_keys.py) and the audience, so
one analyst sees a repeat complainant as the same pseudonym on every case, while two partner
organisations cannot match theirs. Erased subjects stay `[erased]`.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from complaints_ledger.domain.privacy import ERASED, SubjectRole, role_of_field
from complaints_ledger.domain.values import Role
from complaints_ledger.privacy.sealing import NOT_PERSONAL
from complaints_ledger.privacy.subject_keys import SubjectKeys

WITHHELD = "[withheld]"
# Roles that see who complained: they handle the case or investigate it.
IDENTITY_READERS = frozenset(
    {Role.OFFICER, Role.MANAGER, Role.OMBUDSMAN, Role.HEALTHWATCH, Role.ADMIN}
)
PERSONAL_VIEW_FIELDS = ("complainant", "representative", "summary", "accessibility_needs")


def sees_identities(role: Role) -> bool:
    return role in IDENTITY_READERS


def audience_of(role: Role, organisation: str) -> str:
    return f"{role}:{organisation}"


def case_pseudonyms(keys: SubjectKeys, case_id: UUID, audience: str) -> dict[SubjectRole, str]:
    """The case's subjects' pseudonyms, or `[erased]`. A subject of a case recorded before
    personal data was sealed has no key, hence no pseudonym: they are left out (withheld)."""
    return {
        record.role: ERASED if record.erased_at else keys.pseudonym(record, audience)
        for record in keys.subjects_of([case_id])
    }


def pseudonymise_personal(
    personal: dict[str, Any], pseudonyms: dict[SubjectRole, str]
) -> dict[str, Any]:
    """A personal part with people replaced by pseudonyms and everything else withheld."""
    masked: dict[str, Any] = {}
    for name, value in personal.items():
        if value in NOT_PERSONAL:
            masked[name] = value
        elif name in {"complainant", "representative"}:
            pseudonym = pseudonyms.get(role_of_field(name), WITHHELD)
            masked[name] = (
                pseudonym if pseudonym in {ERASED, WITHHELD} else {"pseudonym": pseudonym}
            )
        else:
            masked[name] = WITHHELD
    return masked


def pseudonymise_case_view(
    view: dict[str, Any], pseudonyms: dict[SubjectRole, str]
) -> dict[str, Any]:
    """A case view (views.case_view) for a reader who may not see identities."""
    personal = pseudonymise_personal(
        {name: view.get(name) for name in PERSONAL_VIEW_FIELDS}, pseudonyms
    )
    return {**view, **personal}
