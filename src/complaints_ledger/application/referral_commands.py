"""No wrong door: referring a case to another organisation, and what the receiver or the
referrer may do with the offer (accept, decline, recall, pass on with consent)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import TYPE_CHECKING
from uuid import UUID

from complaints_ledger.domain.values import RegimeId, Stamp

if TYPE_CHECKING:
    from complaints_ledger.application.context import CommandContext
    from complaints_ledger.domain.complaint import Complaint


class ReferralCommands(ABC):
    @abstractmethod
    def _execute(
        self, case_id: UUID, ctx: CommandContext, command: Callable[[Complaint, Stamp], None]
    ) -> int:
        """Load the case, run the command with a stamp, save; return the new version."""

    def refer(
        self,
        case_id: UUID,
        ctx: CommandContext,
        *,
        to_organisation: str,
        reason: str,
        consent_to_share: bool,
    ) -> int:
        return self._execute(
            case_id,
            ctx,
            lambda case, stamp: case.refer(
                stamp,
                to_organisation=to_organisation,
                reason=reason,
                consent_to_share=consent_to_share,
            ),
        )

    def accept_referral(
        self, case_id: UUID, ctx: CommandContext, *, regime: RegimeId | None = None
    ) -> int:
        return self._execute(
            case_id, ctx, lambda case, stamp: case.accept_referral(stamp, regime=regime)
        )

    def decline_referral(
        self,
        case_id: UUID,
        ctx: CommandContext,
        *,
        reason: str,
        suggested_organisation: str | None = None,
    ) -> int:
        return self._execute(
            case_id,
            ctx,
            lambda case, stamp: case.decline_referral(
                stamp, reason=reason, suggested_organisation=suggested_organisation
            ),
        )

    def recall_referral(self, case_id: UUID, ctx: CommandContext, *, reason: str) -> int:
        return self._execute(
            case_id, ctx, lambda case, stamp: case.recall_referral(stamp, reason=reason)
        )

    def pass_on_referral(
        self,
        case_id: UUID,
        ctx: CommandContext,
        *,
        to_organisation: str,
        reason: str,
        consent_to_share: bool,
    ) -> int:
        return self._execute(
            case_id,
            ctx,
            lambda case, stamp: case.pass_on_referral(
                stamp,
                to_organisation=to_organisation,
                reason=reason,
                consent_to_share=consent_to_share,
            ),
        )
