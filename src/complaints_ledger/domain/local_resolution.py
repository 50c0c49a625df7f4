"""Wales, WSI 2014/1794 reg 16: the local resolution discussion and its written terms.

The organisation dealing with the complaint offers to discuss it (reg 16(2)), within 10 working
days of acknowledging it (reg 16(3)). Holding the discussion meets the stage 1 deadline; when it
resolves the matter to the complainant's satisfaction the written details of the resolution are
due within 5 working days (reg 16(5)), sent as the stage 1 response. The clocks: devolved_clocks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any, ClassVar

from complaints_ledger.domain import clocks
from complaints_ledger.domain.case_state import (
    CaseBase,
    StateCheck,
    envelope,
    require_status,
    require_text,
)
from complaints_ledger.domain.errors import InvalidValueError, RuleViolationError
from complaints_ledger.domain.values import Kind, RegimeId, Stamp, Status

LOCAL_RESOLUTION = "local_resolution"  # the key of the discussions in the case's records
DISCUSSABLE = frozenset({Status.RECEIVED, Status.ACKNOWLEDGED, Status.INVESTIGATING})
REG_16_2 = "WSI 2014/1794 reg 16(2)"


def _discussable(case: LocalResolution) -> None:
    if case.kind != Kind.COMPLAINT:
        raise RuleViolationError(
            f"a local resolution discussion is about a complaint, not a {case.kind}",
            field="kind",
        )
    if case.regime != RegimeId.WALES_2014:
        raise RuleViolationError(
            "local resolution discussions are of the Welsh procedure (wales-2014, WSI "
            f"2014/1794 reg 16); this case is {case.regime}",
            field="regime",
            rule=REG_16_2,
        )
    require_status(case, "record a local resolution discussion", DISCUSSABLE)
    if case.stage != 1:
        raise RuleViolationError(
            "the local resolution discussion is of stage 1; this case is at the formal "
            "investigation (stage 2)",
            field="status",
            rule=REG_16_2,
        )
    if case.local_resolution_resolved_at is not None:
        raise RuleViolationError(
            "the matter was already resolved by a local resolution discussion on "
            f"{case.local_resolution_resolved_at:%d %b %Y}; send its written terms as the "
            "response (reg 16(5))",
            field="resolved",
            rule="WSI 2014/1794 reg 16(5)",
        )


class LocalResolution(CaseBase):
    STATE_RULES: ClassVar[Mapping[str, StateCheck]] = {"record_local_resolution": _discussable}

    class LocalResolutionDiscussed(CaseBase.Event):
        organisation: str  # the organisation dealing with the complaint, which held it
        resolved: bool  # the matter was resolved to the complainant's satisfaction
        personal: dict[str, Any]  # what was discussed and agreed: personal data

        def apply(self, case: LocalResolution) -> None:
            case._record(
                LOCAL_RESOLUTION,
                {
                    "at": self.occurred_at,
                    "organisation": self.organisation,
                    "resolved": self.resolved,
                    "by": self.actor.get("principal"),
                },
            )

    def record_local_resolution(self, stamp: Stamp, *, resolved: bool, summary: str) -> None:
        """Record a local resolution discussion held with the complainant (Wales, reg 16)."""
        self._check_stamp(stamp, command="record a local resolution discussion")
        self._require_state("record_local_resolution")
        if stamp.occurred_at < self.received_at:
            raise InvalidValueError(
                f"the discussion cannot have been held ({stamp.occurred_at.isoformat()}) before "
                f"{self.handling_organisation} received the complaint "
                f"({self.received_at.isoformat()})",
                field="occurred_at",
            )
        self.trigger_event(
            self.LocalResolutionDiscussed,
            **envelope(stamp),
            organisation=self.handling_organisation,
            resolved=resolved,
            personal={"summary": require_text(summary, "summary")},
        )

    # ---- what the clocks count from ----------------------------------------------------

    def _discussions(self) -> list[dict[str, Any]]:
        """The discussions held by the organisation dealing with the case, since its receipt."""
        return [
            entry
            for entry in self.records.get(LOCAL_RESOLUTION, [])
            if entry["organisation"] == self.handling_organisation
            and entry["at"] >= self.received_at
        ]

    @property
    def local_resolution_discussed_at(self) -> datetime | None:
        return min((entry["at"] for entry in self._discussions()), default=None)

    @property
    def local_resolution_resolved_at(self) -> datetime | None:
        resolved = (entry["at"] for entry in self._discussions() if entry["resolved"])
        return min(resolved, default=None)

    def clock_facts(self) -> clocks.ClockFacts:
        return replace(
            super().clock_facts(),
            local_resolution_discussed_at=self.local_resolution_discussed_at,
            local_resolution_resolved_at=self.local_resolution_resolved_at,
        )
