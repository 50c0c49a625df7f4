"""Simulated time for the demo: office hours, working days, logging lags, and a case's steps.

Every step has the moment it happened (`occurred_at`) and the later moment the ledger recorded it
(`recorded_at`). Within a case both only move forward; across cases the runner merges all steps
in recorded order, so the store holds a history that was true at every instant.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING
from uuid import UUID
from zoneinfo import ZoneInfo

from complaints_ledger.domain.calendars import Calendar, add_working_days, is_working_day
from complaints_ledger.domain.values import Actor

if TYPE_CHECKING:
    from complaints_ledger.application.context import CommandContext
    from complaints_ledger.application.ledger import ComplaintsLedger

LONDON = ZoneInfo("Europe/London")
MIN_GAP = timedelta(minutes=2)
Command = Callable[["ComplaintsLedger", UUID, "CommandContext"], object]


def chance(rng: random.Random, probability: float) -> bool:
    return rng.random() < probability


def moment(day: date, rng: random.Random, *, start_hour: int = 9, end_hour: int = 17) -> datetime:
    """A random UK local time on `day` between the hours, as a UTC datetime (whole seconds)."""
    minutes = rng.randrange(start_hour * 60, end_hour * 60)
    local = datetime.combine(day, time(minutes // 60, minutes % 60, rng.randrange(60)), LONDON)
    return local.astimezone(UTC)


def next_working_day(calendar: Calendar, day: date) -> date:
    """`day` itself when it is a working day, else the next working day."""
    while not is_working_day(calendar, day):
        day += timedelta(days=1)
    return day


def working_days_after(calendar: Calendar, day: date, n: int) -> date:
    return add_working_days(calendar, day, n) if n > 0 else next_working_day(calendar, day)


def logging_lag(rng: random.Random) -> timedelta:
    """How long after it happened a step reached the ledger: mostly minutes, sometimes days."""
    roll = rng.random()
    if roll < 0.7:  # noqa: PLR2004 - most steps are logged the same hour
        return timedelta(minutes=rng.randrange(1, 90))
    if roll < 0.95:  # noqa: PLR2004
        return timedelta(minutes=rng.randrange(90, 24 * 60))
    return timedelta(minutes=rng.randrange(24 * 60, 50 * 60))


@dataclass(frozen=True)
class Step:
    recorded_at: datetime
    occurred_at: datetime
    case: int
    seq: int
    name: str
    actor: Actor
    run: Command


class CaseBuilder:
    """Collects one case's steps; `occurred_at` and `recorded_at` only move forward."""

    def __init__(self, rng: random.Random, case: int) -> None:
        self.rng = rng
        self.case = case
        self.steps: list[Step] = []

    @property
    def now(self) -> datetime:
        """When the last step happened."""
        return self.steps[-1].occurred_at

    def add(self, name: str, when: datetime, actor: Actor, run: Command) -> datetime:
        """Plan a step at `when` (or just after the previous one); return when it happened."""
        if self.steps:
            when = max(when, self.now + MIN_GAP + timedelta(minutes=self.rng.randrange(30)))
        recorded = when + logging_lag(self.rng)
        if self.steps:
            recorded = max(recorded, self.steps[-1].recorded_at + timedelta(seconds=1))
        step = Step(recorded, when, self.case, len(self.steps), name, actor, run)
        self.steps.append(step)
        return when

    def recorded_before(self, cutoff: datetime) -> list[Step]:
        """The steps recorded before `cutoff`: the case as far as it has got by then."""
        return [step for step in self.steps if step.recorded_at < cutoff]
