"""compose.yaml cannot be run here (no container engine), so check what can be checked: every
`complaints-ledger` command line in it, services and healthchecks alike, is one the CLI accepts
(its commands and options exist), and the services that serve traffic have a healthcheck."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from complaints_ledger.cli.main import app

COMPOSE = Path(__file__).parents[2] / "compose.yaml"
SERVICES: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())["services"]
# What the container's shell would put in place of a variable (`$$` escapes compose's own).
SHELL_VALUES = {'"$$COMPLAINTS_LEDGER_STORE"': "sqlite:///ledger.db"}


def ledger_command_lines() -> list[tuple[str, list[str]]]:
    """(where, argv after `complaints-ledger`) for each command in a list or a `sh -c` string."""
    found: list[tuple[str, list[str]]] = []
    for name, service in SERVICES.items():
        for where, command in (
            (name, service.get("command")),
            (f"{name} healthcheck", service.get("healthcheck", {}).get("test")),
        ):
            found += [(where, argv) for argv in _ledger_argvs(command)]
    return found


def _ledger_argvs(command: Any) -> list[list[str]]:
    if not command:
        return []
    if isinstance(command, list) and command[0] in {"CMD", "CMD-SHELL"}:
        command = command[1:]
    if isinstance(command, list) and command[:2] != ["sh", "-c"]:
        return [command[1:]] if command[0] == "complaints-ledger" else []
    script = command[-1] if isinstance(command, list) else command
    argvs = []
    for part in script.replace("&&", ";").split(";"):
        words = part.split()
        if "complaints-ledger" in words:
            argvs.append(words[words.index("complaints-ledger") + 1 :])
    return argvs


@pytest.mark.parametrize(("where", "argv"), ledger_command_lines())
def test_every_ledger_command_in_compose_is_accepted(where: str, argv: list[str]) -> None:
    # --help is eager: the options are parsed (an unknown one fails) but nothing runs.
    expanded = [SHELL_VALUES.get(word, word) for word in argv]
    result = CliRunner().invoke(app, [*expanded, "--help"])
    assert result.exit_code == 0, f"{where}: {' '.join(argv)}\n{result.output}"


@pytest.mark.parametrize("service", ["postgres", "ledger", "projections"])
def test_long_running_services_have_a_healthcheck(service: str) -> None:
    assert "healthcheck" in SERVICES[service]
