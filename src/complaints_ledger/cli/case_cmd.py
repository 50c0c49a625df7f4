"""`case`: log a complaint and run every catalogue command from the terminal.

Each command's options are its API body's fields (cli/body_options.py); the caller
(cli/caller.py) is held to the access policy the API applies. Errors are one line, exit 2.
With `--json` the case is printed, so, as over the API, the caller's read of it is recorded
first (`--purpose`, default `case work: <command>`); the one-line summary shows no personal data.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from inspect import Parameter, Signature
from typing import Annotated, Any
from uuid import UUID

import typer
from pydantic import BaseModel

from complaints_ledger.access import Policy, Principal
from complaints_ledger.application.access_records import RECEIVE, case_work, returned_by
from complaints_ledger.application.calendar_service import CalendarBook
from complaints_ledger.application.case_view import case_view
from complaints_ledger.application.catalogue import CATALOGUE, CaseCommand, CommandCall
from complaints_ledger.application.context import CommandContext
from complaints_ledger.application.intake import ComplaintCreate, receive_complaint
from complaints_ledger.application.ledger import ComplaintsLedger
from complaints_ledger.application.request_keys import (
    KEY_PATTERN,
    RECEIVE_METHOD,
    RECEIVE_PATH,
    RequestKey,
    case_key,
    correlation_id,
    received_with,
    request_key,
)
from complaints_ledger.cli import parsing
from complaints_ledger.cli.body_options import body_options, keyword, parse_body
from complaints_ledger.cli.caller import caller, caller_options
from complaints_ledger.cli.context import open_ledger, state
from complaints_ledger.cli.errors import reporting_errors
from complaints_ledger.cli.operator import AT_THE_TERMINAL, ReadPurpose
from complaints_ledger.domain.complaint import Complaint
from complaints_ledger.domain.errors import DuplicateCommandError, InvalidValueError
from complaints_ledger.inputs import TextPolicyError, clean_line

Values = Mapping[str, Any]
RECEIVE_HELP = "Log a new complaint, concern or compliment (the API's POST /complaints)."


case_app = typer.Typer(
    help="Case work: log a complaint, then acknowledge, respond, escalate, close, ...",
    no_args_is_help=True,
)


def catalogue_command(entry: CaseCommand[Any]) -> Callable[..., None]:
    """The entry as a typer command: `ID [PATH IDS] [body options] [caller] [--json]`."""
    arguments = [
        keyword("case", Annotated[str, typer.Argument(metavar="ID", help="The case id.")], ...),
        *(
            keyword(name, Annotated[str, typer.Argument(metavar=name.upper())], ...)
            for name in entry.path_parameters
        ),
    ]

    def run(values: Values) -> None:
        _run(entry, values)

    return _command(run, [*arguments, *_body_params(entry.body), _if_version_option()])


def _run(entry: CaseCommand[Any], values: Values) -> None:
    with reporting_errors():
        case_id = parsing.case_id(values["case"])
        path = {name: _path_value(values[name], name) for name in entry.path_parameters}
        body = parse_body(entry.body, values)
        with _as_caller(values) as (ledger, principal):
            Policy(ledger).check_can_run(principal, entry.name, ledger.get(case_id), body, path)
            ctx = CommandContext(
                principal.actor,
                occurred_at=body.occurred_at,
                expected_version=_version(values.get("if_version")),
            )
            version = entry(ledger, CommandCall(case_id, ctx, body, path))
            view = _view(ledger, case_id, version)
            _record_if_printed(ledger, values, case_id, principal, entry.name)
    _report(values, view, f"{entry.cli_name}: case {case_id} is now at version {version}")


def _receive(values: Values) -> None:
    with reporting_errors():
        body = parse_body(ComplaintCreate, values)
        with _as_caller(values) as (ledger, principal):
            Policy(ledger).check_can_receive(principal, body.organisation)
            key = _request_key(values.get("key"), body, principal)
            case_id = received_with(ledger, key) if key is not None else None
            summary = f"already received with this key: case {case_id} (version 1)"
            if case_id is None:
                case_id = _logged(ledger, body, principal, key)
                summary = f"received: case {case_id} (version 1)"
            document = {"id": str(case_id), "version": 1, "case": _view(ledger, case_id, 1)}
            _record_if_printed(ledger, values, case_id, principal, RECEIVE)
    _report(values, document, summary)


def _record_if_printed(
    ledger: ComplaintsLedger, values: Values, case_id: UUID, principal: Principal, command: str
) -> None:
    """`--json` prints the case: record the caller's read of it first."""
    if values["as_json"]:
        ledger.record_read(
            case_id,
            principal.actor,
            what=f"{returned_by(command)} {AT_THE_TERMINAL}",
            purpose=values.get("purpose") or case_work(command),
        )


def _request_key(
    text: str | None, body: ComplaintCreate, principal: Principal
) -> RequestKey | None:
    """The same key as the API's Idempotency-Key on POST /complaints, for the same sender."""
    if text is None:
        return None
    if not re.fullmatch(KEY_PATTERN, text):
        raise InvalidValueError(
            "--key must be 1 to 200 visible ASCII characters, without spaces", field="key"
        )
    return request_key(text, RECEIVE_METHOD, RECEIVE_PATH, body, principal.actor)


def _logged(
    ledger: ComplaintsLedger, body: ComplaintCreate, principal: Principal, key: RequestKey | None
) -> UUID:
    ctx = CommandContext(
        principal.actor, occurred_at=body.received_at, correlation_id=correlation_id(key)
    )
    case_key_text = case_key(key.key, key.sender) if key is not None else None
    try:
        return receive_complaint(ledger, body, ctx, case_key=case_key_text)
    except DuplicateCommandError:
        # Another caller with the same key got there first: theirs is the case.
        if key is not None and (case_id := received_with(ledger, key)) is not None:
            return case_id
        raise


def _key_option() -> Parameter:
    option = typer.Option(
        "--key",
        metavar="KEY",
        help="Idempotency key: a retry with the same key and the same complaint finds the case "
        "the first attempt logged (the API's Idempotency-Key).",
    )
    return keyword("key", Annotated[str | None, option])


@contextmanager
def _as_caller(values: Values) -> Iterator[tuple[ComplaintsLedger, Principal]]:
    """The caller, authenticated before the ledger opens, and the ledger."""
    settings = state(values["ctx"]).settings
    principal = caller(settings, values)
    with open_ledger(settings) as ledger:
        yield ledger, principal


def _command(run: Callable[[Values], None], params: list[Parameter]) -> Callable[..., None]:
    """A function typer reads as a command with these parameters, handing `run` their values."""

    def command(**values: Any) -> None:
        run(values)

    signature = [
        Parameter("ctx", Parameter.POSITIONAL_OR_KEYWORD, annotation=typer.Context),
        *params,
        *caller_options(),
        keyword(
            "as_json",
            Annotated[bool, typer.Option("--json", help="Print the case as JSON.")],
            default=False,
        ),
        keyword("purpose", ReadPurpose),
    ]
    command.__signature__ = Signature(signature)  # type: ignore[attr-defined]
    return command


def _body_params(model: type[BaseModel]) -> list[Parameter]:
    return [option.parameter() for option in body_options(model)]


def _if_version_option() -> Parameter:
    option = typer.Option(
        "--if-version",
        metavar="N",
        help="Refuse the command if the case has moved on from version N (the API's If-Match).",
    )
    return keyword("if_version", Annotated[str | None, option])


def _version(text: str | None) -> int | None:
    if text is None:
        return None
    if not text.strip().isdigit() or int(text) < 1:
        raise InvalidValueError(f"--if-version {text!r} is not a case version", field="if_version")
    return int(text)


def _path_value(text: str, name: str) -> str:
    try:
        return clean_line(text)
    except TextPolicyError as error:
        raise InvalidValueError(f"{name.upper()}: {error.message}", field=name) from None


def _view(ledger: ComplaintsLedger, case_id: UUID, version: int) -> dict[str, Any]:
    complaint: Complaint = ledger.repository.get(case_id, version=version)
    return case_view(complaint, parsing.uk_today(), CalendarBook(ledger).for_case(complaint))


def _report(values: Values, document: dict[str, Any], summary: str) -> None:
    typer.echo(json.dumps(document, indent=2, ensure_ascii=False) if values["as_json"] else summary)


case_app.command("receive", help=RECEIVE_HELP)(
    _command(_receive, [*_body_params(ComplaintCreate), _key_option()])
)
for _entry in CATALOGUE:
    for _name in (_entry.cli_name, *_entry.aliases):
        case_app.command(
            _name,
            help=f"{_entry.summary}\n\nServes: {_entry.rule}.",
            hidden=_name != _entry.cli_name,
        )(catalogue_command(_entry))
