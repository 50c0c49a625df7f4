"""Supervised background work: a failing round is logged with its stack and retried after a
bounded back-off; the heartbeat tells a stalled or dead task apart from a healthy one."""

from __future__ import annotations

import io
import json
import sys
import threading
import time

import pytest
import structlog
from structlog.testing import capture_logs

from complaints_ledger.domain.errors import StoreUnavailableError
from complaints_ledger.log_setup import configure_logging
from complaints_ledger.readside import supervision
from complaints_ledger.readside.supervision import (
    MAX_BACKOFF_SECONDS,
    STORE_RETRY_SECONDS,
    Heartbeat,
    backoff_seconds,
    run_supervised,
)


def test_back_off_grows_is_bounded_and_jittered() -> None:
    first = [backoff_seconds(1) for _ in range(50)]
    assert all(0.25 <= d <= 0.5 for d in first)
    assert len(set(first)) > 1  # jittered
    assert all(backoff_seconds(n) <= MAX_BACKOFF_SECONDS for n in range(1, 40))
    assert max(backoff_seconds(6) for _ in range(50)) > max(first)


def test_a_failing_round_is_logged_and_retried_until_it_succeeds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A fresh logger: the module's may be bound to the processors of an earlier configure_logging
    # (a CLI test, a sealer's round, another CLI test), which capture_logs no longer reaches.
    monkeypatch.setattr(supervision, "logger", structlog.get_logger(supervision.__name__))
    calls: list[int] = []
    stopping = threading.Event()
    heartbeat = Heartbeat("sealer", stall_seconds=30)

    def work() -> None:
        calls.append(len(calls))
        if len(calls) < 3:
            raise ConnectionError("the store went away")
        stopping.set()

    with capture_logs() as logs:
        run_supervised(heartbeat, work, pause=lambda: None, stopping=stopping)
    assert len(calls) == 3
    failures = [e for e in logs if e["event"] == "background task failed; retrying"]
    assert [f["failures_in_a_row"] for f in failures] == [1, 2]
    assert failures[0]["error_type"] == "ConnectionError"
    assert failures[0]["task"] == "sealer"
    assert heartbeat.failures_in_a_row == 0
    assert heartbeat.problem() is None


class RecordedWaits(threading.Event):
    """A stopping event that records each back-off instead of sleeping through it."""

    def __init__(self) -> None:
        super().__init__()
        self.waits: list[float] = []

    def wait(self, timeout: float | None = None) -> bool:
        self.waits.append(timeout or 0.0)
        return self.is_set()


def _retry_delays(error: Exception, rounds: int = 12) -> list[float]:
    stopping = RecordedWaits()
    calls: list[int] = []

    def work() -> None:
        calls.append(1)
        if len(calls) >= rounds:
            stopping.set()
            return
        raise error

    run_supervised(
        Heartbeat("sealer", stall_seconds=30), work, pause=lambda: None, stopping=stopping
    )
    return stopping.waits


def test_a_task_waiting_for_the_store_retries_every_2_s_at_most_so_readiness_follows_it_back() -> (
    None
):
    # Twelve failures would back off to 15 s; with the store down, a retry is a refused
    # connection, and a sealer asleep for 15 s would keep /readyz failing after the store is back.
    waits = _retry_delays(StoreUnavailableError("connection refused"))
    assert len(waits) == 11
    assert max(waits) <= STORE_RETRY_SECONDS
    assert max(waits[5:]) > STORE_RETRY_SECONDS / 2  # still grows to the cap, with jitter


def test_other_failures_back_off_further() -> None:
    waits = _retry_delays(ValueError("a bug in the round"))
    assert max(waits) > STORE_RETRY_SECONDS
    assert max(waits) <= MAX_BACKOFF_SECONDS


def test_the_heartbeat_names_a_stalled_or_stopped_task() -> None:
    heartbeat = Heartbeat("sealer", stall_seconds=0.05)
    heartbeat.failed(ConnectionError("refused"))
    time.sleep(0.1)
    problem = heartbeat.problem()
    assert problem is not None
    assert "has not completed a round" in problem
    assert "refused" in problem
    heartbeat.succeeded()
    assert heartbeat.problem() is None
    heartbeat.thread = threading.Thread(target=lambda: None)
    heartbeat.thread.start()
    heartbeat.thread.join()
    assert heartbeat.problem() == "the sealer has stopped"


def _fail() -> None:
    raise ValueError("disk I/O error")


def test_json_logs_carry_the_exception_type_message_and_stack(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stream = io.StringIO()
    monkeypatch.setattr(sys, "stderr", stream)
    try:
        configure_logging("info", "json")
        log = structlog.get_logger("test")
        try:
            _fail()
        except ValueError:
            log.exception("unhandled error")
    finally:
        structlog.reset_defaults()
    line = json.loads(stream.getvalue().strip().splitlines()[-1])
    [exception] = line["exception"]
    assert exception["exc_type"] == "ValueError"
    assert exception["exc_value"] == "disk I/O error"
    assert exception["frames"]
