"""Recording a letter sent to the complainant (domain/letters.py)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import TYPE_CHECKING
from uuid import UUID

from complaints_ledger.domain.letters import LetterChannel, LetterKind
from complaints_ledger.domain.values import Stamp

if TYPE_CHECKING:
    from complaints_ledger.application.context import CommandContext
    from complaints_ledger.domain.complaint import Complaint


class LetterCommands(ABC):
    @abstractmethod
    def _execute(
        self, case_id: UUID, ctx: CommandContext, command: Callable[[Complaint, Stamp], None]
    ) -> int:
        """Load the case, run the command with a stamp, save; return the new version."""

    def send_letter(
        self,
        case_id: UUID,
        ctx: CommandContext,
        *,
        kind: LetterKind,
        text: str,
        channel: LetterChannel,
        template_version: int | None = None,
    ) -> int:
        return self._execute(
            case_id,
            ctx,
            lambda case, stamp: case.send_letter(
                stamp, kind=kind, text=text, channel=channel, template_version=template_version
            ),
        )
