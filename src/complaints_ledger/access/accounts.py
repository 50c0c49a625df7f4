"""What is checked before a staff account or an API token is made, by the CLI (`user add`,
`token create`) and the admin pages alike: a role for people, a registered organisation, and for
an ombudsman's or regulator's principal an organisation registered as that body."""

from __future__ import annotations

from complaints_ledger.access.policy import BOUND_KINDS
from complaints_ledger.domain.errors import InvalidValueError
from complaints_ledger.domain.registry import Organisation
from complaints_ledger.domain.values import Role


def check_role_for_people(role: Role) -> None:
    if role == Role.SYSTEM:
        raise InvalidValueError("the system role is not for people", field="role")


def bound_body(organisation: Organisation | None, org: str, role: Role) -> str:
    """`, for <body>` for an ombudsman's or regulator's principal (its organisation must be
    registered as one, naming its body), else nothing; refused for an organisation that is not
    registered."""
    if organisation is None:
        raise InvalidValueError(
            f"no organisation {org!r} is registered: add it with `org add`", field="org"
        )
    kind = BOUND_KINDS.get(role)
    if kind is None:
        return ""
    if organisation.kind != kind or organisation.bound_body is None:
        raise InvalidValueError(
            f"a {role} token is for an organisation registered with --kind {kind} and its "
            f"body; {org!r} is a {organisation.kind}",
            field="role",
        )
    return f", for {organisation.bound_body}"
