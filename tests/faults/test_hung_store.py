"""A store that stops answering without going away (its processes frozen with SIGSTOP: no
refusal, no reset, just silence), and then SIGTERM to `serve`.

Requests in flight hang on the store; SIGTERM must still end the server within a bounded time
(`COMPLAINTS_LEDGER_API_SHUTDOWN_SECONDS` for requests to finish, then as long again for the
process to end without the threads still blocked), with 1 and with 2 workers, and each request
it cut short gets a 503 problem (never a 500, never a dropped connection).
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.faults.common import child_env, prepare_ledger
from tests.faults.pg_server import PostgresServer
from tests.faults.processes import (
    LedgerProcess,
    running,
    serve_process,
    wait_healthy,
    wait_until,
)

pytestmark = [pytest.mark.faults, pytest.mark.postgres]

SHUTDOWN_SECONDS = 2
STOP_WITHIN_SECONDS = 2 * SHUTDOWN_SECONDS + 8  # two grace periods, and the process teardown
HANGING_REQUESTS = 6
STARTED = "Application startup complete"  # uvicorn's line, once per worker


@pytest.mark.parametrize("workers", [1, 2])
def test_sigterm_ends_serve_while_requests_hang_on_a_frozen_store(
    pg_server: PostgresServer, tmp_path: Path, figures: dict[str, Any], workers: int
) -> None:
    url = pg_server.create_database("ledger")
    token = prepare_ledger(url)
    serve, base = serve_process(url, tmp_path, workers=workers)
    serve.env = child_env(tmp_path, COMPLAINTS_LEDGER_API_SHUTDOWN_SECONDS=str(SHUTDOWN_SECONDS))
    with running(serve):
        wait_healthy(base, serve)
        # Every worker started (not only the one that answered): the requests must hang in
        # handlers, not in a worker's start-up.
        started = wait_until(lambda: serve.text().count(STARTED) >= workers, 60)
        assert started is not None, f"not every worker started:\n{serve.tail()}"
        with _frozen(pg_server):
            answers, clients = _send_hanging_requests(base, token)
            time.sleep(2.0)  # the requests are now blocked on the silent store
            stopped_in = _terminate(serve, STOP_WITHIN_SECONDS)
            for client in clients:
                client.join(timeout=5)
        figures.update(
            {"workers": workers, "seconds_to_stop": stopped_in, "answers_before_stop": answers}
        )
    cut_short = [answer for answer in answers if answer != "503"]
    assert not cut_short, f"requests cut short by the shutdown were not 503 problems: {answers}"
    assert stopped_in is not None, (
        f"serve still ran {STOP_WITHIN_SECONDS} s after SIGTERM with requests hung on the store:"
        f"\n{serve.tail()}"
    )


def _send_hanging_requests(base: str, token: str) -> tuple[list[str], list[threading.Thread]]:
    answers: list[str] = []

    def ask() -> None:
        try:
            response = httpx.get(
                f"{base}/complaints", headers={"Authorization": f"Bearer {token}"}, timeout=60
            )
            answers.append(str(response.status_code))
        except httpx.HTTPError as error:
            answers.append(type(error).__name__)

    threads = [threading.Thread(target=ask, daemon=True) for _ in range(HANGING_REQUESTS)]
    for thread in threads:
        thread.start()
    return answers, threads


def _terminate(serve: LedgerProcess, within: float) -> float | None:
    """SIGTERM; seconds until the whole server (its workers too) had gone, or None."""
    assert serve.process is not None
    sent = time.monotonic()
    serve.process.send_signal(signal.SIGTERM)
    while time.monotonic() - sent < within:
        if serve.process.poll() is not None and not _group_alive(serve.pid):
            return round(time.monotonic() - sent, 2)
        time.sleep(0.1)
    return None


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


@contextmanager
def _frozen(server: PostgresServer) -> Iterator[None]:
    """Every process of the server stopped (SIGSTOP) for the block; always continued after."""
    pids = _server_processes(server)
    for pid in pids:
        os.kill(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        for pid in pids:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGCONT)


def _server_processes(server: PostgresServer) -> list[int]:
    postmaster = int((server.data_dir / "postmaster.pid").read_text().split()[0])
    children = Path(f"/proc/{postmaster}/task/{postmaster}/children").read_text().split()
    return [postmaster, *(int(pid) for pid in children)]
