"""A ledger for tests that tell a story over months: each command happens (and is recorded) at
the moment the story has reached."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import UUID

from complaints_ledger.application.ledger import ComplaintsLedger
from complaints_ledger.settings import Settings


class ClockedLedger:
    """A ledger on `url` whose clock reads `now`; `cases` holds the story's cases by name."""

    def __init__(self, url: str, start: datetime) -> None:
        self.now = start
        self.ledger = ComplaintsLedger(Settings(store=url), clock=lambda: self.now)
        self.cases: dict[str, UUID] = {}

    def move_to(self, day: date, hour: int = 10) -> None:
        moment = datetime(day.year, day.month, day.day, hour, tzinfo=UTC)
        assert moment >= self.now, "the story is told in order"
        self.now = moment
