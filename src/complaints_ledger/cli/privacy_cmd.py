"""Personal data from the command line: erase, subject export/find, hold place/lift, retention run.

Every command that changes a case acts as `Actor(--by, <the case's handling organisation>, admin)`:
an operator with admin rights, named in the case's history. `subject export` and `subject find`
record the operator's read in each case's access log first (cli/operator.py).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, Any
from uuid import UUID

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from complaints_ledger.application.context import CommandContext
from complaints_ledger.application.ledger import ComplaintsLedger
from complaints_ledger.cli import parsing, render
from complaints_ledger.cli.context import open_ledger, state
from complaints_ledger.cli.errors import fail, reporting_errors
from complaints_ledger.cli.operator import ReadBy, ReadPurpose, operator_name, record_terminal_read
from complaints_ledger.cli.tables import readable
from complaints_ledger.domain.errors import InvalidValueError
from complaints_ledger.domain.values import Actor, Role
from complaints_ledger.persistence.subject_table import SubjectRecord
from complaints_ledger.privacy.erasure import ErasureResult, erase_subject
from complaints_ledger.privacy.retention import (
    CaseDecision,
    Decision,
    RetentionReport,
    RetentionSchedule,
    run_retention,
)
from complaints_ledger.privacy.sealing import identity_of
from complaints_ledger.privacy.subject_access import subject_export

subject_app = typer.Typer(
    help="Data subjects: find them by contact details, export what the ledger holds on one.",
    no_args_is_help=True,
)
hold_app = typer.Typer(
    help="Litigation holds: while one is placed, the case's personal data is never erased.",
    no_args_is_help=True,
)
retention_app = typer.Typer(
    help="The retention schedule (setting COMPLAINTS_LEDGER_RETENTION_YEARS).",
    no_args_is_help=True,
)
notices = Console(stderr=True, highlight=False)
SUBJECT_ACCESS = "subject access request"  # an export's purpose, unless --purpose gives one
LOOKUP = "subject lookup by contact details"
PRIVATE_FILE_MODE = 0o600

SubjectId = Annotated[
    str,
    typer.Argument(
        metavar="SUBJECT",
        help="The data subject's id (a UUID; `subject find` lists them).",
        show_default=False,
    ),
]
CaseId = Annotated[
    str, typer.Argument(metavar="CASE", help="The case id (a UUID).", show_default=False)
]
Reason = Annotated[
    str,
    typer.Option(
        "--reason", help="Why: recorded on the case.", show_default=False, parser=parsing.free_text
    ),
]
By = Annotated[
    str,
    typer.Option(
        "--by",
        metavar="NAME",
        help="Who is doing this (acts with admin rights).",
        show_default=False,
        parser=parsing.line,
    ),
]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


# --------------------------------------------------------------------------- erase


def erase(ctx: typer.Context, subject: SubjectId, reason: Reason, by: By) -> None:
    """Erase a data subject's personal data: record why on their case, then destroy their key."""
    with reporting_errors():
        wanted = parse_subject_id(subject)
        with open_ledger(state(ctx).settings) as ledger:
            record = ledger.subject_keys.require(wanted)
            operator = _operator(ledger, record.case_id, by)
            result = erase_subject(ledger, wanted, CommandContext(operator), reason=reason)
    typer.echo(_erasure_summary(result))


def _erasure_summary(result: ErasureResult) -> str:
    who = f"the {result.role} of case {result.case_id} (subject {result.subject_id})"
    if result.finished_earlier_erasure:
        return (
            f"finished an earlier, interrupted erasure of {who}: the erasure was already "
            f"recorded (case version {result.version}); their key is now destroyed"
        )
    return f"erased {who}; the case is now at version {result.version}"


# --------------------------------------------------------------------------- subject


@subject_app.command("export")
def export_subject(
    ctx: typer.Context,
    subject: SubjectId,
    by: ReadBy = None,
    purpose: ReadPurpose = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            metavar="FILE",
            help="Write the JSON here (mode 0600: it is personal data) instead of stdout.",
        ),
    ] = None,
) -> None:
    """Everything the ledger holds about one data subject (a subject access request), as JSON."""
    with reporting_errors():
        wanted = parse_subject_id(subject)
        reader = operator_name(by)
        with open_ledger(state(ctx).settings) as ledger:
            record = ledger.subject_keys.require(wanted)
            # Recorded first, like every read of case data: who exported it, and when.
            record_terminal_read(
                ledger,
                record.case_id,
                reader,
                what=f"subject access export of {wanted}",
                purpose=purpose or SUBJECT_ACCESS,
            )
            document = subject_export(ledger, wanted)
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    if output is None:
        typer.echo(text, nl=False)
        return
    _write_private(output, text)
    notices.print(Text(f"wrote {output} (personal data: mode 0600; keep it safe)"), soft_wrap=True)


def _write_private(path: Path, text: str) -> None:
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE_MODE)
        os.fchmod(descriptor, PRIVATE_FILE_MODE)  # an existing file keeps its mode otherwise
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(text)
    except OSError as error:
        fail(f"cannot write {path}: {error.strerror} (field: output)")


@subject_app.command("find")
def find_subjects(
    ctx: typer.Context,
    email: Annotated[
        str | None, typer.Option("--email", help="Their email address.", parser=parsing.line)
    ] = None,
    phone: Annotated[
        str | None, typer.Option("--phone", help="Their phone number.", parser=parsing.line)
    ] = None,
    name: Annotated[
        str | None,
        typer.Option("--name", help="Their name (matched with --address).", parser=parsing.line),
    ] = None,
    address: Annotated[
        str | None,
        typer.Option(
            "--address", help="Their address, as recorded (needs --name).", parser=parsing.free_text
        ),
    ] = None,
    as_json: AsJson = False,
    by: ReadBy = None,
    purpose: ReadPurpose = None,
) -> None:
    """Data subjects with these contact details, on every case (each case found records the
    lookup in its access log as read by you: --by, --purpose).

    A person is indexed by each of their email, phone number, and name with address: any one
    finds them; give every detail you know, each is looked up."""
    with reporting_errors():
        identities = _identities(email, phone, name, address)
        reader = operator_name(by)
        with open_ledger(state(ctx).settings) as ledger:
            found: dict[UUID, SubjectRecord] = {}
            for identity in identities:
                for record in ledger.subject_keys.with_identity(identity):
                    found.setdefault(record.subject_id, record)
            for case_id in dict.fromkeys(record.case_id for record in found.values()):
                record_terminal_read(ledger, case_id, reader, what=LOOKUP, purpose=purpose)
    rows = [_subject_row(record) for record in sorted(found.values(), key=lambda r: r.created_at)]
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    console = render.make_console()
    if not rows:
        render.line(console, "no data subject has these details")
        return
    table = Table()
    for column in ("subject", "role", "case", "created", "erased"):
        table.add_column(column, no_wrap=True)
    for row in rows:
        table.add_row(*(Text(str(row[column] or "no")) for column in row))
    console.print(readable(table))


def _identities(
    email: str | None, phone: str | None, name: str | None, address: str | None
) -> list[str]:
    """For each detail given, the identity sealing would have indexed a person by."""
    if address is not None and name is None:
        raise InvalidValueError(
            "--address is matched together with --name: give both", field="address"
        )
    people: dict[str, dict[str, str | None]] = {}
    if email is not None:
        people["email"] = {"email": email.strip()}
    if phone is not None:
        people["phone"] = {"phone": phone}
    if name is not None:
        people["name"] = {"name": name.strip(), "address": address}
    if not people:
        raise InvalidValueError("give at least one of --email, --phone, --name", field="subject")
    identifiers: list[str] = []
    for option, person in people.items():
        identity = identity_of(person)
        if identity is None:
            problem = "has no digits" if option == "phone" else "is empty"
            raise InvalidValueError(f"--{option} {person[option]!r} {problem}", field=option)
        identifiers.extend(identity.identifiers)
    return identifiers


def _subject_row(record: SubjectRecord) -> dict[str, Any]:
    return {
        "subject_id": str(record.subject_id),
        "role": str(record.role),
        "case_id": str(record.case_id),
        "created_at": render.short_instant(record.created_at),
        "erased_at": render.short_instant(record.erased_at) if record.erased_at else None,
    }


# --------------------------------------------------------------------------- hold


@hold_app.command("place")
def place_hold(ctx: typer.Context, case: CaseId, reason: Reason, by: By) -> None:
    """Place a litigation hold: the case's personal data cannot be erased until it is lifted."""
    with reporting_errors():
        wanted = parsing.case_id(case)
        with open_ledger(state(ctx).settings) as ledger:
            operator = _operator(ledger, wanted, by)
            version = ledger.place_litigation_hold(wanted, CommandContext(operator), reason=reason)
    typer.echo(f"litigation hold placed on case {wanted}; the case is now at version {version}")


@hold_app.command("lift")
def lift_hold(ctx: typer.Context, case: CaseId, reason: Reason, by: By) -> None:
    """Lift the case's litigation hold: erasure and retention apply to it again."""
    with reporting_errors():
        wanted = parsing.case_id(case)
        with open_ledger(state(ctx).settings) as ledger:
            operator = _operator(ledger, wanted, by)
            version = ledger.lift_litigation_hold(wanted, CommandContext(operator), reason=reason)
    typer.echo(f"litigation hold lifted from case {wanted}; the case is now at version {version}")


# --------------------------------------------------------------------------- retention


@retention_app.command("run")
def run_retention_schedule(
    ctx: typer.Context,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Say what is due; erase nothing.")
    ] = False,
    today: Annotated[
        str | None,
        typer.Option(
            "--today", metavar="YYYY-MM-DD", help="Judge what is due on this day (default: today)."
        ),
    ] = None,
    organisation: Annotated[
        str | None,
        typer.Option(
            "--org",
            "--organisation",
            help="Only the cases this organisation holds (default: every organisation's).",
        ),
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Erase the personal data of every case whose retention period has ended (unless held)."""
    settings = state(ctx).settings
    with reporting_errors():
        day = parsing.day(today) if today is not None else None
        schedule = RetentionSchedule.from_years(settings.retention_years)
        with open_ledger(settings) as ledger:
            if organisation is not None and ledger.organisation(organisation) is None:
                fail(f"no organisation {organisation!r} is registered (field: org)")
            report = run_retention(
                ledger, schedule, today=day, dry_run=dry_run, organisation=organisation
            )
    if as_json:
        typer.echo(json.dumps(report.as_json(), indent=2))
        return
    console = render.make_console()
    if report.decisions:
        console.print(_decisions_table(report.decisions))
    render.line(console, _retention_summary(report))


def _decisions_table(decisions: list[CaseDecision]) -> Table:
    table = Table()
    for column in ("case", "kind", "organisation", "closed on", "due on", "decision"):
        table.add_column(column, no_wrap=column != "organisation")
    table.add_column("hold reason")
    for decision in decisions:
        table.add_row(
            *(
                Text(value)
                for value in (
                    str(decision.case_id),
                    decision.kind,
                    decision.organisation,
                    decision.closed_on.isoformat(),
                    decision.due_on.isoformat(),
                    str(decision.decision),
                    decision.hold_reason or "",
                )
            )
        )
    return readable(table)


def _retention_summary(report: RetentionReport) -> str:
    counts = ", ".join(f"{report.count(decision)} {decision}" for decision in Decision)
    cases = f"{report.cases_checked} case{'' if report.cases_checked == 1 else 's'}"
    summary = f"{cases} checked as of {report.today.isoformat()}: {counts}"
    if not report.decisions:
        summary += " (nothing is due)"
    if report.dry_run:
        summary += "; dry run: nothing was erased"
    return summary


# --------------------------------------------------------------------------- shared


def parse_subject_id(text: str) -> UUID:
    try:
        return UUID(text.strip())
    except ValueError:
        raise InvalidValueError(
            f"{text!r} is not a data subject id (a UUID, as `subject find` lists them)",
            field="subject",
        ) from None


def _operator(ledger: ComplaintsLedger, case_id: UUID, by: str) -> Actor:
    """The person at the command line, with admin rights in the organisation handling the case."""
    name = " ".join(by.split())
    if not name:
        raise InvalidValueError("--by needs the name of the person doing this", field="by")
    return Actor(name, ledger.get(case_id).handling_organisation, Role.ADMIN)
