"""The state and helpers every part of a case plan shares.

Steps are planned in the order they happen. `do` plans one step now; `later` schedules a step
that is valid at any later point of the case (completing an action, a lesson, feedback) and is
slotted in by day before whatever sequential step comes after it.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID

from complaints_ledger.application.commands import LedgerCommands
from complaints_ledger.demo.profile import weighted
from complaints_ledger.demo.timeline import CaseBuilder, chance, moment, working_days_after
from complaints_ledger.domain.calendars import uk_local_date
from complaints_ledger.domain.values import Actor, Outcome

if TYPE_CHECKING:
    from complaints_ledger.application.context import CommandContext
    from complaints_ledger.application.ledger import ComplaintsLedger
    from complaints_ledger.demo.profile import Profile
    from complaints_ledger.demo.timeline import Command

# The case commands, those of the mixins (outcomes, exclusions) included.
LEDGER_COMMANDS = frozenset(name for name in dir(LedgerCommands) if not name.startswith("_"))
OUTCOMES = ((Outcome.UPHELD, 28), (Outcome.PARTLY_UPHELD, 37), (Outcome.NOT_UPHELD, 35))


def call(command: str, **kwargs: Any) -> Command:
    """A step that calls `ledger.<command>(case_id, ctx, **kwargs)`, a command of the ledger."""
    if command not in LEDGER_COMMANDS:
        raise ValueError(f"{command!r} is not a command of the ledger")

    def run(ledger: ComplaintsLedger, case_id: UUID, ctx: CommandContext) -> object:
        method = getattr(ledger, command)
        return method(case_id, ctx, **kwargs)

    return run


class PlannerBase:
    def __init__(
        self, rng: random.Random, extra: random.Random, case: int, profile: Profile
    ) -> None:
        self.rng = rng
        self.extra = extra  # draws for the later additions (runner.plan_dataset)
        self.profile = profile
        self.builder = CaseBuilder(rng, case)
        self.org = profile.handler
        self.calendar = profile.handler.calendar
        self.receipt = profile.received_at
        self.investigators: dict[int, str] = {}
        self.outcome: Outcome | None = None
        self.actions: list[str] = []
        self.lessons = 0
        self.remedy_ids = 0  # ombudsman remedies so far: R1, R2, ...
        self.resolved_locally = False  # Wales: a local resolution discussion resolved it
        self.later_steps: list[tuple[datetime, int, str, Actor, dict[str, Any]]] = []

    # ---- time ---------------------------------------------------------------------------

    @property
    def today(self) -> date:
        """The UK date of the last planned step."""
        return uk_local_date(self.builder.now)

    @property
    def receipt_day(self) -> date:
        return uk_local_date(self.receipt)

    @property
    def backlog(self) -> bool:
        """The organisation was short-staffed when the case arrived: it runs late."""
        since = self.org.backlog_since
        return since is not None and self.receipt_day >= since

    def wd(self, start: date, n: int) -> date:
        """The n-th working day after `start` (n=0: `start` or the next working day)."""
        return working_days_after(self.calendar, start, n)

    def days(self, start: date, low: int, high: int) -> date:
        """A day `low` to `high` calendar days after `start`, moved to a working day."""
        return self.wd(start + timedelta(days=self.rng.randint(low, high)), 0)

    def at(self, day: date) -> datetime:
        return moment(day, self.rng)

    def chance(self, probability: float) -> bool:
        return chance(self.rng, probability)

    def extra_chance(self, probability: float) -> bool:
        return chance(self.extra, probability)

    # ---- people -------------------------------------------------------------------------

    def officer(self) -> Actor:
        return self.org.actor(self.rng.choice(self.org.officers))

    def manager(self) -> Actor:
        return self.org.manager_actor

    def pick_investigator(self, stage: int) -> str:
        others = [i for i in self.org.investigators if i not in self.investigators.values()]
        investigator = self.rng.choice(others or list(self.org.investigators))
        self.investigators[stage] = investigator
        return investigator

    def pick_outcome(self) -> Outcome:
        return weighted(self.rng, OUTCOMES)

    # ---- planning -----------------------------------------------------------------------

    def do(self, command: str, day: date, actor: Actor | None = None, **kwargs: Any) -> datetime:
        """Plan a step on `day` (after any earlier `later` steps); return when it happened."""
        when = self.at(day)
        self.flush(when)
        return self.builder.add(command, when, actor or self.officer(), call(command, **kwargs))

    def later(self, command: str, day: date, actor: Actor | None = None, **kwargs: Any) -> None:
        """Schedule a step that any later state of the case accepts."""
        entry = (self.at(day), len(self.later_steps), command, actor or self.officer(), kwargs)
        self.later_steps.append(entry)

    def flush(self, before: datetime | None = None) -> None:
        """Plan the scheduled `later` steps due before `before` (all when None), in order."""
        self.later_steps.sort(key=lambda entry: entry[:2])
        while self.later_steps and (before is None or self.later_steps[0][0] <= before):
            when, _, command, actor, kwargs = self.later_steps.pop(0)
            self.builder.add(command, when, actor, call(command, **kwargs))
