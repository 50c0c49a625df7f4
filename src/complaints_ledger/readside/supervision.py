"""Background work that keeps going: a task runs in rounds; a round that fails (the store went
away, most often) is logged once as a structured error with its stack, then tried again after a
bounded, jittered back-off. While the store is unreachable the back-off stops growing at 2 s:
a refused connection is cheap, and a task that slept 15 s would keep readiness failing long after
the store came back. Each round starts from the position the task tracks in the store, so
nothing is skipped or done twice. A heartbeat tells readiness and /metrics how the task fares."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import structlog

from complaints_ledger.persistence.errors import is_unavailable

logger = structlog.get_logger(__name__)

FIRST_BACKOFF_SECONDS = 0.5
MAX_BACKOFF_SECONDS = 15.0
STORE_RETRY_SECONDS = 2.0


def backoff_seconds(failures: int, longest: float = MAX_BACKOFF_SECONDS) -> float:
    """After the n-th failure in a row: 0.5 s doubling to `longest` (15 s) at most, less up to
    half (jitter, so that several processes do not all come back at the same instant)."""
    ceiling: float = min(longest, FIRST_BACKOFF_SECONDS * 2 ** max(failures - 1, 0))
    return ceiling * random.uniform(0.5, 1.0)  # noqa: S311 - jitter, not a secret


@dataclass
class Heartbeat:
    """How one background task fares: its thread, its last good round, its failures."""

    task: str
    stall_seconds: float  # no good round for this long: stalled
    started_at: float = field(default_factory=time.monotonic)
    last_success: float | None = None
    failures_in_a_row: int = 0
    last_error: str | None = None
    thread: threading.Thread | None = None

    def succeeded(self) -> None:
        self.last_success, self.failures_in_a_row, self.last_error = time.monotonic(), 0, None

    def failed(self, error: BaseException) -> None:
        self.failures_in_a_row += 1
        self.last_error = f"{type(error).__name__}: {error}"

    def problem(self) -> str | None:
        """Why the task is not healthy, or None when it is."""
        if self.thread is not None and not self.thread.is_alive():
            return f"the {self.task} has stopped"
        since = time.monotonic() - (self.last_success or self.started_at)
        if since > self.stall_seconds:
            cause = f": {self.last_error}" if self.last_error else ""
            return f"the {self.task} has not completed a round for {since:.0f} s{cause}"
        return None


def run_supervised(
    heartbeat: Heartbeat,
    work: Callable[[], None],
    *,
    pause: Callable[[], object],
    stopping: threading.Event,
    longest_backoff: float = MAX_BACKOFF_SECONDS,
) -> None:
    """Run `work` in rounds, `pause()` between good rounds, until `stopping` is set."""
    while not stopping.is_set():
        try:
            work()
        except Exception as error:  # supervised: logged with its stack, then retried
            heartbeat.failed(error)
            delay = backoff_seconds(heartbeat.failures_in_a_row, _longest(error, longest_backoff))
            logger.exception(
                "background task failed; retrying",
                task=heartbeat.task,
                error=str(error),
                error_type=type(error).__name__,
                failures_in_a_row=heartbeat.failures_in_a_row,
                retry_in_seconds=round(delay, 2),
            )
            stopping.wait(delay)
            continue
        if heartbeat.failures_in_a_row or heartbeat.last_success is None:
            logger.info("background task running", task=heartbeat.task)
        heartbeat.succeeded()
        pause()


def _longest(error: Exception, longest_backoff: float) -> float:
    if is_unavailable(error):
        return min(longest_backoff, STORE_RETRY_SECONDS)
    return longest_backoff
