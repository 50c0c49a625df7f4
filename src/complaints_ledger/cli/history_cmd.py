"""`history` and `deadlines`: one case as recorded (now or at an instant), and its clocks."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from complaints_ledger.application.calendar_service import CalendarBook
from complaints_ledger.application.case_view import (
    case_view,
    deadline_view,
    history_entry_view,
    time_limit_view,
)
from complaints_ledger.cli import parsing, render
from complaints_ledger.cli.context import open_ledger, state
from complaints_ledger.cli.errors import reporting_errors
from complaints_ledger.cli.operator import ReadBy, ReadPurpose, operator_name, record_terminal_read
from complaints_ledger.domain.calendars import uk_local_date

CaseId = Annotated[
    str, typer.Argument(metavar="ID", help="The case id (a UUID).", show_default=False)
]
AsJson = Annotated[bool, typer.Option("--json", help="Print one JSON document instead of tables.")]


def history(
    ctx: typer.Context,
    case_id: CaseId,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            metavar="T",
            help="Show the case as the ledger had recorded it at T, an RFC 3339 instant with a "
            f"timezone ({parsing.EXAMPLE_INSTANT}).",
        ),
    ] = None,
    as_json: AsJson = False,
    by: ReadBy = None,
    purpose: ReadPurpose = None,
) -> None:
    """The case as recorded, then its events in order (recorded in the case's access log as
    read by you: --by, --purpose)."""
    with reporting_errors():
        complaint_id = parsing.case_id(case_id)
        when = parsing.past_instant(as_of) if as_of is not None else None
        reader = operator_name(by)
        with open_ledger(state(ctx).settings) as ledger:
            case = ledger.as_of(complaint_id, when) if when else ledger.get(complaint_id)
            entries = ledger.history(complaint_id, as_of=when)
            what = "history" if when is None else f"history as of {when.isoformat()}"
            record_terminal_read(ledger, complaint_id, reader, what=what, purpose=purpose)
            calendar = CalendarBook(ledger).for_case(case)
        today = uk_local_date(when) if when else parsing.uk_today()
        view = case_view(case, today, calendar)
        events = [history_entry_view(entry) for entry in entries]
    if as_json:
        instant = when.isoformat() if when else None
        _print_json({"as_of": instant, "case": view, "events": events})
        return
    console = render.make_console()
    render.case_header(console, view, when)
    console.print(render.events_table(events))


def deadlines(
    ctx: typer.Context,
    case_id: CaseId,
    today: Annotated[
        str | None,
        typer.Option(
            "--today",
            metavar="YYYY-MM-DD",
            help="The day to judge deadlines on (default: today in the UK).",
        ),
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Every deadline of the case, the rule behind it and why it falls when it does."""
    with reporting_errors():
        complaint_id = parsing.case_id(case_id)
        day = parsing.day(today) if today is not None else parsing.uk_today()
        with open_ledger(state(ctx).settings) as ledger:
            case = ledger.get(complaint_id)
            calendar = CalendarBook(ledger).for_case(case)
        view: dict[str, Any] = {
            "id": str(case.id),
            "today": day.isoformat(),
            "kind": str(case.kind),
            "status": str(case.status),
            "regime": str(case.regime),
            "deadlines": [deadline_view(d) for d in case.deadlines(day, calendar)],
            "time_limit": time_limit_view(case.time_limit()),
        }
    if as_json:
        _print_json(view)
        return
    console = render.make_console()
    render.line(
        console,
        f"Case {view['id']}: {view['kind']} · {view['status']} · "
        f"{view['regime']} · deadlines as of {view['today']}",
        "bold",
    )
    if view["deadlines"]:
        console.print(render.deadlines_table(view["deadlines"]))
        render.explanations(console, view["deadlines"])
    else:
        render.line(console, "No deadlines: compliments have none.")
    render.time_limit(console, view["time_limit"])


def _print_json(document: dict[str, Any]) -> None:
    typer.echo(json.dumps(document, indent=2, ensure_ascii=False))
