"""Readiness that tells the truth, fast: a real round trip to the store, the keyring, and the
sealer (its thread in this process, and its last round as recorded in the store, which every API
process can see, whichever process seals). The checks run on a thread of their own and the
answer comes within `PROBE_SECONDS`, whatever the store does."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime

from starlette.datastructures import State

from complaints_ledger.api.metrics import Metrics
from complaints_ledger.api.sealing import BackgroundSealer, stall_seconds
from complaints_ledger.api.store_opening import OpenedStore
from complaints_ledger.domain.errors import LedgerError
from complaints_ledger.integrity.log_sealer import SEALER
from complaints_ledger.persistence.view_db import ViewDatabase, ViewDatabases
from complaints_ledger.readside.tracking import TRACKING_TABLE

PROBE_SECONDS = 1.5


@dataclass(frozen=True)
class NotReady:
    part: str  # store, keyring or sealer
    detail: str


@dataclass(frozen=True)
class SealerProgress:
    unsealed_events: int
    seconds_since_round: float | None  # None: never sealed


def sealer_progress(db: ViewDatabase) -> SealerProgress:
    """Events not yet sealed, and how long ago a sealer last finished a round (any process)."""
    if not db.table_exists(TRACKING_TABLE) or not db.table_exists(db.dialect.events_table):
        return SealerProgress(0, None)
    [(head,)] = db.execute(
        f"SELECT MAX({db.dialect.position_column}) FROM {db.dialect.events_table}"  # noqa: S608
    )
    rows = db.execute(
        f"SELECT position, updated_at FROM {TRACKING_TABLE} WHERE name = ?",  # noqa: S608
        (SEALER,),
    )
    if not rows:
        return SealerProgress(int(head or 0), None)
    position, updated_at = rows[0]
    age = (datetime.now(UTC) - datetime.fromisoformat(str(updated_at))).total_seconds()
    return SealerProgress(max(int(head or 0) - int(position), 0), max(age, 0.0))


class Readiness:
    def __init__(
        self,
        views: ViewDatabases,
        store: OpenedStore,
        sealer: BackgroundSealer | None,
        seal_interval: float,
    ) -> None:
        self.views, self.store, self.sealer = views, store, sealer
        self.stall_seconds = stall_seconds(seal_interval)
        self._probes = ThreadPoolExecutor(max_workers=2, thread_name_prefix="readiness")

    async def problem(self) -> NotReady | None:
        loop = asyncio.get_running_loop()
        try:
            return await asyncio.wait_for(
                loop.run_in_executor(self._probes, self._first_problem), PROBE_SECONDS
            )
        except TimeoutError:
            return NotReady("store", f"the store did not answer within {PROBE_SECONDS:g} s")

    def _first_problem(self) -> NotReady | None:
        try:
            progress = self.views.run(sealer_progress)
        except LedgerError as error:
            return NotReady("store", error.message)
        try:
            ledger = self.store.ledger
        except LedgerError as error:
            return NotReady("store", error.message)
        try:
            _ = ledger.subject_keys.keyring
        except (LedgerError, OSError, ValueError) as error:
            return NotReady("keyring", f"the personal-data keyring cannot be used: {error}")
        if self.sealer is not None and (stalled := self.sealer.heartbeat.problem()):
            return NotReady("sealer", stalled)
        return self._sealer_behind(progress)

    def _sealer_behind(self, progress: SealerProgress) -> NotReady | None:
        age = progress.seconds_since_round
        if progress.unsealed_events and age is not None and age > self.stall_seconds:
            return NotReady(
                "sealer",
                f"{progress.unsealed_events} events are unsealed and no sealer has finished a "
                f"round for {age:.0f} s",
            )
        return None

    def close(self) -> None:
        self._probes.shutdown(wait=False, cancel_futures=True)


def register_background_gauges(metrics: Metrics, state: State) -> None:
    """Gauges of the background work, read at scrape time from what the app holds then."""

    def local_sealer() -> dict[tuple[str, ...], float]:
        sealer: BackgroundSealer | None = getattr(state, "sealer", None)
        if sealer is None:
            return {}
        return {("sealer",): 0.0 if sealer.heartbeat.problem() else 1.0}

    def failures() -> dict[tuple[str, ...], float]:
        sealer: BackgroundSealer | None = getattr(state, "sealer", None)
        return {} if sealer is None else {("sealer",): float(sealer.heartbeat.failures_in_a_row)}

    def progress() -> SealerProgress:
        views: ViewDatabases = state.views
        return views.run(sealer_progress)

    metrics.register_gauge(
        "complaints_ledger_background_task_healthy",
        "1 while a background task of this process runs and completes rounds, else 0",
        local_sealer,
        labels=("task",),
    )
    metrics.register_gauge(
        "complaints_ledger_background_task_failures_in_a_row",
        "Rounds of a background task of this process that failed since its last good one",
        failures,
        labels=("task",),
    )
    metrics.register_gauge(
        "complaints_ledger_unsealed_events",
        "Events in the log not yet sealed into the integrity log",
        lambda: {(): float(progress().unsealed_events)},
    )
    metrics.register_gauge(
        "complaints_ledger_seconds_since_sealer_round",
        "Seconds since any sealer last finished a round (as recorded in the store)",
        lambda: {(): age} if (age := progress().seconds_since_round) is not None else {},
    )
