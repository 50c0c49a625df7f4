"""Plan the whole demo dataset, then drive the ledger through it on a simulated clock."""

from __future__ import annotations

import heapq
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING, cast
from uuid import UUID

from complaints_ledger.application.context import CommandContext
from complaints_ledger.demo.bodies import OMBUDSMAN_NAMES, REGULATOR_NAMES
from complaints_ledger.demo.scenario import plan_case
from complaints_ledger.demo.world import ALL
from complaints_ledger.domain.errors import LedgerError
from complaints_ledger.domain.registry import OrganisationKind
from complaints_ledger.domain.values import Actor, Ombudsman, Role

if TYPE_CHECKING:
    from complaints_ledger.application.ledger import ComplaintsLedger
    from complaints_ledger.demo.timeline import Step

NO_CASE_YET = UUID(int=0)


class DemoPlanError(RuntimeError):
    """A planned step broke a rule of the domain: a bug in the demo generator, never hidden."""


class SimulatedClock:
    """The ledger's clock during the demo: set to each step's recorded time before it runs."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


@dataclass(frozen=True)
class DemoPlan:
    seed: int
    anchor: date  # the demo's 'today': nothing is recorded on or after its start (UTC)
    cases: tuple[tuple[Step, ...], ...]

    @property
    def steps(self) -> int:
        return sum(len(case) for case in self.cases)


def plan_dataset(seed: int, complaints: int, anchor: date) -> DemoPlan:
    """Plan `complaints` cases; case n's plan depends only on the seed, n and the anchor day.

    Each case draws from two streams: `rng` for what every case has, and `extra` for whether it
    has one of the later additions (Wales and Northern Ireland, referral detours, exclusions,
    ombudsman remedies, regulator acknowledgements). Adding those changed only the cases that
    have them: the rest of a seed's world stayed as it was."""
    master = random.Random(seed)  # noqa: S311 - invented data, not security
    cutoff = datetime.combine(anchor, time(0), UTC)
    cases = []
    for case in range(complaints):
        bits = master.getrandbits(64)
        rng, extra = random.Random(bits), random.Random(f"extra-{bits}")  # noqa: S311
        cases.append(tuple(plan_case(rng, extra, case, anchor).recorded_before(cutoff)))
    return DemoPlan(seed=seed, anchor=anchor, cases=tuple(cases))


def correlation_id(seed: int, case: int, seq: int) -> str:
    return f"demo-{seed}-{case}-{seq}"


def write_plan(ledger: ComplaintsLedger, clock: SimulatedClock, plan: DemoPlan) -> int:
    """Run every step of every case in recorded order; return the number of events written."""
    case_ids: dict[int, UUID] = {}
    written = 0
    ordered = heapq.merge(*plan.cases, key=lambda s: (s.recorded_at, s.case, s.seq))
    for step in ordered:
        clock.now = step.recorded_at
        ctx = CommandContext(
            actor=step.actor,
            occurred_at=step.occurred_at,
            correlation_id=correlation_id(plan.seed, step.case, step.seq),
        )
        try:
            result = step.run(ledger, case_ids.get(step.case, NO_CASE_YET), ctx)
        except LedgerError as error:
            message = (
                f"demo case {step.case} step {step.seq} ({step.name}, occurred "
                f"{step.occurred_at.isoformat()}) was refused: {error}"
            )
            raise DemoPlanError(message) from error
        if step.seq == 0:
            case_ids[step.case] = cast("UUID", result)
        written += 1
    return written


def first_recorded_at(plan: DemoPlan, default: datetime) -> datetime:
    return min((case[0].recorded_at for case in plan.cases if case), default=default)


def register_organisations(ledger: ComplaintsLedger, clock: SimulatedClock, at: datetime) -> int:
    """Register the demo world's organisations not yet registered, recorded at `at`.

    Returns how many were registered."""
    clock.now = at
    operator = Actor("demo:operator", "complaints-ledger", Role.ADMIN)
    wanted: list[tuple[str, OrganisationKind, Ombudsman | None]] = [
        (organisation.name, OrganisationKind(organisation.kind), None) for organisation in ALL
    ]
    wanted += [(name, OrganisationKind.OMBUDSMAN, body) for body, name in OMBUDSMAN_NAMES.items()]
    registered = 0
    for name, kind, body in wanted:
        if ledger.organisation(name) is None:
            ledger.register_organisation(
                CommandContext(operator), name=name, kind=kind, ombudsman_body=body
            )
            registered += 1
    for regulator, name in REGULATOR_NAMES.items():
        if ledger.organisation(name) is None:
            ledger.register_organisation(
                CommandContext(operator),
                name=name,
                kind=OrganisationKind.REGULATOR,
                regulator_body=regulator,
            )
            registered += 1
    return registered
