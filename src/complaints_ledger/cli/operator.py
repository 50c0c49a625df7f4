"""Who reads case data at the terminal, and why: `--by NAME` (default: the OS user) and `--purpose`.

Printing a case's personal data from the command line is a read like any over the API: the
operator is recorded in the case's access log first, and if that cannot be written nothing is
printed. The operator acts with admin rights in the organisation handling the case (as
`erase` and `hold` do), and the record says the read was made at the command line.
"""

from __future__ import annotations

import getpass
from typing import Annotated
from uuid import UUID

import typer

from complaints_ledger.application.ledger import ComplaintsLedger
from complaints_ledger.cli import parsing
from complaints_ledger.domain.errors import InvalidValueError
from complaints_ledger.domain.values import Actor, Role

AT_THE_TERMINAL = "at the command line"

ReadBy = Annotated[
    str | None,
    typer.Option(
        "--by",
        metavar="NAME",
        help="Who is reading (default: your user name on this machine); kept in the case's "
        "access log.",
        show_default=False,
        parser=parsing.line,
    ),
]
ReadPurpose = Annotated[
    str | None,
    typer.Option(
        "--purpose",
        metavar="TEXT",
        help="Why you are reading it (e.g. a request number); kept in the case's access log.",
        show_default=False,
        parser=parsing.line,
    ),
]


def operator_name(by: str | None) -> str:
    """`--by`, or the name this machine knows the user by."""
    name = " ".join((by if by is not None else _os_user()).split())
    if not name:
        raise InvalidValueError("--by needs the name of the person reading", field="by")
    return name


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name, no USER variable, no password entry
        raise InvalidValueError(
            "cannot tell who you are from this machine: give --by NAME", field="by"
        ) from None


def operator(ledger: ComplaintsLedger, case_id: UUID, name: str) -> Actor:
    """The operator, with admin rights in the organisation handling the case."""
    return Actor(name, ledger.get(case_id).handling_organisation, Role.ADMIN)


def record_terminal_read(
    ledger: ComplaintsLedger, case_id: UUID, name: str, *, what: str, purpose: str | None
) -> None:
    """Record that the operator read `what` of the case, before it is printed."""
    ledger.record_read(
        case_id,
        operator(ledger, case_id, name),
        what=f"{what} {AT_THE_TERMINAL}",
        purpose=purpose,
    )
