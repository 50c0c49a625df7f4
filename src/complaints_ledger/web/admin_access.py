"""What every admin page shares: only an administrator (the admin role, the role of the CLI's
operator) may open them; each form is checked against the session's CSRF token; each action is
recorded with who took it (access/admin_log.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from fastapi import Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from complaints_ledger.access.accounts import bound_body, check_role_for_people
from complaints_ledger.access.admin_log import record_admin_action
from complaints_ledger.access.sessions import Session
from complaints_ledger.api.store_opening import OpenedStore
from complaints_ledger.domain.errors import LedgerError
from complaints_ledger.domain.values import Role
from complaints_ledger.persistence.view_db import ViewDatabases
from complaints_ledger.web.formatting import sentence
from complaints_ledger.web.page_guards import expired_form, session_with_role
from complaints_ledger.web.staff_pages import ADMIN_ROLES

E = TypeVar("E", bound=StrEnum)
T = TypeVar("T")
PEOPLES_ROLES = tuple(role for role in Role if role != Role.SYSTEM)
NOT_FOR_YOU = (
    "The admin pages are for administrators (the admin role); you are signed in as {role}."
)
ADMIN_PAGES = (
    ("/admin/organisations", "Organisations"),
    ("/admin/users", "Users and roles"),
    ("/admin/tokens", "API tokens"),
    ("/admin/keys", "Keys"),
    ("/admin/projections", "Projections"),
)


def choice_items(
    values: Iterable[str], chosen: str, *, none_text: str | None = None
) -> list[dict[str, Any]]:
    """GOV.UK's `items` of radios or a select, `chosen` checked (and selected)."""
    items = [] if none_text is None else [{"value": "", "text": none_text, "selected": not chosen}]
    for value in values:
        label = sentence(value) if value.islower() else value
        picked = value == chosen
        items.append({"value": value, "text": label, "checked": picked, "selected": picked})
    return items


def member(kind: type[E], entered: dict[str, str], field: str, errors: FieldErrors) -> E | None:
    """The member the form chose for `field`; None when none was (or one not on the list)."""
    if not (value := entered.get(field, "")):
        return None
    try:
        return kind(value)
    except ValueError:
        errors.add(field, f"Choose {sentence(field).lower()} from the list")
        return None


def principal_choices(store: OpenedStore, entered: dict[str, str]) -> dict[str, Any]:
    """The organisation and role selects of a form that makes an account or a token."""
    names = [organisation.name for organisation in store.ledger.organisations()]
    return {
        "organisations": choice_items(names, entered.get("org", ""), none_text="Choose"),
        "roles": choice_items(PEOPLES_ROLES, entered.get("role", ""), none_text="Choose"),
    }


def principal_role(
    store: OpenedStore, entered: dict[str, str], errors: FieldErrors, whose: str
) -> Role | None:
    """The role of a new account or token (`whose`: "person's", "token's"), checked as the CLI
    checks it: None with `errors` filled when the form misses something; refused (raised) for
    the system role, an organisation not registered, or one that is not the role's body."""
    if not entered["org"]:
        errors.add("org", f"Choose the {whose} organisation")
    role = member(Role, entered, "role", errors)
    if role is None:
        errors.add("role", f"Choose the {whose} role")
    if errors or role is None:
        return None
    check_role_for_people(role)
    bound_body(store.ledger.organisation(entered["org"]), entered["org"], role)
    return role


def admin_session(request: Request) -> Session | Response:
    """The signed-in administrator, or the page to show instead: sign in, or not permitted."""
    return session_with_role(request, ADMIN_ROLES, NOT_FOR_YOU)


def admin_form(request: Request, form: FormData) -> Session | Response:
    """As `admin_session`, and the form must carry the session's CSRF token."""
    session = admin_session(request)
    if isinstance(session, Session):
        return expired_form(request, form) or session
    return session


def attempt(
    act: Callable[[FieldErrors], T], fields: Iterable[str], default: str
) -> tuple[T | None, FieldErrors]:
    """Run a form's action: its result, or None with the errors of the form (those `act`
    found, or the ledger's refusal by its field, `default` when the form has no such field)."""
    errors = FieldErrors.none()
    try:
        done = act(errors)
    except LedgerError as refused:
        errors.refused(refused, fields, default)
        return None, errors
    return (None if errors else done), errors


def text(form: FormData, name: str) -> str:
    return str(form.get(name, "")).strip()


def record_action(request: Request, session: Session, action: str, target: str) -> None:
    views: ViewDatabases = request.app.state.views
    with views.connection() as db:
        record_admin_action(db, session.principal, action, target)


@dataclass
class FieldErrors:
    """A form's errors, field id -> message, in the order the form asks."""

    messages: dict[str, str]

    @classmethod
    def none(cls) -> FieldErrors:
        return cls({})

    def add(self, field: str, message: str) -> None:
        self.messages.setdefault(field, message)

    def refused(self, error: LedgerError, fields: Iterable[str], default: str) -> None:
        """The ledger's refusal by the field it names, if the form has it, else by `default`."""
        message = error.message[:1].upper() + error.message[1:]
        self.add(error.field if error.field in tuple(fields) else default, message)

    def __bool__(self) -> bool:
        return bool(self.messages)
