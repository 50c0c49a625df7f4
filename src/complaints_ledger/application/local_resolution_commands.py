"""Wales, WSI 2014/1794 reg 16: recording a local resolution discussion."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import TYPE_CHECKING
from uuid import UUID

from complaints_ledger.domain.values import Stamp

if TYPE_CHECKING:
    from complaints_ledger.application.context import CommandContext
    from complaints_ledger.domain.complaint import Complaint


class LocalResolutionCommands(ABC):
    @abstractmethod
    def _execute(
        self, case_id: UUID, ctx: CommandContext, command: Callable[[Complaint, Stamp], None]
    ) -> int:
        """Load the case, run the command with a stamp, save; return the new version."""

    def record_local_resolution(
        self, case_id: UUID, ctx: CommandContext, *, resolved: bool, summary: str
    ) -> int:
        return self._execute(
            case_id,
            ctx,
            lambda case, stamp: case.record_local_resolution(
                stamp, resolved=resolved, summary=summary
            ),
        )
