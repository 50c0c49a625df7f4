"""The state every part of the Complaint aggregate shares, the event envelope, and common guards."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any, ClassVar

from eventsourcing.domain import Aggregate

from complaints_ledger.domain import clocks
from complaints_ledger.domain.calendars import AdjustedCalendar
from complaints_ledger.domain.errors import (
    CaseClosedError,
    DuplicateCommandError,
    InvalidValueError,
    NotPermittedError,
    RuleViolationError,
)
from complaints_ledger.domain.values import (
    PRIVILEGED_ROLES,
    Channel,
    Kind,
    Outcome,
    RegimeId,
    Stamp,
    Status,
)

StateCheck = Callable[[Any], None]  # raises a RuleViolationError when the case's state refuses
STAGE_2 = 2
STAGE_2_INDEPENDENCE = "LGSCO Complaint Handling Code: stage 2 handler independent of stage 1"

OPEN_STATUSES = frozenset(
    {
        Status.RECEIVED,
        Status.REFERRED,
        Status.ACKNOWLEDGED,
        Status.INVESTIGATING,
        Status.RESPONDED,
        Status.ESCALATED,
    }
)


def envelope(stamp: Stamp) -> dict[str, Any]:
    """The envelope fields every event carries, from one command's stamp."""
    return {
        "timestamp": stamp.recorded_at,
        "occurred_at": stamp.occurred_at,
        "actor": stamp.actor.as_dict(),
        "correlation_id": stamp.correlation_id,
    }


def require_text(value: str, field: str) -> str:
    if not value or not value.strip():
        raise InvalidValueError(f"{field} must not be empty", field=field)
    return value.strip()


class CaseBase(Aggregate):
    """Shared state of a case. Events mutate it; public methods only check rules."""

    class Event(Aggregate.Event):
        """Envelope: `timestamp` is when the ledger recorded it, `occurred_at` when it happened."""

        occurred_at: datetime
        actor: dict[str, str]
        correlation_id: str

        def mutate(self, aggregate: Any) -> Any:
            mutated = super().mutate(aggregate)
            if mutated is None:  # pragma: no cover - only discarding events return None
                return None
            mutated.correlation_ids.add(self.correlation_id)
            mutated.last_occurred_at = max(mutated.last_occurred_at, self.occurred_at)
            earliest = mutated.earliest_follow_up_at
            mutated.earliest_follow_up_at = min(earliest or self.occurred_at, self.occurred_at)
            return mutated

    # Facts of the case (non-personal unless named personal).
    kind: Kind
    channel: Channel
    regime: RegimeId
    about_organisation: str
    service: str
    advocacy: str | None
    receiving_organisation: str
    handling_organisation: str
    received_at: datetime  # receipt by the organisation dealing with it
    first_received_at: datetime
    matter_occurred_on: date | None
    matter_noticed_on: date | None
    subjects: tuple[str, ...]
    personal: dict[str, Any]
    represented: bool
    erased_roles: list[str]  # data subjects whose personal data was erased (privacy.py)
    litigation_hold: dict[str, Any] | None
    internal_target_working_days: int | None

    # Progress.
    status: Status
    stage: int
    status_before_close: Status
    acknowledged_at: datetime | None
    responded_at: datetime | None
    stage_2_requested_at: datetime | None
    stage_2_acknowledged_at: datetime | None
    stage_2_responded_at: datetime | None
    agreed_response_due: date | None
    extensions: list[clocks.Extension]
    target_pauses: list[clocks.Pause]
    investigators: dict[str, str]  # stage ("1" or "2") -> investigator
    handlers: dict[str, str]  # stage -> its handler: the investigator, or whom a manager assigned
    outcome: Outcome | None
    actions: dict[str, dict[str, Any]]
    no_action_needed_reason: str | None
    late_acceptance: dict[str, Any] | None
    pending_referral: dict[str, Any] | None
    ombudsman_bodies: list[str]
    feedback_requested: bool
    stopped_at: datetime | None
    correlation_ids: set[str]
    last_occurred_at: datetime
    earliest_follow_up_at: datetime | None  # the first thing that happened after receipt
    records: dict[str, list[dict[str, Any]]]

    # What the case's state must be for each command, declared by the part of the case the
    # command belongs to: `STATE_RULES` maps the command's name (as in the catalogue) to a check
    # that raises a RuleViolationError when the state refuses it. The command runs the check
    # (`_require_state`), and `state_refusal` asks the same check without running the command.
    STATE_RULES: ClassVar[Mapping[str, StateCheck]] = {}

    # ---- guards shared by every command -------------------------------------------------

    def _require_state(self, command: str) -> None:
        state_rule(type(self), command)(self)

    def state_refusal(self, command: str) -> RuleViolationError | None:
        """Why the case's state refuses `command` now; None when its state allows it (the
        command may still refuse what it is sent, or who sends it)."""
        try:
            self._require_state(command)
        except RuleViolationError as refusal:
            return refusal
        return None

    def _check_stamp(self, stamp: Stamp, *, command: str) -> None:
        """Rules every command obeys: no repeats, no future, nothing before receipt."""
        if stamp.correlation_id in self.correlation_ids:
            raise DuplicateCommandError(
                f"{command}: correlation id {stamp.correlation_id!r} was already applied",
                field="correlation_id",
            )
        check_occurred_at(stamp)
        if stamp.occurred_at < self.first_received_at:
            raise InvalidValueError(
                f"{command}: cannot have occurred ({stamp.occurred_at.isoformat()}) before the "
                f"complaint was received ({self.first_received_at.isoformat()})",
                field="occurred_at",
            )

    def _require_status(self, command: str, allowed: frozenset[Status]) -> None:
        require_status(self, command, allowed)

    def _require_privileged(self, stamp: Stamp, command: str) -> None:
        if stamp.actor.role not in PRIVILEGED_ROLES:
            raise NotPermittedError(
                f"{command} needs a manager or admin; {stamp.actor.principal} acts as "
                f"{stamp.actor.role.value}",
                field="actor.role",
            )

    def _require_not_compliment(self, command: str) -> None:
        require_not_compliment(self, command)

    # ---- derived views ---------------------------------------------------------------

    def clock_facts(self) -> clocks.ClockFacts:
        return clocks.ClockFacts(
            regime=self.regime,
            kind=self.kind,
            received_at=self.received_at,
            acknowledged_at=self.acknowledged_at,
            agreed_response_due=self.agreed_response_due,
            responded_at=self.responded_at,
            extensions=tuple(self.extensions),
            stage_2_requested_at=self.stage_2_requested_at,
            stage_2_acknowledged_at=self.stage_2_acknowledged_at,
            stage_2_responded_at=self.stage_2_responded_at,
            stopped_at=self.stopped_at,
            matter_occurred_on=self.matter_occurred_on,
            matter_noticed_on=self.matter_noticed_on,
            internal_target_working_days=self.internal_target_working_days,
            target_pauses=tuple(self.target_pauses),
            first_received_at=self.first_received_at,
        )

    def deadlines(
        self, today: date, calendar: AdjustedCalendar | None = None
    ) -> tuple[clocks.Deadline, ...]:
        """Counted with `calendar`, the regime's calendar in force (None: the package's)."""
        return clocks.deadlines(self.clock_facts(), today, calendar=calendar)

    def time_limit(self) -> clocks.TimeLimitCheck:
        return clocks.time_limit(self.clock_facts())

    @property
    def stage_1_handlers(self) -> frozenset[str]:
        """Who investigated or handled stage 1: none of them may handle stage 2."""
        return frozenset(filter(None, (self.investigators.get("1"), self.handlers.get("1"))))

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def _record(self, kind: str, entry: dict[str, Any]) -> None:
        self.records.setdefault(kind, []).append(entry)


def require_status(case: CaseBase, command: str, allowed: frozenset[Status]) -> None:
    """Refuse `command` unless the case's status is one of `allowed`."""
    if case.status == Status.WITHDRAWN:
        raise CaseClosedError(
            f"cannot {command}: the complaint was withdrawn", field="status", rule="withdrawn"
        )
    if case.status == Status.CLOSED and Status.CLOSED not in allowed:
        raise CaseClosedError(
            f"cannot {command}: the case is closed (reopen it first)",
            field="status",
            rule="closed",
        )
    if case.status not in allowed:
        names = ", ".join(sorted(s.value for s in allowed))
        raise RuleViolationError(
            f"cannot {command} while the case is {case.status} (allowed when: {names})",
            field="status",
        )


def require_not_compliment(case: CaseBase, command: str) -> None:
    if case.kind == Kind.COMPLIMENT:
        raise RuleViolationError(f"cannot {command}: this record is a compliment", field="kind")


def status_rule(command: str, allowed: frozenset[Status]) -> StateCheck:
    """The state check of a command that only asks for one of the `allowed` statuses."""
    return lambda case: require_status(case, command, allowed)


def state_rule(case_type: type[CaseBase], command: str) -> StateCheck:
    """The state check of `command` declared by one of the case's parts; KeyError for a
    command none declares (a programming error)."""
    for part in case_type.__mro__:
        rule = vars(part).get("STATE_RULES", {}).get(command)
        if rule is not None:
            return rule  # type: ignore[no-any-return]
    raise KeyError(command)


def check_occurred_at(stamp: Stamp) -> None:
    if stamp.occurred_at.tzinfo is None:
        raise InvalidValueError("occurred_at must include a timezone offset", field="occurred_at")
    if stamp.occurred_at > stamp.recorded_at:
        raise InvalidValueError(
            f"occurred_at {stamp.occurred_at.isoformat()} is in the future "
            f"(the ledger's clock reads {stamp.recorded_at.isoformat()})",
            field="occurred_at",
        )


def check_not_future_date(value: date | None, field: str, stamp: Stamp) -> None:
    if value is not None and value > clocks.uk_local_date(stamp.recorded_at):
        raise InvalidValueError(f"{field} {value.isoformat()} is in the future", field=field)
