"""`complaints-ledger report ...`: the read models for people: annual report, dashboard, lists."""

from __future__ import annotations

import sys
from datetime import date, datetime
from enum import StrEnum
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
from rich.console import Console
from rich.text import Text

from complaints_ledger.cli.context import open_ledger, state
from complaints_ledger.cli.errors import fail, reporting_errors
from complaints_ledger.cli.operator import ReadBy, ReadPurpose, operator_name, record_terminal_read
from complaints_ledger.cli.parsing import case_id, day, line, past_instant, reporting_year
from complaints_ledger.cli.readside_support import open_views
from complaints_ledger.cli.tables import rows_table
from complaints_ledger.domain.calendars import uk_local_date
from complaints_ledger.privacy.sharing import case_facts
from complaints_ledger.readside.as_of_reads import views_as_of
from complaints_ledger.readside.runner import current_namespace
from projections import annual_report, audit_trail, learning_register, timeliness, worklist
from projections.annual_report_render import render_csv, render_json, render_markdown
from projections.timeliness_queries import overdue_cases
from projections.timeliness_summary import timeliness_report

app = typer.Typer(
    help="Reports from the read models (each brings its read model up to date first)."
)
console = Console()
PARTNER_AUDIENCE = "partner:"  # pseudonyms are made per audience: "partner:<organisation>"

AsOf = Annotated[
    str | None, typer.Option("--as-of", metavar="T", help="As recorded at instant T (RFC 3339).")
]
Json = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
Organisation = Annotated[
    str | None, typer.Option("--org", help="Only this organisation.", parser=line)
]
Today = Annotated[
    str | None, typer.Option("--today", metavar="YYYY-MM-DD", help="Judge 'overdue' on this day.")
]


TOTAL_COLUMNS = (
    "received",
    "acknowledged_on_time",
    "acknowledged_late",
    "responded_on_time",
    "responded_late",
    "overdue_now",
    "within_target_percent",
)
DASHBOARD_COLUMNS = ("organisation", "service", "regime", "month", *TOTAL_COLUMNS, "at_risk")


class AnnualFormat(StrEnum):
    MD = "md"
    CSV = "csv"
    JSON = "json"


class ExportFormat(StrEnum):
    JSONL = "jsonl"
    CSV = "csv"


@app.command("annual")
def annual(
    ctx: typer.Context,
    org: Annotated[str, typer.Option("--org", help="The organisation reporting.", parser=line)],
    year: Annotated[
        str,
        typer.Option(
            "--year", help="Reporting year starting 1 April: 2026 or 2026-27.", parser=line
        ),
    ],
    output_format: Annotated[AnnualFormat, typer.Option("--format")] = AnnualFormat.MD,
    as_of: AsOf = None,
) -> None:
    """The annual report (regs 16-18) with KO41-style counts, for one organisation and year."""
    with reporting_errors():
        reporting_year(year)
    settings = state(ctx).settings
    with (
        reporting_errors(),
        open_views(settings) as db,
        views_as_of(
            db, annual_report.PROJECTION, when := _instant(as_of), settings.as_of_limits
        ) as namespace,
    ):
        known = annual_report.organisations(db, namespace)
        if org not in known:
            fail(
                f"no complaints are recorded for organisation {org!r} "
                f"(known: {', '.join(known)}) (field: org)"
            )
        report = annual_report.annual_report(db, organisation=org, year=year, namespace=namespace)
    if when is not None:
        report["as_of"] = when.isoformat()
    render = {
        AnnualFormat.MD: render_markdown,
        AnnualFormat.CSV: render_csv,
        AnnualFormat.JSON: render_json,
    }
    sys.stdout.write(render[output_format](report))


@app.command("dashboard")
def timeliness_dashboard(
    ctx: typer.Context,
    org: Organisation = None,
    today: Today = None,
    as_of: AsOf = None,
    as_json: Json = False,
) -> None:
    """Timeliness per organisation, service, regime and month: on time, late, overdue, at risk,
    % within target; then totals per organisation and per month. --json prints the same document
    as GET /dashboards/timeliness."""
    settings = state(ctx).settings
    with (
        reporting_errors(),
        open_views(settings) as db,
        views_as_of(
            db, timeliness.PROJECTION, when := _instant(as_of), settings.as_of_limits
        ) as namespace,
    ):
        report = timeliness_report(
            db, organisation=org, today=_today(today, as_of), as_of=when, namespace=namespace
        )
    if as_json:
        _print_json(report)
        return
    _name_the_instant(when, machine_readable=False)
    for organisation, rows in groupby(report["rows"], key=itemgetter("organisation")):
        console.print(Text(organisation, style="bold"))  # one heading, not a column: fits 80
        _table(list(rows), DASHBOARD_COLUMNS[1:])
    for title, key in (("Totals by organisation", "by_organisation"), ("By month", "by_month")):
        console.print(title)
        _table(report["totals"][key], (key.removeprefix("by_"), *TOTAL_COLUMNS))


@app.command("overdue")
def overdue(
    ctx: typer.Context,
    org: Organisation = None,
    today: Today = None,
    as_of: AsOf = None,
    as_json: Json = False,
) -> None:
    """Cases with a statutory deadline past due, most overdue first."""
    settings = state(ctx).settings
    with (
        reporting_errors(),
        open_views(settings) as db,
        views_as_of(
            db, timeliness.PROJECTION, when := _instant(as_of), settings.as_of_limits
        ) as namespace,
    ):
        rows = overdue_cases(db, organisation=org, today=_today(today, as_of), namespace=namespace)
    _name_the_instant(when, machine_readable=as_json)
    _print(rows, as_json, ("case_id", "organisation", "deadline", "due", "working_days_overdue"))


@app.command("worklist")
def officer_worklist(
    ctx: typer.Context,
    org: Annotated[
        str, typer.Option("--org", help="The organisation whose cases to list.", parser=line)
    ],
    handler: Annotated[
        str | None, typer.Option(help="Only this handler ('unassigned' too).", parser=line)
    ] = None,
    today: Today = None,
    as_json: Json = False,
) -> None:
    """Open cases with their handler and next deadline, overdue first."""
    with reporting_errors(), open_views(state(ctx).settings) as db:
        namespace = current_namespace(db, worklist.PROJECTION, None)
        rows = worklist.worklist(
            db, organisation=org, handler=handler, today=_today(today, None), namespace=namespace
        )
    _print(rows, as_json, ("case_id", "handler", "status", "next_deadline", "next_due", "overdue"))


@app.command("learning")
def learning(
    ctx: typer.Context,
    org: Organisation = None,
    theme: Annotated[
        str | None, typer.Option(help="Only lessons on this theme.", parser=line)
    ] = None,
    shared: Annotated[
        bool, typer.Option("--shared", help="Only lessons shared with partners.")
    ] = False,
    today: Today = None,
    as_json: Json = False,
) -> None:
    """The learning register: lessons, their actions and whether those are open, done or overdue."""
    with reporting_errors(), open_views(state(ctx).settings) as db:
        namespace = current_namespace(db, learning_register.PROJECTION, None)
        rows = learning_register.lessons(
            db,
            organisation=org,
            theme=theme,
            shared_only=shared,
            today=_today(today, None),
            namespace=namespace,
        )
    _print(
        rows,
        as_json,
        columns=(
            "organisation",
            "service",
            "theme",
            "action",
            "shared_with_partners",
            "recorded_on",
        ),
    )


@app.command("you-said-we-did")
def you_said_we_did(ctx: typer.Context, org: Organisation = None, as_json: Json = False) -> None:
    """The public feed of shared lessons: no personal data."""
    with reporting_errors(), open_views(state(ctx).settings) as db:
        namespace = current_namespace(db, learning_register.PROJECTION, None)
        rows = learning_register.you_said_we_did(db, organisation=org, namespace=namespace)
    _print(rows, as_json)


@app.command("audit-trail")
def audit_trail_export(
    ctx: typer.Context,
    org: Organisation = None,
    case: Annotated[str | None, typer.Option("--case", help="Only this case's events.")] = None,
    output_format: Annotated[ExportFormat, typer.Option("--format")] = ExportFormat.JSONL,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write to this file, not stdout.")
    ] = None,
    as_of: AsOf = None,
    by: ReadBy = None,
    purpose: ReadPurpose = None,
) -> None:
    """Every event with recorded and occurred time, actor and organisation, as JSON lines or CSV
    (one case's, with --case, is recorded in its access log as read by you: --by, --purpose)."""
    settings = state(ctx).settings
    with (
        reporting_errors(),
        open_views(settings) as db,
        views_as_of(
            db, audit_trail.PROJECTION, when := _instant(as_of), settings.as_of_limits
        ) as namespace,
    ):
        _name_the_instant(when, machine_readable=out is None)
        if case is not None:
            wanted = case_id(case)
            reader = operator_name(by)
            rows = iter(audit_trail.case_events(db, str(wanted), namespace))
            with open_ledger(settings) as ledger:
                record_terminal_read(ledger, wanted, reader, what="audit trail", purpose=purpose)
        else:
            rows = audit_trail.export_rows(db, organisation=org, namespace=namespace)
        chunks = (
            audit_trail.to_json_lines(rows)
            if output_format == ExportFormat.JSONL
            else audit_trail.to_csv(rows)
        )
        _write(chunks, out)


@app.command("case-facts")
def case_facts_feed(
    ctx: typer.Context,
    audience: Annotated[
        str,
        typer.Option(
            "--audience",
            metavar="ORG",
            help="The partner organisation receiving the feed: its pseudonyms are its own.",
            show_default=False,
            parser=line,
        ),
    ],
    organisation: Annotated[
        str | None,
        typer.Option("--organisation", help="Only cases this organisation handles.", parser=line),
    ] = None,
    as_json: Json = False,
) -> None:
    """The partner feed: each case's facts and the complainant's pseudonym; never who they are."""
    if not audience.strip():
        fail("--audience needs the partner organisation's name (field: audience)")
    settings = state(ctx).settings
    with reporting_errors(), open_views(settings) as db, open_ledger(settings) as ledger:
        namespace = current_namespace(db, timeliness.PROJECTION, None)
        rows = case_facts(
            db,
            ledger.subject_keys,
            audience=f"{PARTNER_AUDIENCE}{audience.strip()}",
            namespace=namespace,
            organisation=organisation,
        )
    _print(rows, as_json)


def _write(chunks: Any, out: Path | None) -> None:
    if out is None:
        for chunk in chunks:
            sys.stdout.write(chunk)
        return
    with out.open("w", encoding="utf-8", newline="") as file:
        for chunk in chunks:
            file.write(chunk)
    console.print(f"wrote {out}")


def _instant(text: str | None) -> datetime | None:
    return past_instant(text) if text else None


def _today(text: str | None, as_of: str | None) -> date:
    if text:
        return day(text)
    if as_of:
        return uk_local_date(past_instant(as_of))
    return uk_local_date(datetime.now().astimezone())


def _print_json(document: object) -> None:
    sys.stdout.write(
        orjson.dumps(document, option=orjson.OPT_INDENT_2, default=str).decode() + "\n"
    )


def _name_the_instant(when: datetime | None, *, machine_readable: bool) -> None:
    """Say which instant an as-of answer describes: above a table, or on stderr beside JSON or
    CSV so that what is piped on stays as it was."""
    if when is None:
        return
    note = f"as recorded at {when.isoformat()}"
    if machine_readable:
        typer.echo(note, err=True)
    else:
        console.print(note)


def _print(
    rows: list[dict[str, Any]], as_json: bool, columns: tuple[str, ...] | None = None
) -> None:
    if as_json:
        _print_json(rows)
    else:
        _table(rows, columns)


def _table(rows: list[dict[str, Any]], columns: tuple[str, ...] | None = None) -> None:
    if not rows:
        console.print("nothing to show")
        return
    console.print(rows_table(rows, columns or tuple(rows[0])))
