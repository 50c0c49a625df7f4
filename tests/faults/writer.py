"""Writes in-process through the Python API (no HTTP): a case's lifecycle, step by step."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import suppress
from datetime import UTC, datetime, timedelta
from typing import Self
from uuid import UUID

from complaints_ledger.application.context import CommandContext
from complaints_ledger.application.ledger import ComplaintsLedger
from complaints_ledger.domain.values import (
    Actor,
    Channel,
    Outcome,
    Person,
    Remedy,
)
from complaints_ledger.settings import Settings
from tests import builders
from tests.faults.http_load import COUNCIL, PROVIDER

# --------------------------------------------------------------------------- writes in-process


def _lifecycle(ledger: ComplaintsLedger, number: int) -> Iterator[tuple[str, Callable[[], int]]]:
    """The steps of one case's life, as (what, do it) pairs; each returns the case's version.
    They touch every read model: timeliness, worklist, learning register, audit trail, annual."""
    officer = Actor("officer-1", COUNCIL)

    def ctx() -> CommandContext:
        return CommandContext(officer)

    intake = builders.intake(
        channel=Channel.PHONE,
        receiving_organisation=COUNCIL,
        about_organisation=PROVIDER,
        complainant=Person(f"Writer Person {number}"),
        summary="Carers arrived late",
    )
    case: dict[str, UUID] = {}

    def receive() -> int:
        case["id"] = ledger.receive(intake, ctx())
        return 1

    yield "receive", receive
    yield "acknowledge", lambda: ledger.acknowledge(case["id"], ctx())
    yield "investigate", lambda: ledger.start_investigation(case["id"], ctx(), investigator="inv")
    due = datetime.now(UTC).date() + timedelta(days=30)
    yield (
        "plan action",
        lambda: ledger.plan_action(
            case["id"], ctx(), action_id="a1", description="train", owner="mgr", due_on=due
        ),
    )
    yield (
        "respond",
        lambda: ledger.send_response(
            case["id"],
            ctx(),
            outcome=Outcome.UPHELD if number % 2 else Outcome.NOT_UPHELD,
            remedies=(Remedy.APOLOGY,),
            signed_by="head of service",
            ombudsman_rights_given=True,
            summary="We are sorry",
        ),
    )
    yield (
        "lesson",
        lambda: ledger.record_lesson(
            case["id"],
            ctx(),
            lesson_id=f"l{number}",
            theme="staffing",
            lesson="Rotas were too tight",
            action="Add slack to rotas",
            shared_with_partners=number % 3 == 0,
        ),
    )
    if number % 2:
        yield "complete action", lambda: ledger.complete_action(case["id"], ctx(), action_id="a1")
        yield "close", lambda: ledger.close_case(case["id"], ctx())


class LedgerWriter:
    """Writes cases through the Python API (ComplaintsLedger) in a thread, one step every
    `pause` seconds, until stopped or `max_events`. A failed step is recorded; the ledger is
    reopened and a new case started (a step that failed may or may not have been stored)."""

    def __init__(self, url: str, *, pause: float = 0.005, max_events: int = 100_000) -> None:
        self.url, self.pause, self.max_events = url, pause, max_events
        self.saved = 0
        self.errors: list[str] = []
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="ledger-writer", daemon=True)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(timeout=60)
        assert not self._thread.is_alive(), "the writer thread did not stop"

    def _open(self) -> ComplaintsLedger | None:
        while not self._stopping.is_set():
            try:
                return ComplaintsLedger(Settings(store=self.url))
            except Exception as error:  # noqa: BLE001 - the store may be down: try again
                self.errors.append(f"open: {type(error).__name__}: {error}"[:300])
                self._stopping.wait(0.3)
        return None

    def _run(self) -> None:
        ledger = self._open()
        number = 0
        while ledger is not None and not self._stopping.is_set() and self.saved < self.max_events:
            number += 1
            for _, step in _lifecycle(ledger, number):
                if self._stopping.is_set():
                    break
                try:
                    step()
                except Exception as error:  # noqa: BLE001 - recorded; the test decides
                    self.errors.append(f"{type(error).__name__}: {error}"[:300])
                    with suppress(Exception):
                        ledger.close()
                    self._stopping.wait(0.3)
                    ledger = self._open()
                    break
                self.saved += 1
                self._stopping.wait(self.pause)
        if ledger is not None:
            with suppress(Exception):
                ledger.close()
