"""Running projections: batched rebuilds that swap in atomically, as-of builds, live catch-up."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime

from complaints_ledger.persistence.view_db import ViewDatabase
from complaints_ledger.readside.build_lock import build_lock
from complaints_ledger.readside.failures import Failure, Failures
from complaints_ledger.readside.pages import Applied, PageApplier, Target, must_stop
from complaints_ledger.readside.read_model import ReadModel
from complaints_ledger.readside.source import EventLog, StoredRow
from complaints_ledger.readside.tracking import Position, Tracking
from complaints_ledger.readside.views import Views, physical_name

LIVE, BUILD = "rm", "rmb"
DEFAULT_PAGE_SIZE = 5000
RETRY_HALTED_SECONDS = 60.0  # a projection halted at a failing event tries it again after this

Progress = Callable[[int, int], None]  # events done, events in all


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Decoded events are many small acyclic dicts: reference counting frees them, and the cyclic
    collector's passes over them would cost as much as decoding. Paused, then restored."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def as_of_namespace(instant: datetime) -> str:
    """`rma_20260501t120000z`; with microseconds when the instant has them."""
    utc = instant.astimezone(UTC)
    return "rma_" + utc.strftime("%Y%m%dt%H%M%S%fz" if utc.microsecond else "%Y%m%dt%H%M%Sz")


def tracking_name(projection: ReadModel, namespace: str) -> str:
    return projection.name if namespace == LIVE else f"{projection.name}@{namespace}"


def failure_name(projection: ReadModel, namespace: str) -> str:
    """A rebuild swaps in even when halted, so its failure is the live projection's."""
    return tracking_name(projection, LIVE if namespace == BUILD else namespace)


@dataclass(frozen=True)
class RebuildSummary:
    projection: str
    events: int
    position: int
    seconds: float
    namespace: str
    resumed_from: int
    halted: Failure | None = None

    @property
    def events_per_second(self) -> float:
        return self.events / self.seconds if self.seconds > 0 else float("inf")


class ReadModelRunner:
    def __init__(
        self,
        db: ViewDatabase,
        *,
        page_size: int = DEFAULT_PAGE_SIZE,
        retry_halted_after: float = RETRY_HALTED_SECONDS,
    ) -> None:
        self.db = db
        self.log = EventLog(db)
        self.tracking = Tracking(db)
        self.failures = Failures(db)
        self.page_size = page_size
        self.retry_halted_after = retry_halted_after
        self.tracking.ensure()
        self.failures.ensure()

    # ---- rebuilding -------------------------------------------------------------------

    def rebuild(
        self,
        projection: ReadModel,
        *,
        as_of: datetime | None = None,
        progress: Progress | None = None,
    ) -> RebuildSummary:
        """Rebuild from position 0 into fresh tables; live tables keep serving until the swap.

        A rebuild that was interrupted resumes from its last committed page. Builds of the same
        tables wait for each other (build_lock.py).
        """
        namespace = BUILD if as_of is None else as_of_namespace(as_of)
        with (
            build_lock(self.db, tracking_name(projection, namespace)),
            cyclic_gc_paused(),
            self._inputs(projection, namespace, as_of),
        ):
            return self._rebuild(projection, as_of, progress)

    def _inputs(
        self, projection: ReadModel, namespace: str, as_of: datetime | None
    ) -> AbstractContextManager[None]:
        """What the projection derives from besides events (e.g. the calendars), in force."""
        if projection.inputs is None:
            return nullcontext()
        return projection.inputs.session(self.db, projection, namespace, as_of)

    def _rebuild(
        self, projection: ReadModel, as_of: datetime | None, progress: Progress | None
    ) -> RebuildSummary:
        namespace = BUILD if as_of is None else as_of_namespace(as_of)
        name = tracking_name(projection, namespace)
        started = time.perf_counter()
        resumed = self.tracking.get(name)
        if resumed is None or resumed.version != projection.version:
            resumed = self._start_build(projection, namespace, name, as_of)
        target = Target(
            projection,
            namespace,
            Views(self.db, projection, namespace, starts_empty=resumed.position == 0),
            as_of,
        )
        head = self.log.head()
        total = self.log.count(0, head, projection.topics)
        done = self.log.count(0, resumed.position, projection.topics)
        applied = Applied(_position(resumed, resumed.position, done))
        while applied.position.position < head and applied.halted is None:
            applied = self._apply_page(target, applied.position, head)
            if progress:
                progress(applied.position.events, total)
        built = applied.position
        if as_of is None:
            self._swap_in(projection, built)
        elif applied.halted is None:
            built = _position(built, head, built.events)
            with self.db.transaction():
                self.tracking.put(built)
        seconds = time.perf_counter() - started
        return RebuildSummary(
            projection.name,
            built.events,
            built.position,
            seconds,
            namespace,
            resumed.position,
            applied.halted,
        )

    def _apply_page(self, target: Target, at: Position, head: int) -> Applied:
        rows, end = self.log.page(at.position, head, target.projection.topics, self.page_size)
        try:
            with self.db.transaction():
                moved = self._apply_and_track(target, rows, at, end)
        except Exception as error:
            if must_stop(error):
                raise
            return self._isolate_failure(target, rows, at, end)
        return Applied(moved)

    def _apply_and_track(
        self, target: Target, rows: list[StoredRow], at: Position, end: int
    ) -> Position:
        """Inside the caller's transaction: the page's rows, the new position, a failure passed."""
        target.apply(rows)
        moved = _position(at, end, at.events + len(rows))
        if end != at.position:
            self.tracking.put(moved)
            self.failures.clear_passed(failure_name(target.projection, target.namespace), end)
        return moved

    def _isolate_failure(
        self, target: Target, rows: list[StoredRow], at: Position, end: int
    ) -> Applied:
        """The page rolled back: apply it an event at a time, halting at the one at fault."""
        target.views.discard_unwritten()
        name = failure_name(target.projection, target.namespace)
        applier = PageApplier(self.db, self.tracking, self.failures, name)
        return applier.one_at_a_time(target, rows, at, end)

    def _halted(self, projection: ReadModel, namespace: str) -> Failure | None:
        """A failure recorded for this version too recently to try the event again yet."""
        failure = self.failures.get(failure_name(projection, namespace))
        if failure is None or failure.version != projection.version:
            return None
        recent = failure.seconds_since(datetime.now(UTC)) < self.retry_halted_after
        return failure if recent else None

    def _start_build(
        self, projection: ReadModel, namespace: str, name: str, as_of: datetime | None
    ) -> Position:
        position = Position(
            name=name,
            version=projection.version,
            position=0,
            events=0,
            rebuilt_at=datetime.now(UTC).isoformat(),
            as_of=as_of.isoformat() if as_of else None,
        )
        with self.db.transaction():
            self._create_tables(projection, namespace)
            self.tracking.put(position)
            self.failures.clear(failure_name(projection, namespace))
        return position

    def _create_tables(self, projection: ReadModel, namespace: str) -> None:
        token = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
        for table in projection.tables:
            name = physical_name(projection, table, namespace)
            self.db.execute(f"DROP TABLE IF EXISTS {name}")
            columns = ", ".join(f"{c} {self.db.dialect.types[t]}" for c, t in table.columns.items())
            self.db.execute(
                f"CREATE TABLE {name} ({columns}, PRIMARY KEY ({', '.join(table.key)}))"
            )
            for number, index in enumerate(table.indexes):
                # Index names are unique per schema and survive a rename: make each build's unique.
                index_name = f"{name}_i{number}_{token}"
                self.db.execute(f"CREATE INDEX {index_name} ON {name} ({', '.join(index)})")

    def _swap_in(self, projection: ReadModel, build: Position) -> None:
        with self.db.transaction():
            self.tracking.get(projection.name, lock=True)
            for table in projection.tables:
                live = physical_name(projection, table, LIVE)
                self.db.execute(f"DROP TABLE IF EXISTS {live}")
                self.db.execute(
                    f"ALTER TABLE {physical_name(projection, table, BUILD)} RENAME TO {live}"
                )
            self.tracking.put(
                Position(
                    projection.name,
                    projection.version,
                    build.position,
                    build.events,
                    build.rebuilt_at,
                    None,
                )
            )
            self.tracking.delete(build.name)

    # ---- following ---------------------------------------------------------------------

    def needs_rebuild(self, projection: ReadModel) -> bool:
        position = self.tracking.get(projection.name)
        return position is None or position.version != projection.version

    def catch_up(self, projection: ReadModel) -> int:
        """Apply every event after the live position; returns how many were applied. Builds the
        views first if they were never built (or were built by another version)."""
        if self.needs_rebuild(projection):
            with build_lock(self.db, tracking_name(projection, BUILD)):
                if self.needs_rebuild(projection):  # nobody else built them while we waited
                    with cyclic_gc_paused(), self._inputs(projection, BUILD, None):
                        return self._rebuild(projection, None, None).events
        with cyclic_gc_paused(), self._inputs(projection, LIVE, None):
            return self._catch_up(projection)

    def ensure_built_as_of(self, projection: ReadModel, as_of: datetime) -> str:
        """Build (or bring up to the log's head) the views as recorded at `as_of`; their
        namespace. Readers never see a build still under way: they wait for its lock."""
        namespace = as_of_namespace(as_of)
        name = tracking_name(projection, namespace)
        if self._built_up_to_head(projection, name) or self._halted(projection, namespace):
            return namespace
        with build_lock(self.db, name):
            if not self._built_up_to_head(projection, name):
                with cyclic_gc_paused(), self._inputs(projection, namespace, as_of):
                    self._rebuild(projection, as_of, None)
        return namespace

    def _built_up_to_head(self, projection: ReadModel, name: str) -> bool:
        built = self.tracking.get(name)
        return (
            built is not None
            and built.version == projection.version
            and built.position >= self.log.head()
        )

    def _catch_up(self, projection: ReadModel) -> int:
        if self._halted(projection, LIVE):
            return 0
        applied = 0
        target = Target(projection, LIVE, Views(self.db, projection, LIVE))
        while True:
            current, rows = None, None
            try:
                with self.db.transaction():
                    current = self.tracking.get(projection.name, lock=True)
                    if current is None or current.version != projection.version:
                        return applied  # a rebuild is under way elsewhere: the next call sees it
                    head = self.log.head()
                    rows, end = self.log.page(
                        current.position, head, projection.topics, self.page_size
                    )
                    self._apply_and_track(target, rows, current, end)
            except Exception as error:
                if must_stop(error) or current is None or rows is None:
                    raise
                halted = self._isolate_failure(target, rows, current, end)
                return applied + halted.position.events - current.events
            target.views.forget_clean_rows()
            applied += len(rows)
            if end >= head:
                return applied

    def status(self, projection: ReadModel) -> tuple[Position | None, int]:
        return self.tracking.get(projection.name), self.log.head()


def _position(base: Position, position: int, events: int) -> Position:
    return Position(base.name, base.version, position, events, base.rebuilt_at, base.as_of)


def current_namespace(db: ViewDatabase, projection: ReadModel, as_of: datetime | None) -> str:
    """Bring the live views up to date, or build them as of a past instant; say which to read."""
    runner = ReadModelRunner(db)
    if as_of is None:
        runner.catch_up(projection)
        return LIVE
    return runner.ensure_built_as_of(projection, as_of)
