"""`token demo` (what `make demo` prints), on both stores: a token for every role, an admin's
among them, and an `export NAME=...` line for every token variable the docs use."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner, Result

from complaints_ledger.access import TokenStore
from complaints_ledger.cli.main import app
from complaints_ledger.domain.values import Role
from complaints_ledger.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
EXPORT_LINE = re.compile(r"^\s+export ([A-Z_]+_TOKEN)=(cl_\S+)$", re.MULTILINE)
VARIABLE_ROLES = {
    "OFFICER_TOKEN": Role.OFFICER,
    "MANAGER_TOKEN": Role.MANAGER,
    "AUDITOR_TOKEN": Role.AUDITOR,
    "ADMIN_TOKEN": Role.ADMIN,
    "HEALTHWATCH_TOKEN": Role.HEALTHWATCH,
    "LGSCO_TOKEN": Role.OMBUDSMAN,
    "ANALYST_TOKEN": Role.ANALYST,
    "REGULATOR_TOKEN": Role.REGULATOR,
}


def cli(store: str, *args: str) -> Result:
    return CliRunner().invoke(app, ["--store", store, *args], env={"COLUMNS": "200"})


def demo_exports(store: str) -> dict[str, str]:
    assert cli(store, "demo", "--complaints", "4").exit_code == 0
    printed = cli(store, "token", "demo")
    assert printed.exit_code == 0, printed.output
    return dict(EXPORT_LINE.findall(printed.stdout))


def test_every_printed_token_authenticates_with_the_role_its_name_says(store_url: str) -> None:
    exports = demo_exports(store_url)
    assert set(exports) == set(VARIABLE_ROLES)
    tokens = TokenStore.for_settings(Settings(store=store_url))
    try:
        for variable, raw in exports.items():
            principal = tokens.authenticate(raw)
            assert principal is not None, variable
            assert principal.role == VARIABLE_ROLES[variable], variable
    finally:
        tokens.close()


def test_the_docs_use_only_token_variables_that_make_demo_exports(store_url: str) -> None:
    exports = demo_exports(store_url)
    used = {
        name
        for doc in ("README.md", "docs/api.md")
        for name in re.findall(r"\$\{?([A-Z_]+_TOKEN)\b", (ROOT / doc).read_text())
    }
    assert "ADMIN_TOKEN" in used
    assert used <= set(exports), used - set(exports)


def test_make_demo_prints_the_demo_tokens() -> None:
    demo_recipe = (ROOT / "Makefile").read_text().split("\ndemo:", 1)[1].split("\n\n", 1)[0]
    assert "complaints-ledger token demo" in demo_recipe
