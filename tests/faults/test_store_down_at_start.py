"""The API started while its store is down, and an API worker that dies during an outage.

`serve` starts anyway: it answers 503 problems (readiness too, naming the store) and, once the
store answers, 2xx within 5 s, with no restart; after an outage longer than the sealer's 30 s
stall threshold too, when its retries would have backed off furthest. Under `serve --workers 2`,
uvicorn replaces a worker that dies; the replacement starts although the store is down (one that
failed to start would stop the whole server), and the server serves again once the store is back.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.faults.common import prepare_ledger
from tests.faults.pg_server import PostgresServer
from tests.faults.processes import LedgerProcess, running, serve_process, wait_until

pytestmark = [pytest.mark.faults, pytest.mark.postgres]

RECOVERY_SECONDS = 5.0
STARTED_SECONDS = 60.0
LONG_OUTAGE_SECONDS = 40.0  # beyond the sealer's stall floor (api/sealing.py)
STARTED_WITHOUT_STORE = "store unavailable at start-up"  # logged by api/store_opening.py


@pytest.mark.parametrize(
    ("workers", "outage_seconds"), [(1, 0.0), (2, 0.0), (1, LONG_OUTAGE_SECONDS)]
)
def test_the_api_starts_without_its_store_and_serves_once_it_answers(
    pg_server: PostgresServer,
    tmp_path: Path,
    figures: dict[str, Any],
    workers: int,
    outage_seconds: float,
) -> None:
    url = pg_server.create_database("ledger")
    token = prepare_ledger(url)
    pg_server.stop("fast")
    stopped = time.monotonic()
    serve, base = serve_process(url, tmp_path, workers=workers)
    with running(serve):
        live = wait_until(lambda: _status(f"{base}/healthz") == 200, STARTED_SECONDS)
        assert live is not None, f"serve did not start without its store:\n{serve.tail()}"
        _assert_store_problem(httpx.get(f"{base}/readyz", timeout=5))
        _assert_store_problem(_list(base, token))

        time.sleep(max(0.0, stopped + outage_seconds - time.monotonic()))
        back = pg_server.start()
        recovered = wait_until(lambda: _list(base, token).status_code == 200, 30)
        seconds = None if recovered is None else round(time.monotonic() - back, 2)
        # Each worker probes for itself: the one that served first may not be the one asked.
        ready = wait_until(lambda: _every_worker_ready(base), 30)
        ready_seconds = None if ready is None else round(time.monotonic() - back, 2)
        figures.update(
            {
                "workers": workers,
                "outage_seconds": outage_seconds,
                "seconds_to_first_2xx": seconds,
                "seconds_to_ready": ready_seconds,
            }
        )
        last_readiness = httpx.get(f"{base}/readyz", timeout=5).text
        alive = serve.running()
    assert alive, f"serve exited:\n{serve.tail()}"
    assert seconds is not None, f"no 2xx within 30 s of the store's return:\n{serve.tail()}"
    assert seconds <= RECOVERY_SECONDS, f"2xx only {seconds} s after the store returned"
    assert ready_seconds is not None, f"never ready again: {last_readiness}\n{serve.tail()}"
    assert ready_seconds <= RECOVERY_SECONDS, (
        f"ready only {ready_seconds} s after: {last_readiness}"
    )


def test_a_worker_that_dies_during_an_outage_is_replaced_and_serves_again(
    pg_server: PostgresServer, tmp_path: Path, figures: dict[str, Any]
) -> None:
    url = pg_server.create_database("ledger")
    token = prepare_ledger(url)
    serve, base = serve_process(url, tmp_path, workers=2)
    with running(serve):
        up = wait_until(lambda: _status(f"{base}/readyz") == 200, STARTED_SECONDS)
        assert up is not None, f"serve never became ready:\n{serve.tail()}"
        before = _workers(serve)
        assert len(before) == 2, f"expected two worker processes, found {before}"
        pg_server.stop("immediate")
        os.kill(before[0], signal.SIGKILL)
        replaced = wait_until(lambda: _replaced(serve, before), 30)
        assert replaced is not None, f"the dead worker was not replaced:\n{serve.tail()}"
        # Wait for the replacement's start-up to meet the store that is down (or for the end).
        met = wait_until(lambda: not serve.running() or STARTED_WITHOUT_STORE in serve.text(), 60)
        still_serving = serve.running()
        back = pg_server.start()
        recovered = wait_until(lambda: _every_worker_answers(base, token), 30)
        seconds = None if recovered is None else round(time.monotonic() - back, 2)
        figures.update({"seconds_to_first_2xx_on_every_worker": seconds})
        alive = serve.running()
    assert met is not None, f"the replacement never started:\n{serve.tail()}"
    assert still_serving, f"serve exited during the outage:\n{serve.tail()}"
    assert alive, f"serve exited:\n{serve.tail()}"
    assert seconds is not None, f"not every worker answered 2xx again:\n{serve.tail()}"
    assert seconds <= RECOVERY_SECONDS, f"2xx only {seconds} s after the store returned"


def _workers(serve: LedgerProcess) -> list[int]:
    """The pids of uvicorn's worker processes (children started by multiprocessing's spawn)."""
    children = Path(f"/proc/{serve.pid}/task/{serve.pid}/children").read_text().split()
    return [
        int(pid) for pid in children if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()
    ]


def _replaced(serve: LedgerProcess, before: list[int]) -> bool:
    now = _workers(serve)
    return len(now) == 2 and before[0] not in now


def _every_worker_answers(base: str, token: str) -> bool:
    """Ten new connections in a row all answered 2xx (each may land on either worker)."""
    return all(_list(base, token).status_code == 200 for _ in range(10))


def _list(base: str, token: str) -> httpx.Response:
    try:
        return httpx.get(
            f"{base}/complaints", headers={"Authorization": f"Bearer {token}"}, timeout=5
        )
    except httpx.HTTPError:
        return httpx.Response(599)


def _status(url: str) -> int | None:
    try:
        return httpx.get(url, timeout=5).status_code
    except httpx.HTTPError:
        return None


def _assert_store_problem(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.headers.get("retry-after")
    assert response.json()["field"] == "store", response.text


def _every_worker_ready(base: str) -> bool:
    """Ten new connections in a row all found the server ready (each may land on either worker)."""
    return all(_status(f"{base}/readyz") == 200 for _ in range(10))
