"""Errors a user can act on become one line on stderr and exit code 2; never a traceback."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import typer
from eventsourcing.persistence import PersistenceError
from pydantic import ValidationError

from complaints_ledger.domain.errors import LedgerError

EXIT_USER_ERROR = 2
EXIT_HALTED = 3  # the work was done, but a projection is halted at an event it cannot apply


def fail(message: str) -> NoReturn:
    typer.echo(f"error: {' '.join(message.split())}", err=True)
    raise typer.Exit(code=EXIT_USER_ERROR)


@contextmanager
def reporting_errors() -> Iterator[None]:
    """Turn ledger, settings and store errors raised inside the block into `fail`."""
    try:
        yield
    except LedgerError as error:
        fail(str(error))
    except ValidationError as error:
        fail(_settings_message(error))
    except PersistenceError as error:
        fail(f"the store failed: {error} (field: store)")


def _settings_message(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "settings"
    return f"invalid setting {where}: {first['msg']} (field: {where})"
