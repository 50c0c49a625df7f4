"""Who runs a case command from the terminal: `--as NAME --role ROLE --org ORG`, or `--token`.

Either way the caller is a `Principal`, and the access policy the API applies decides.
"""

from __future__ import annotations

from collections.abc import Mapping
from inspect import Parameter
from typing import Annotated, Any

import typer

from complaints_ledger.access import Principal, TokenStore
from complaints_ledger.cli.body_options import keyword
from complaints_ledger.domain.errors import InvalidValueError, NotPermittedError
from complaints_ledger.domain.values import Role
from complaints_ledger.inputs import TextPolicyError, clean_line
from complaints_ledger.settings import Settings

TERMINAL = "terminal"  # the token id of a caller named on the command line
PERSON_ROLES = frozenset(Role) - {Role.SYSTEM}  # system is the ledger's own, never a caller's


def caller_options() -> list[Parameter]:
    def option(name: str, flag: str, metavar: str, help_text: str, **more: Any) -> Parameter:
        found = typer.Option(flag, metavar=metavar, help=help_text, **more)
        return keyword(name, Annotated[str | None, found])

    return [
        option("caller", "--as", "NAME", "Who is doing this (with --role and --org)."),
        option("role", "--role", "ROLE", "The caller's role, e.g. officer or manager."),
        option("org", "--org", "ORG", "The caller's organisation."),
        option(
            "token",
            "--token",
            "TOKEN",
            "An API token instead of --as/--role/--org.",
            envvar="COMPLAINTS_LEDGER_TOKEN",
        ),
    ]


def caller(settings: Settings, values: Mapping[str, Any]) -> Principal:
    token, named = values.get("token"), [values.get(k) for k in ("caller", "role", "org")]
    if token is not None:
        if any(value is not None for value in named):
            raise InvalidValueError("give --token or --as/--role/--org, not both", field="token")
        return _by_token(settings, token)
    if any(value is None for value in named):
        raise InvalidValueError(
            "say who is doing this: --as NAME --role ROLE --org ORG, or --token", field="as"
        )
    name, role, organisation = (str(value) for value in named)
    return Principal(_line(name, "as"), _line(organisation, "org"), _role(role), TERMINAL)


def _by_token(settings: Settings, token: str) -> Principal:
    tokens = TokenStore.for_settings(settings)
    try:
        principal = tokens.authenticate(token)
    finally:
        tokens.close()
    if principal is None:
        raise NotPermittedError("the token is unknown, revoked or expired", field="token")
    return principal


def _line(text: str, option: str) -> str:
    try:
        value = clean_line(text)
    except TextPolicyError as error:
        raise InvalidValueError(f"--{option}: {error.message}", field=option) from None
    if not value:
        raise InvalidValueError(f"--{option} needs a value", field=option)
    return value


def _role(text: str) -> Role:
    try:
        role = Role(text.strip().lower())
    except ValueError:
        role = Role.SYSTEM
    if role not in PERSON_ROLES:
        roles = ", ".join(sorted(PERSON_ROLES))
        raise InvalidValueError(f"--role {text!r} is not a role (one of {roles})", field="role")
    return role
