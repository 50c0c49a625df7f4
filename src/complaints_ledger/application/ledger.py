"""ComplaintsLedger: the eventsourcing Application that loads cases, runs commands, saves events."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast
from uuid import NAMESPACE_URL, UUID, uuid5

import structlog
from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import (
    IntegrityError,
    InterfaceError,
    JSONTranscoder,
    OperationalError,
)

from complaints_ledger.application.commands import LedgerCommands
from complaints_ledger.application.context import CommandContext
from complaints_ledger.application.read_audit import ReadRecorder
from complaints_ledger.domain.complaint import Complaint, Intake
from complaints_ledger.domain.errors import (
    ComplaintNotFoundError,
    ConflictError,
    DuplicateCommandError,
    StoreUnavailableError,
)
from complaints_ledger.domain.privacy import SubjectRole, mask_roles
from complaints_ledger.domain.registry import (
    AccessLog,
    Organisation,
    OrganisationKind,
    access_log_id,
    organisation_id,
)
from complaints_ledger.domain.values import Actor, Ombudsman, Regulator, Stamp
from complaints_ledger.persistence.transcodings import register_ledger_transcodings
from complaints_ledger.privacy.mapper import PersonalDataMapper
from complaints_ledger.privacy.subject_keys import SubjectKeys
from complaints_ledger.settings import Settings

logger = structlog.get_logger(__name__)
Clock = Callable[[], datetime]
ENVELOPE_FIELDS = frozenset(
    {"originator_id", "originator_version", "originator_topic", "timestamp", "occurred_at", "actor"}
    | {"correlation_id"}
)
RECEIVED_TOPIC = "complaints_ledger.domain.complaint:Complaint.Received"
ORGANISATION_TOPIC = "complaints_ledger.domain.registry:Organisation.Registered"
CASE_ID_NAMESPACE = uuid5(NAMESPACE_URL, "urn:complaints-ledger:case")
ONE_MICROSECOND = timedelta(microseconds=1)
COMMAND_ATTEMPTS = 20
BACK_OFF_SECONDS = 0.002


def system_clock() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class HistoryEntry:
    version: int
    type: str
    recorded_at: datetime
    occurred_at: datetime
    actor: dict[str, str]
    correlation_id: str
    data: dict[str, Any]


class ComplaintsLedger(LedgerCommands, Application[UUID]):
    name = "ComplaintsLedger"

    def __init__(self, settings: Settings | None = None, *, clock: Clock = system_clock) -> None:
        self.settings = settings or Settings()
        self.clock = clock
        self._reads = ReadRecorder(
            self._access_log,
            self.save,
            lambda actor: self._stamp(CommandContext(actor), None),
        )
        store = self.settings.store_url
        if store.sqlite_path is not None:
            store.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
        env = {
            **store.env,
            "CREATE_TABLE": "y",
            "AGGREGATE_CACHE_MAXSIZE": "1000",
            "KEYRING_FILE": str(self.settings.keyring_file),
            "KEY_CACHE_SECONDS": str(self.settings.key_cache_seconds),
        }
        if self.settings.snapshot_interval:
            env["IS_SNAPSHOTTING_ENABLED"] = "y"
            # The library reads this per instance; the interval is a setting, not a class constant.
            self.snapshotting_intervals = {Complaint: self.settings.snapshot_interval}  # type: ignore[misc]
        try:
            super().__init__(env)
        except (OperationalError, InterfaceError) as error:
            raise StoreUnavailableError(
                f"cannot open the store {store.redacted}: {error}", field="store"
            ) from None

    @property
    def subject_keys(self) -> SubjectKeys:
        """The data subjects' keys (see privacy/subject_keys.py)."""
        return cast("PersonalDataMapper", self.mapper).sealer.keys

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        register_ledger_transcodings(transcoder)

    # ---- writing -----------------------------------------------------------------------

    def receive(self, intake: Intake, ctx: CommandContext, *, case_key: str | None = None) -> UUID:
        """Log a new complaint, concern or compliment. The same key (by default the correlation
        id) gives the same case id, so a repeated request cannot log the case twice."""
        complaint_id = uuid5(CASE_ID_NAMESPACE, case_key or ctx.correlation_id)
        complaint = Complaint.receive(self._stamp(ctx, None), intake, complaint_id=complaint_id)
        try:
            self._save(complaint)
        except ConflictError:
            raise DuplicateCommandError(
                f"a complaint was already received with correlation id {ctx.correlation_id!r}",
                field="correlation_id",
            ) from None
        return complaint.id

    def _execute(
        self, case_id: UUID, ctx: CommandContext, command: Callable[[Complaint, Stamp], None]
    ) -> int:
        """Load the case, decide, save. A command without an expected version that lost a race
        with another writer is decided again on the fresh case (so a rule still refuses what no
        longer applies), a bounded number of times; with one, the conflict is the answer."""
        attempt = 1
        while True:
            try:
                return self._execute_once(case_id, ctx, command)
            except ConflictError:
                if ctx.expected_version is not None or attempt == COMMAND_ATTEMPTS:
                    raise
            logger.debug("command lost a race; deciding again", case_id=str(case_id))
            _back_off(attempt)
            attempt += 1

    def _execute_once(
        self, case_id: UUID, ctx: CommandContext, command: Callable[[Complaint, Stamp], None]
    ) -> int:
        complaint = self.get(case_id)
        if ctx.expected_version is not None and ctx.expected_version != complaint.version:
            raise ConflictError(
                f"case {case_id} is at version {complaint.version}, not {ctx.expected_version}",
                field="expected_version",
            )
        command(complaint, self._stamp(ctx, complaint))
        self._save(complaint)
        return complaint.version

    def _stamp(self, ctx: CommandContext, complaint: Complaint | None) -> Stamp:
        recorded_at = self.clock()
        if complaint is not None and recorded_at <= complaint.modified_on:
            # Recorded times never go backwards within a case, whatever the host clock does.
            recorded_at = complaint.modified_on + ONE_MICROSECOND
        return Stamp(
            recorded_at=recorded_at,
            occurred_at=ctx.occurred_at or recorded_at,
            actor=ctx.actor,
            correlation_id=ctx.correlation_id,
        )

    def _save(self, complaint: Complaint) -> None:
        events = len(complaint.pending_events)
        try:
            self.save(complaint)
        except IntegrityError:
            raise ConflictError(
                f"case {complaint.id} was changed by someone else; reload and try again",
                field="expected_version",
            ) from None
        except (OperationalError, InterfaceError) as error:
            raise StoreUnavailableError(f"the store refused the write: {error}") from None
        logger.debug("case saved", case_id=str(complaint.id), version=complaint.version, new=events)

    # ---- reading -----------------------------------------------------------------------

    def get(self, case_id: UUID) -> Complaint:
        """The case; not found also when the id is another aggregate's (an organisation's, an
        access log's), exactly as for an id nobody used."""
        complaint: object
        try:
            complaint = self.repository.get(case_id)
        except AggregateNotFoundError:
            complaint = None
        if not isinstance(complaint, Complaint):
            raise ComplaintNotFoundError(f"no complaint {case_id}", field="id")
        return complaint

    def as_of(self, case_id: UUID, recorded_at: datetime) -> Complaint:
        """The case exactly as the ledger had recorded it at an instant.

        Replays the events recorded by then, read once. Snapshots are never used here: a
        snapshot's version says nothing about when its events were recorded.
        """
        complaint: Complaint | None = None
        events = self._case_events(case_id)
        for event in events:
            if cast("Complaint.Event", event).timestamp > recorded_at:
                break
            complaint = cast("Complaint | None", event.mutate(complaint))
        if complaint is None:
            raise ComplaintNotFoundError(
                f"no complaint {case_id} had been recorded by {recorded_at.isoformat()}", field="id"
            )
        # Erased since then is erased in the past too: what was known is not shown again.
        complaint.personal = mask_roles(complaint.personal, _erased_roles(events))
        return complaint

    def history(self, case_id: UUID, *, as_of: datetime | None = None) -> list[HistoryEntry]:
        events = self._case_events(case_id)
        erased = _erased_roles(events)
        entries = [_history_entry(event, erased) for event in events]
        if as_of is not None:
            entries = [entry for entry in entries if entry.recorded_at <= as_of]
            if not entries:
                raise ComplaintNotFoundError(
                    f"no complaint {case_id} had been recorded by {as_of.isoformat()}", field="id"
                )
        return entries

    def _case_events(self, case_id: UUID) -> list[Any]:
        """A case's events; not found when the id is unused or another aggregate's."""
        events = list(self.events.get(case_id))
        if not events or not isinstance(events[0], Complaint.Received):
            raise ComplaintNotFoundError(f"no complaint {case_id}", field="id")
        return events

    def complaint_ids(self) -> Iterator[UUID]:
        """Every case id, in the order the cases were recorded."""
        return self._originators(RECEIVED_TOPIC)

    def _originators(self, topic: str) -> Iterator[UUID]:
        start, page = 1, 500
        while True:
            notifications = self.recorder.select_notifications(
                start=start, limit=page, topics=[topic]
            )
            for notification in notifications:
                yield UUID(str(notification.originator_id))
            if len(notifications) < page:
                return
            start = notifications[-1].id + 1

    # ---- organisations and the read audit --------------------------------------------------

    def register_organisation(
        self,
        ctx: CommandContext,
        *,
        name: str,
        kind: OrganisationKind,
        ombudsman_body: Ombudsman | None = None,
        regulator_body: Regulator | None = None,
    ) -> UUID:
        stamp = self._stamp(ctx, None)
        organisation = Organisation.register(
            stamp,
            name=name,
            kind=kind,
            ombudsman_body=ombudsman_body,
            regulator_body=regulator_body,
        )
        try:
            self.save(organisation)
        except IntegrityError:
            raise DuplicateCommandError(
                f"organisation {organisation.name!r} is already registered", field="name"
            ) from None
        return organisation.id

    def organisation(self, name: str) -> Organisation | None:
        try:
            found: Organisation = self.repository.get(organisation_id(name))
        except AggregateNotFoundError:
            return None
        return found

    def registered_name(self, organisation: str) -> str | None:
        registered = self.organisation(organisation)
        return None if registered is None else registered.name

    def organisations(self) -> list[Organisation]:
        return [self.repository.get(i) for i in self._originators(ORGANISATION_TOPIC)]

    def record_read(self, case_id: UUID, actor: Actor, *, what: str, purpose: str | None) -> None:
        """Append who read the case, before the data is returned (in groups: access_logs.py)."""
        self._reads.record(case_id, actor, what=what, purpose=purpose)

    def _access_log(self, case_id: UUID) -> AccessLog:
        try:
            return cast("AccessLog", self.repository.get(access_log_id(case_id)))
        except AggregateNotFoundError:
            return AccessLog.open(case_id)

    def reads_of(self, case_id: UUID) -> list[dict[str, Any]]:
        """The access records of a case, oldest first."""
        return [
            {k: v for k, v in vars(event).items() if k != "originator_id"}
            for event in self.events.get(access_log_id(case_id))
            if isinstance(event, AccessLog.CaseRead)
        ]


def _back_off(attempt: int) -> None:
    """Wait a little, at random, so that writers that collided do not collide again."""
    ceiling = BACK_OFF_SECONDS * 2 ** min(attempt, 5)
    time.sleep(random.uniform(0, ceiling))  # noqa: S311 - timing jitter, not a secret


def _erased_roles(events: list[Any]) -> list[SubjectRole]:
    """Roles erased anywhere in a case's events. Their fields read `[erased]` in every read,
    even where this process could still open them (a key cached before another process
    destroyed it), and in views of instants before the erasure."""
    return [SubjectRole(e.role) for e in events if isinstance(e, Complaint.SubjectErased)]


def _history_entry(event: Any, erased: list[SubjectRole]) -> HistoryEntry:
    payload = {k: v for k, v in vars(event).items() if k not in ENVELOPE_FIELDS}
    if erased and isinstance(payload.get("personal"), dict):
        payload["personal"] = mask_roles(payload["personal"], erased)
    return HistoryEntry(
        version=event.originator_version,
        type=type(event).__name__,
        recorded_at=event.timestamp,
        occurred_at=event.occurred_at,
        actor=dict(event.actor),
        correlation_id=event.correlation_id,
        data=payload,
    )
