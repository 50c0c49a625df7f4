"""How each read model stands: its position, how far behind the event log it is, and whether it
is current, behind, halted at an event, built by another version, or never built. Shown by
`projections status` and the admin pages' Projections page alike."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from complaints_ledger.readside.failures import Failure
from complaints_ledger.readside.read_model import ReadModel
from complaints_ledger.readside.tracking import Position


class Health(StrEnum):
    CURRENT = "current"
    BEHIND = "behind"
    HALTED = "halted"
    NEEDS_REBUILD = "needs rebuild"
    NEVER_BUILT = "never built"


@dataclass(frozen=True)
class ProjectionStatus:
    name: str
    version: int
    position: int | None  # None: never built
    head: int
    health: Health
    built_version: int | None = None
    failure: Failure | None = None

    @property
    def behind_by(self) -> int | None:
        return None if self.position is None else max(self.head - self.position, 0)

    @property
    def condition(self) -> str:
        """The health in words, as `projections status` prints it."""
        if self.health == Health.NEEDS_REBUILD:
            return f"needs rebuild (built as v{self.built_version})"
        if self.health == Health.HALTED and self.failure is not None:
            failure = self.failure
            return (
                f"halted at {failure.position} ({failure.event_type} of case {failure.case_id}, "
                f"{failure.attempts} attempts, last {failure.failed_at}): {failure.error}"
            )
        return str(self.health)


def projection_status(
    projection: ReadModel, position: Position | None, head: int, failure: Failure | None
) -> ProjectionStatus:
    name, version = projection.name, projection.version
    if position is None:
        return ProjectionStatus(name, version, None, head, Health.NEVER_BUILT)
    if position.version != version:
        return ProjectionStatus(
            name, version, position.position, head, Health.NEEDS_REBUILD, position.version
        )
    if failure is not None and failure.version == version:
        return ProjectionStatus(
            name, version, position.position, head, Health.HALTED, failure=failure
        )
    health = Health.CURRENT if head <= position.position else Health.BEHIND
    return ProjectionStatus(name, version, position.position, head, health)
