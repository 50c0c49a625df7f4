"""A case command as data: everything the API, the policy and the CLI need to offer it."""

from __future__ import annotations

import shlex
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Generic, TypeVar
from uuid import UUID

from complaints_ledger.application.catalogue.body import CommandBody
from complaints_ledger.domain.errors import InvalidValueError
from complaints_ledger.domain.values import Role

if TYPE_CHECKING:
    from complaints_ledger.application.commands import LedgerCommands
    from complaints_ledger.application.context import CommandContext

BodyT = TypeVar("BodyT", bound=CommandBody)

CASE_HANDLERS = frozenset({Role.OFFICER, Role.MANAGER})
MANAGERS = frozenset({Role.MANAGER})


@dataclass(frozen=True)
class CommandCall(Generic[BodyT]):
    """One run of a command: the case, who and when, the body, and any ids from the path."""

    case_id: UUID
    ctx: CommandContext
    body: BodyT
    path: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class CaseCommand(Generic[BodyT]):
    """A command on one case.

    `run` calls the ledger method with the body's fields, so a wrong method, a missing or
    misspelt parameter or a wrongly typed field is a mypy error, not a runtime surprise.
    `path` is the HTTP route under `/complaints/{case_id}`; its `{names}` besides the case id
    are `path_parameters`, handed to `run` in `CommandCall.path` (and CLI arguments).
    `by_receiver`: run by the organisation a pending referral is with, not by the case's holder.
    `registered_organisations`: body fields that, when given, must name a registered
    organisation (checked before the command runs, by the API and the CLI alike).
    """

    name: str
    path: str
    body: type[BodyT]
    run: Callable[[LedgerCommands, CommandCall[BodyT]], int]
    summary: str
    rule: str
    roles: frozenset[Role] = CASE_HANDLERS
    path_parameters: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    by_receiver: bool = False
    registered_organisations: tuple[str, ...] = ()

    @property
    def cli_name(self) -> str:
        return self.name.replace("_", "-")

    def __call__(self, ledger: LedgerCommands, call: CommandCall[BodyT]) -> int:
        for name in self.registered_organisations:
            require_registered(ledger, getattr(call.body, name), name)
        return self.run(ledger, call)


def require_registered(ledger: LedgerCommands, organisation: str | None, field: str) -> None:
    """A case offered to an organisation nobody registered could never be accepted."""
    if organisation is None:
        return
    registered = ledger.registered_name(organisation)
    if registered is None:
        raise InvalidValueError(
            f"no organisation {organisation!r} is registered; register it first with "
            f"`complaints-ledger org add {shlex.quote(organisation)} --kind KIND` "
            "(`complaints-ledger org list` shows the registry)",
            field=field,
            rule="organisations registry",
        )
    if registered != organisation:
        raise InvalidValueError(
            f"{organisation!r} is registered as {registered!r}: use that name", field=field
        )
