"""`reads CASE_ID`: who read a case, when, in what role and why (the API's `GET .../reads`).

The caller is `--as/--role/--org` or `--token`, held to the same policy: managers and auditors of
the organisation holding the case. Listing is a read too, recorded first (`--purpose`).
"""

from __future__ import annotations

import json
from inspect import Parameter, Signature
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from complaints_ledger.access import Policy
from complaints_ledger.application.access_records import list_reads
from complaints_ledger.cli import parsing, render
from complaints_ledger.cli.body_options import keyword
from complaints_ledger.cli.caller import caller, caller_options
from complaints_ledger.cli.context import open_ledger, state
from complaints_ledger.cli.errors import reporting_errors
from complaints_ledger.cli.operator import ReadPurpose
from complaints_ledger.cli.tables import readable

COLUMNS = ("at", "principal", "role", "organisation", "what", "purpose")
CaseArgument = Annotated[
    str, typer.Argument(metavar="CASE_ID", help="The case id (a UUID).", show_default=False)
]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def reads(**values: Any) -> None:
    """Who read the case, oldest first (managers and auditors of the organisation holding it)."""
    with reporting_errors():
        case_id = parsing.case_id(values["case"])
        settings = state(values["ctx"]).settings
        principal = caller(settings, values)
        with open_ledger(settings) as ledger:
            Policy(ledger).check_can_list_reads(principal, ledger.get(case_id))
            records = list_reads(ledger, case_id, principal.actor, purpose=values["purpose"])
    if values["as_json"]:
        typer.echo(json.dumps({"id": str(case_id), "reads": records}, indent=2))
        return
    console = render.make_console()
    render.line(console, f"Case {case_id}: {len(records)} reads, oldest first", "bold")
    console.print(_table(records))


def _table(records: list[dict[str, Any]]) -> Table:
    table = Table()
    for column in COLUMNS:
        table.add_column(column, no_wrap=column in {"at", "role"}, overflow="fold")
    for record in records:
        shown = {**record, "at": render.short_instant(record["at"])}
        table.add_row(*(Text(str(shown[column] or "-")) for column in COLUMNS))
    return readable(table)


reads.__signature__ = Signature(  # type: ignore[attr-defined]
    [
        Parameter("ctx", Parameter.POSITIONAL_OR_KEYWORD, annotation=typer.Context),
        keyword("case", CaseArgument, ...),
        *caller_options(),
        keyword("purpose", ReadPurpose),
        keyword("as_json", AsJson, default=False),
    ]
)
