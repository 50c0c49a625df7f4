"""Who handles a case: a manager assigns it, or hands it to someone else (reassignment).

Starting the investigation names the current stage's investigator, who handles the case from
then on; `HandlerAssigned` is the separate fact of a manager choosing the handler, before the
investigation starts or during it. Either way the latest one names the stage's handler.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from complaints_ledger.domain.case_state import (
    STAGE_2,
    STAGE_2_INDEPENDENCE,
    CaseBase,
    StateCheck,
    envelope,
    require_status,
    require_text,
)
from complaints_ledger.domain.errors import RuleViolationError
from complaints_ledger.domain.values import Stamp, Status

ASSIGNABLE = frozenset(
    {
        Status.RECEIVED,
        Status.ACKNOWLEDGED,
        Status.INVESTIGATING,
        Status.RESPONDED,
        Status.ESCALATED,
    }
)


class Assignment(CaseBase):
    STATE_RULES: ClassVar[Mapping[str, StateCheck]] = {
        "assign_handler": lambda case: require_status(case, "assign the handler", ASSIGNABLE),
    }

    class HandlerAssigned(CaseBase.Event):
        stage: int
        handler: str
        previous_handler: str | None  # None: the case had no handler at this stage
        reason: str | None

        def apply(self, case: Assignment) -> None:
            case.handlers[str(self.stage)] = self.handler

    @property
    def handler(self) -> str | None:
        """The current stage's handler; None while nobody is assigned."""
        return self.handlers.get(str(self.stage))

    def assign_handler(self, stamp: Stamp, *, handler: str, reason: str | None = None) -> None:
        self._check_stamp(stamp, command="assign the handler")
        self._require_privileged(stamp, "assigning a case's handler")
        self._require_state("assign_handler")
        handler = require_text(handler, "handler")
        if handler == self.handler:
            raise RuleViolationError(f"the case is already handled by {handler}", field="handler")
        if self.stage == STAGE_2 and handler in self.stage_1_handlers:
            raise RuleViolationError(
                f"the stage 2 handler must not be the stage 1 handler ({handler})",
                field="handler",
                rule=STAGE_2_INDEPENDENCE,
            )
        self.trigger_event(
            self.HandlerAssigned,
            **envelope(stamp),
            stage=self.stage,
            handler=handler,
            previous_handler=self.handler,
            reason=reason.strip() if reason and reason.strip() else None,
        )
