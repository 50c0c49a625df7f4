"""The commands after an escalation: the ombudsman's outcome, remedy compliance, and a
regulator's acknowledgement. Load the case, let it decide, save; return the new version."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Protocol
from uuid import UUID

from complaints_ledger.domain.outcomes import RequestedRemedy
from complaints_ledger.domain.values import (
    Ombudsman,
    OmbudsmanDecision,
    Regulator,
    Remedy,
    RemedyOutcome,
    Stamp,
)

if TYPE_CHECKING:
    from complaints_ledger.application.context import CommandContext
    from complaints_ledger.domain.complaint import Complaint


class RemedyRequest(Protocol):
    """A remedy as a request body gives it."""

    @property
    def remedy(self) -> Remedy: ...
    @property
    def description(self) -> str: ...
    @property
    def due_on(self) -> date: ...


class OutcomeCommands(ABC):
    @abstractmethod
    def _execute(
        self, case_id: UUID, ctx: CommandContext, command: Callable[[Complaint, Stamp], None]
    ) -> int:
        """Load the case, run the command with a stamp, save; return the new version."""

    def record_ombudsman_outcome(
        self,
        case_id: UUID,
        ctx: CommandContext,
        *,
        body: Ombudsman,
        decision: OmbudsmanDecision,
        finding: str,
        remedies: tuple[RemedyRequest, ...] = (),
        reference: str | None = None,
    ) -> int:
        return self._execute(
            case_id,
            ctx,
            lambda case, stamp: case.record_ombudsman_outcome(
                stamp,
                body=body,
                decision=decision,
                finding=finding,
                remedies=tuple(
                    RequestedRemedy(r.remedy, r.description, r.due_on) for r in remedies
                ),
                reference=reference,
            ),
        )

    def record_remedy_compliance(
        self,
        case_id: UUID,
        ctx: CommandContext,
        *,
        remedy_id: str,
        outcome: RemedyOutcome,
        evidence: str,
        complied_on: date | None = None,
    ) -> int:
        return self._execute(
            case_id,
            ctx,
            lambda case, stamp: case.record_remedy_compliance(
                stamp,
                remedy_id=remedy_id,
                outcome=outcome,
                evidence=evidence,
                complied_on=complied_on,
            ),
        )

    def acknowledge_regulator_notification(
        self,
        case_id: UUID,
        ctx: CommandContext,
        *,
        regulator: Regulator,
        reference: str | None = None,
        note: str | None = None,
    ) -> int:
        return self._execute(
            case_id,
            ctx,
            lambda case, stamp: case.acknowledge_regulator_notification(
                stamp, regulator=regulator, reference=reference, note=note
            ),
        )
