"""The catalogue: one declaration per ledger command, forwarding every field of its body."""

from __future__ import annotations

from typing import Any, get_origin
from uuid import uuid4

import pytest

from complaints_ledger.application.catalogue import (
    CATALOGUE,
    CaseCommand,
    CommandCall,
    command_named,
)
from complaints_ledger.application.commands import LedgerCommands
from complaints_ledger.application.context import CommandContext
from complaints_ledger.domain.errors import InvalidValueError
from complaints_ledger.domain.values import Actor, Role


class RecordingLedger:
    """Stands in for the ledger: records which method a command calls, with what."""

    def __init__(self, registry: dict[str, str] | None = None) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.registry = registry

    def registered_name(self, organisation: str) -> str | None:
        """Every organisation is registered, unless a registry (key: as named) is given."""
        return organisation if self.registry is None else self.registry.get(organisation)

    def __getattr__(self, name: str) -> Any:
        def method(_case_id: object, _ctx: object, **arguments: Any) -> int:
            self.calls.append((name, arguments))
            return 2

        return method


def marked_body(entry: CaseCommand[Any]) -> tuple[Any, dict[str, Any]]:
    """A body whose every field holds a value of its own, and what the ledger must receive."""
    values: dict[str, Any] = {}
    for name, field in entry.body.model_fields.items():
        values[name] = [f"{name}-item"] if get_origin(field.annotation) is list else f"{name}-v"
    expected = {
        name: tuple(value) if isinstance(value, list) else value
        for name, value in values.items()
        if name != "occurred_at"
    }
    return entry.body.model_construct(**values), expected


@pytest.mark.parametrize("entry", CATALOGUE, ids=[entry.name for entry in CATALOGUE])
def test_each_command_hands_every_body_field_to_its_ledger_method(entry: CaseCommand[Any]) -> None:
    body, expected = marked_body(entry)
    path = {name: f"{name}-from-path" for name in entry.path_parameters}
    ledger = RecordingLedger()
    ctx = CommandContext(Actor("a", "Org", Role.OFFICER))
    assert entry(ledger, CommandCall(uuid4(), ctx, body, path)) == 2  # type: ignore[arg-type]
    assert ledger.calls == [(entry.name, {**path, **expected})]
    assert callable(getattr(LedgerCommands, entry.name))


def test_names_paths_and_cli_names_are_unique_and_every_command_says_whom_and_why() -> None:
    for key in ("name", "path", "cli_name"):
        values = [getattr(entry, key) for entry in CATALOGUE]
        assert len(values) == len(set(values)), key
    aliases = [alias for entry in CATALOGUE for alias in entry.aliases]
    assert not set(aliases) & {entry.cli_name for entry in CATALOGUE}
    for entry in CATALOGUE:
        assert entry.roles, entry.name
        assert entry.summary.endswith("."), entry.name
        assert entry.rule, entry.name
        assert command_named(entry.name) is entry
        for name in entry.path_parameters:
            assert f"{{{name}}}" in entry.path
    with pytest.raises(KeyError):
        command_named("acknowledgee")


REFERS = command_named("refer")


def _referral(to: str) -> Any:
    return REFERS.body(to_organisation=to, reason="theirs", consent_to_share=True)


@pytest.mark.parametrize(
    ("to", "fragment"),
    [
        ("Southshire Council", "complaints-ledger org add 'Southshire Council' --kind"),
        ("the trust", "'Northshire NHS Trust': use that name"),
    ],
)
def test_an_organisation_outside_the_registry_is_refused_before_the_command_runs(
    to: str, fragment: str
) -> None:
    ledger = RecordingLedger({"the trust": "Northshire NHS Trust"})
    ctx = CommandContext(Actor("a", "Org", Role.OFFICER))
    with pytest.raises(InvalidValueError) as caught:
        REFERS(ledger, CommandCall(uuid4(), ctx, _referral(to)))  # type: ignore[arg-type]
    assert caught.value.field == "to_organisation"
    assert fragment in caught.value.message
    assert ledger.calls == []


def test_every_field_naming_an_organisation_is_checked_against_the_registry() -> None:
    checked = {e.name: e.registered_organisations for e in CATALOGUE if e.registered_organisations}
    assert checked == {
        "refer": ("to_organisation",),
        "decline_referral": ("suggested_organisation",),
        "pass_on_referral": ("to_organisation",),
    }
    for entry in CATALOGUE:
        for name in entry.registered_organisations:
            assert name in entry.body.model_fields, (entry.name, name)
    receivers = {e.name for e in CATALOGUE if e.by_receiver}
    assert receivers == {"accept_referral", "decline_referral", "pass_on_referral"}
