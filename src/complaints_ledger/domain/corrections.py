"""Privileged, reasoned corrections of recorded facts. The old value stays in the history."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, ClassVar

from complaints_ledger.domain.case_state import (
    CaseBase,
    StateCheck,
    check_occurred_at,
    envelope,
    require_text,
)
from complaints_ledger.domain.clocks import uk_local_date
from complaints_ledger.domain.correction_types import (
    FIELD_TYPES,
    read_fact,
    stored_fact,
    subjects_from_v1,
)
from complaints_ledger.domain.errors import InvalidValueError, RuleViolationError
from complaints_ledger.domain.values import Stamp

PERSONAL_FIELDS = frozenset(
    {"complainant.name", "complainant.email", "complainant.phone", "complainant.address", "summary"}
)


CORRECTABLE_FIELDS = frozenset(FIELD_TYPES) | PERSONAL_FIELDS


def _in_any_state(_: CaseBase) -> None:
    """A fact may be corrected in any state: each check of a correction is of its field."""


class Corrections(CaseBase):
    STATE_RULES: ClassVar[Mapping[str, StateCheck]] = {"correct_fact": _in_any_state}

    class FactCorrected(CaseBase.Event):
        """Version 2 holds each value as its field's type (correction_types.py): subjects as a
        list. Version 1 held every value as a string, subjects joined by commas."""

        class_version = 2
        field: str
        new_value: Any  # None when the field is personal: see `personal`
        previous_value: Any
        reason: str
        personal: dict[str, Any]

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            if state["field"] != "subjects":
                return  # every other type's JSON is the string version 1 stored
            for key in ("new_value", "previous_value"):
                if isinstance(state.get(key), str):
                    state[key] = subjects_from_v1(state[key])

        def apply(self, case: Corrections) -> None:
            if self.field in PERSONAL_FIELDS:
                case._apply_personal_correction(self.field, self.personal["new_value"])
                return
            value = read_fact(self.field, self.new_value)
            if self.field == "received_at" and case.first_received_at == case.received_at:
                case.first_received_at = value
            setattr(case, self.field, value)

    def _apply_personal_correction(self, field: str, new_value: str) -> None:
        if field == "summary":
            self.personal = {**self.personal, "summary": new_value}
            return
        attribute = field.split(".", 1)[1]
        complainant = {**self.personal["complainant"], attribute: new_value}
        self.personal = {**self.personal, "complainant": complainant}

    def correct_fact(self, stamp: Stamp, *, field: str, new_value: Any, reason: str) -> None:
        """`new_value` as JSON: a string, or for subjects a list of strings."""
        self._check_stamp(stamp, command="correct a fact")
        self._require_privileged(stamp, "correcting a recorded fact")
        self._require_state("correct_fact")
        reason = require_text(reason, "reason")
        if field not in CORRECTABLE_FIELDS:
            names = ", ".join(sorted(CORRECTABLE_FIELDS))
            raise InvalidValueError(
                f"{field!r} cannot be corrected (correctable: {names})", field="field"
            )
        if field in PERSONAL_FIELDS:
            if not isinstance(new_value, str):
                raise InvalidValueError(
                    f"new_value for {field} must be a string", field="new_value"
                )
            self._trigger_personal_correction(stamp, field, new_value, reason)
            return
        parsed = self._parse_correction(field, new_value, stamp)
        previous = getattr(self, field)
        if parsed == previous:
            raise RuleViolationError(f"{field} already has that value", field="new_value")
        self.trigger_event(
            self.FactCorrected,
            **envelope(stamp),
            field=field,
            new_value=stored_fact(field, parsed),
            previous_value=stored_fact(field, previous),
            reason=reason,
            personal={},
        )

    def _parse_correction(self, field: str, new_value: Any, stamp: Stamp) -> Any:
        try:
            parsed = read_fact(field, new_value)
        except (TypeError, ValueError) as error:
            raise InvalidValueError(
                f"new_value for {field} must be {FIELD_TYPES[field].described}: {error}",
                field="new_value",
            ) from None
        if isinstance(parsed, datetime):
            check_occurred_at(Stamp(stamp.recorded_at, parsed, stamp.actor, stamp.correlation_id))
        if field == "received_at":
            self._check_receipt_correction(parsed)
        if field == "acknowledged_at":
            self._check_acknowledgement_correction(parsed)
        if (
            isinstance(parsed, date)
            and not isinstance(parsed, datetime)
            and parsed > uk_local_date(stamp.recorded_at)
        ):
            raise InvalidValueError(
                f"{field} {parsed.isoformat()} is in the future", field="new_value"
            )
        return parsed

    def _check_receipt_correction(self, received_at: datetime) -> None:
        # Receipt comes first: it cannot move after anything that already happened to the case.
        first = self.earliest_follow_up_at
        if first is not None and received_at > first:
            raise InvalidValueError(
                f"received_at cannot be after {first.isoformat()}, when the case was already "
                "being handled",
                field="new_value",
            )

    def _check_acknowledgement_correction(self, acknowledged_at: datetime) -> None:
        if self.acknowledged_at is None or acknowledged_at < self.received_at:
            raise InvalidValueError(
                "acknowledged_at can be corrected only on an acknowledged case, to a time after "
                "receipt",
                field="new_value",
            )
        # Response clocks count from the acknowledgement: moving it past the response (or the
        # stage 2 request) would turn a missed deadline into a met one.
        later = [m for m in (self.responded_at, self.stage_2_requested_at) if m is not None]
        if later and acknowledged_at > min(later):
            raise InvalidValueError(
                f"acknowledged_at cannot be after {min(later).isoformat()}, when the response "
                "or the stage 2 request followed it",
                field="new_value",
            )

    def _trigger_personal_correction(
        self, stamp: Stamp, field: str, new_value: str, reason: str
    ) -> None:
        if "complainant" in self.erased_roles:  # every correctable personal field is theirs
            raise RuleViolationError(
                "the complainant's personal data was erased: it cannot be corrected",
                field="new_value",
                rule="erasure",
            )
        if field == "summary":
            previous = self.personal.get("summary")
        else:
            previous = self.personal["complainant"].get(field.split(".", 1)[1])
        self.trigger_event(
            self.FactCorrected,
            **envelope(stamp),
            field=field,
            new_value=None,
            previous_value=None,
            reason=reason,
            personal={
                "new_value": require_text(new_value, "new_value"),
                "previous_value": previous,
            },
        )
