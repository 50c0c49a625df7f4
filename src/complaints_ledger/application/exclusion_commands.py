"""Reg 8 of SI 2009/309: recording that a complaint is not dealt with under the Regulations."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import TYPE_CHECKING
from uuid import UUID

from complaints_ledger.domain.exclusions import ExclusionGround
from complaints_ledger.domain.values import Stamp

if TYPE_CHECKING:
    from complaints_ledger.application.context import CommandContext
    from complaints_ledger.domain.complaint import Complaint


class ExclusionCommands(ABC):
    @abstractmethod
    def _execute(
        self, case_id: UUID, ctx: CommandContext, command: Callable[[Complaint, Stamp], None]
    ) -> int:
        """Load the case, run the command with a stamp, save; return the new version."""

    def decide_exclusion(
        self, case_id: UUID, ctx: CommandContext, *, ground: ExclusionGround, reason: str
    ) -> int:
        return self._execute(
            case_id,
            ctx,
            lambda case, stamp: case.decide_exclusion(stamp, ground=ground, reason=reason),
        )
