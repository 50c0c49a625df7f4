"""What the top-level options decide once per process, handed to every command."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import typer

from complaints_ledger.application.ledger import Clock, ComplaintsLedger, system_clock
from complaints_ledger.persistence.store_url import parse_store_url
from complaints_ledger.settings import Settings


@dataclass(frozen=True)
class CliState:
    settings: Settings
    store_given: bool  # --store was on the command line (examples then repeat it)


def state(ctx: typer.Context) -> CliState:
    found = ctx.find_object(CliState)
    if found is None:  # pragma: no cover - the callback always sets it
        raise RuntimeError("the complaints-ledger callback did not run")
    return found


def with_store(current: CliState, store: str | None) -> CliState:
    """The state with a command's own --store (validated) in place of the top-level one."""
    if store is None:
        return current
    parse_store_url(store)
    return CliState(current.settings.model_copy(update={"store": store}), store_given=True)


@contextmanager
def open_ledger(settings: Settings, clock: Clock = system_clock) -> Iterator[ComplaintsLedger]:
    ledger = ComplaintsLedger(settings, clock=clock)
    try:
        yield ledger
    finally:
        ledger.close()
