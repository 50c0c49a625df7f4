"""`complaints-ledger calendar ...`: the working-day calendars, one-off holidays, what-if."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from complaints_ledger.application.calendar_service import CalendarBook, calendar_named
from complaints_ledger.application.context import CommandContext
from complaints_ledger.cli import parsing
from complaints_ledger.cli.context import open_ledger, state
from complaints_ledger.cli.errors import reporting_errors
from complaints_ledger.cli.readside_support import open_views
from complaints_ledger.cli.tables import readable
from complaints_ledger.domain.calendars import Calendar
from complaints_ledger.domain.errors import InvalidValueError
from complaints_ledger.domain.values import Actor, Role
from projections.calendar_what_if import what_if, what_if_document

app = typer.Typer(
    help="Working-day calendars: show them, add or remove a one-off bank holiday, what-if.",
    no_args_is_help=True,
)
console = Console()
NationOption = Annotated[
    str,
    typer.Option(
        "--nation", help="england, wales, scotland or northern-ireland.", parser=parsing.line
    ),
]
Reason = Annotated[
    str, typer.Option("--reason", help="Why (e.g. the proclamation).", parser=parsing.line)
]
By = Annotated[str, typer.Option("--by", help="Who makes the change.", parser=parsing.line)]
Day = Annotated[str, typer.Argument(metavar="YYYY-MM-DD", help="The day.")]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def calendar_of(nation: str) -> Calendar:
    return calendar_named(nation, "--nation")


def _operator(by: str) -> CommandContext:
    return CommandContext(Actor(by, "complaints-ledger", Role.ADMIN))


@app.command("show")
def show(
    ctx: typer.Context,
    nation: NationOption,
    year: Annotated[int | None, typer.Option(help="Bank holidays of this year.")] = None,
    as_json: AsJson = False,
) -> None:
    """The calendar in force: its version, the adjustments recorded, a year's bank holidays."""
    with reporting_errors():
        calendar = calendar_of(nation)
        shown_year = year or parsing.uk_today().year
        if not 2000 <= shown_year <= 2100:  # noqa: PLR2004 - the years the clocks count
            raise InvalidValueError("--year must be between 2000 and 2100", field="year")
        with open_ledger(state(ctx).settings) as ledger:
            document = CalendarBook(ledger).document(calendar, shown_year)
    if as_json:
        typer.echo(json.dumps(document, indent=2))
        return
    console.print(f"[bold]{calendar}[/bold] calendar version {document['version']}")
    table = Table("day", "bank holiday")
    for holiday in document["holidays"]:
        table.add_row(holiday["day"], Text(holiday["name"]))
    console.print(readable(table))
    if document["adjustments"]:
        columns = ("day", "change", "name", "reason", "by", "recorded_at")
        changes = Table(*(c.replace("_", " ") for c in columns))
        for adjustment in document["adjustments"]:
            changes.add_row(*(Text(str(adjustment[c] or "")) for c in columns))
        console.print(readable(changes))


@app.command("add-holiday")
def add_holiday(
    ctx: typer.Context,
    day: Day,
    nation: NationOption,
    reason: Reason,
    name: Annotated[
        str | None, typer.Option("--name", help="As explanations name it.", parser=parsing.line)
    ] = None,
    by: By = "cli-operator",
) -> None:
    """Add a one-off bank holiday (an event); read models re-derive the open cases."""
    with reporting_errors():
        calendar, when = calendar_of(nation), parsing.day(day, "day")
        with open_ledger(state(ctx).settings) as ledger:
            in_force = CalendarBook(ledger).add_holiday(
                _operator(by), calendar, day=when, reason=reason, name=name
            )
    console.print(f"added {when:%a %d %b %Y} to {calendar}: calendar version {in_force.version}")


@app.command("remove-holiday")
def remove_holiday(
    ctx: typer.Context, day: Day, nation: NationOption, reason: Reason, by: By = "cli-operator"
) -> None:
    """Remove a bank holiday (an event); read models re-derive the open cases."""
    with reporting_errors():
        calendar, when = calendar_of(nation), parsing.day(day, "day")
        with open_ledger(state(ctx).settings) as ledger:
            in_force = CalendarBook(ledger).remove_holiday(
                _operator(by), calendar, day=when, reason=reason
            )
    console.print(
        f"removed {when:%a %d %b %Y} from {calendar}: calendar version {in_force.version}"
    )


@app.command("what-if")
def what_if_command(
    ctx: typer.Context,
    nation: NationOption,
    add: Annotated[str | None, typer.Option("--add", metavar="YYYY-MM-DD")] = None,
    remove: Annotated[str | None, typer.Option("--remove", metavar="YYYY-MM-DD")] = None,
    as_json: AsJson = False,
) -> None:
    """Every open deadline that adding or removing a day would move, old -> new. Changes nothing."""
    with reporting_errors():
        calendar = calendar_of(nation)
        added = parsing.day(add, "--add") if add is not None else None
        removed = parsing.day(remove, "--remove") if remove is not None else None
        with open_views(state(ctx).settings) as db:
            current, changed, moves = what_if(db, calendar, add=added, remove=removed)
    if as_json:
        typer.echo(json.dumps(what_if_document(current, changed, moves), indent=2))
        return
    console.print(f"{calendar}: calendar {current.version} -> {changed.version}")
    if not moves:
        console.print("no open deadline would move")
        return
    table = Table("case", "organisation", "deadline", "old", "new")
    for move in moves:
        cells = (move.case_id, move.organisation, move.deadline, move.old, move.new)
        table.add_row(*map(Text, cells))  # Text, not markup: names are stored values
    console.print(readable(table))
