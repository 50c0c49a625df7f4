"""PostgreSQL crashes and restarts (and has its sessions killed) under a steady HTTP load on
`serve --workers 2`.

Afterwards every write the server acknowledged is in the store at the version it acknowledged,
nothing is doubled (one case per Idempotency-Key, one event per correlation id), the API answers
2xx again within 5 s of each restart, and no answer is a 500: while the store is down the only
allowed failure is a 503 problem with Retry-After.

And `projections run` keeps running across restarts (it does not exit) and catches up after each.
"""

from __future__ import annotations

import random
import time
from pathlib import Path
from typing import Any, Literal

import pytest

from tests.faults.audit import (
    answer_problems,
    audit_writes,
    caught_up_to,
    fail_on,
    followed_names,
    load_figures,
    positions,
    recovery,
    slow_recoveries,
    write_problems,
)
from tests.faults.common import long_or_quick, prepare_ledger
from tests.faults.http_load import STARTUP_SECONDS
from tests.faults.load import Load, probe_recovery
from tests.faults.pg_server import PostgresServer
from tests.faults.processes import (
    LedgerProcess,
    projections_process,
    running,
    serve_process,
    wait_healthy,
    wait_until,
)
from tests.faults.writer import LedgerWriter

pytestmark = [pytest.mark.faults, pytest.mark.postgres]

RESTARTS = long_or_quick(10, 3)
TERMINATIONS = long_or_quick(6, 2)
PAUSE_BETWEEN = long_or_quick((3.0, 8.0), (1.5, 3.0))  # seconds of load between two faults
RECOVERY_SECONDS = 5.0
WARM_UP_WRITES = 10


def test_acknowledged_writes_survive_restarts_and_terminated_sessions(
    pg_server: PostgresServer, tmp_path: Path, figures: dict[str, Any]
) -> None:
    url = pg_server.create_database("ledger")
    token = prepare_ledger(url)
    serve, base = serve_process(url, tmp_path, workers=2, threads=2)
    chooser = random.Random(2026)  # noqa: S311 - when to strike, not a secret
    recoveries: list[dict[str, Any]] = []
    load = Load(base, token, writers=3, readers=3, max_seconds=long_or_quick(900, 240))
    with running(serve):
        wait_healthy(base, serve)
        with load:
            warmed = wait_until(lambda: load.acked_count() >= WARM_UP_WRITES, timeout=30)
            assert warmed is not None, f"no steady load: {load.statuses()}\n{serve.tail()}"
            for number in range(RESTARTS + TERMINATIONS):
                time.sleep(chooser.uniform(*PAUSE_BETWEEN))
                if number < RESTARTS:
                    pg_server.stop("immediate")
                    time.sleep(chooser.uniform(0.0, 1.0))
                    back = pg_server.start()
                    fault = "restart (immediate)"
                else:
                    back = time.monotonic()
                    fault = f"pg_terminate_backend ({pg_server.terminate_backends('ledger')})"
                seconds, _ = probe_recovery(base, token, back)
                recoveries.append(recovery(fault, seconds))
            time.sleep(2.0)  # the load goes on a while after the last fault
        server_alive = serve.running()
    audit = audit_writes(url, load)
    figures.update(audit.figures())
    figures.update(load_figures(load, recoveries))
    figures["server_errors_in_log"] = serve.error_lines(12)

    problems = [f"load threads crashed: {load.crashes}"] if load.crashes else []
    if not server_alive:
        problems.append("serve exited during the test")
    problems += write_problems(audit, minimum=WARM_UP_WRITES)
    problems += answer_problems(load.snapshot())
    problems += slow_recoveries(recoveries, RECOVERY_SECONDS)
    fail_on(problems, "serve's warnings and errors:", *serve.error_lines(), serve.tail(15))


PROJECTION_RESTARTS = long_or_quick(6, 2)
CATCH_UP_SECONDS = 30.0


def test_the_projection_worker_rides_out_restarts_and_catches_up(
    pg_server: PostgresServer, tmp_path: Path, figures: dict[str, Any]
) -> None:
    url = pg_server.create_database("ledger")
    prepare_ledger(url)  # the tables, and two organisations
    chooser = random.Random(4)  # noqa: S311 - when to strike, not a secret
    worker = projections_process(url, tmp_path)
    names = followed_names()
    rounds: list[dict[str, Any]] = []
    problems: list[str] = []
    with LedgerWriter(url) as writer, running(worker):
        head, _ = positions(url)
        first = wait_until(lambda: caught_up_to(url, max(head, 1), names), STARTUP_SECONDS)
        assert first is not None, f"the worker never caught up:\n{worker.tail()}"
        for number in range(PROJECTION_RESTARTS):
            time.sleep(chooser.uniform(1.0, 2.0))
            mode: Literal["immediate", "fast"] = "immediate" if number % 2 == 0 else "fast"
            down = chooser.uniform(0.0, 1.0) if number % 2 == 0 else 5.0
            pg_server.restart(mode, down_seconds=down)
            alive_after_restart = worker.running()
            saved = writer.saved
            resumed = wait_until(lambda: writer.saved > saved, CATCH_UP_SECONDS)  # noqa: B023
            head, _ = positions(url)
            caught_up = _catch_up(url, head, names, worker)
            rounds.append(
                {
                    "restart": f"{mode}, down {down:.1f} s",
                    "worker_alive": alive_after_restart and worker.running(),
                    "seconds_until_writes_resumed": _rounded(resumed),
                    "seconds_to_catch_up": _rounded(caught_up),
                }
            )
        writer.stop()
        head, found = positions(url)
        final = _catch_up(url, head, names, worker)
        alive_at_end = worker.running()
        code = worker.stop()
    output = worker.output()
    figures.update(
        {
            "restarts": rounds,
            "restarts_survived": sum(1 for r in rounds if r["worker_alive"]),
            "events": head,
            "positions_at_end": positions(url)[1],
            "python_writer_errors": len(writer.errors),
            "worker_exit_code": code,
        }
    )
    for r in rounds:
        if not r["worker_alive"]:
            problems.append(f"projections run exited across a restart ({r['restart']})")
        if r["seconds_to_catch_up"] is None:
            problems.append(f"not caught up within {CATCH_UP_SECONDS} s of: {r['restart']}")
        if r["seconds_until_writes_resumed"] is None:
            problems.append(f"the Python API writer did not resume after: {r['restart']}")
    if final is None:
        problems.append(f"not caught up with the last event ({head}) at the end: {found}")
    if not alive_at_end or code != 0 or "stopped cleanly" not in output:
        problems.append(f"projections run did not run until SIGTERM and stop cleanly (exit {code})")
    fail_on(
        problems,
        f"Python API writer errors: {writer.errors[:3]}",
        "worker's warnings and errors:",
        *worker.error_lines(),
        worker.tail(20),
    )


def _catch_up(url: str, head: int, names: list[str], worker: LedgerProcess) -> float | None:
    """Seconds until the worker had everything up to `head`; None if it did not in time, or if
    it is not running (a dead worker catches nothing up: no point waiting)."""
    seconds = wait_until(
        lambda: caught_up_to(url, head, names) or not worker.running(), CATCH_UP_SECONDS
    )
    return seconds if worker.running() else None


def _rounded(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds, 2)
