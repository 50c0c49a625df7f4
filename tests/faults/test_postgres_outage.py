"""The store unreachable for a while (the server stopped, then started again) under a steady
HTTP load on `serve` (one worker, so its sealer runs in the same process).

While it is down, every answer is a 503 problem with Retry-After, never a 500, and comes within
seconds (a client timeout of 6 s counts as a failure); GET /readyz is a 503 problem within 2 s
naming the failing part in `field`; GET /healthz stays 200. Once it is back everything answers
2xx again within 5 s, and the sealer catches up: the latest signed checkpoint covers every event
within 20 s.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from tests.faults.audit import (
    OpsProbe,
    answer_problems,
    audit_writes,
    event_count,
    fail_on,
    latest_checkpoint_size,
    load_figures,
    recovery,
    slow_recoveries,
    write_problems,
)
from tests.faults.common import long_or_quick, prepare_ledger
from tests.faults.load import Load, Observation, is_store_problem, probe_recovery, summarise_bad
from tests.faults.pg_server import PostgresServer
from tests.faults.processes import running, serve_process, wait_healthy, wait_until

pytestmark = [pytest.mark.faults, pytest.mark.postgres]

OUTAGE_SECONDS = long_or_quick(60.0, 20.0)
RECOVERY_SECONDS = 5.0
READYZ_SECONDS = 2.0
SEALER_CATCH_UP_SECONDS = 20.0
WARM_UP_WRITES = 10
AFTER_SECONDS = 3.0


def test_an_unreachable_store_is_a_prompt_503_and_everything_resumes(
    pg_server: PostgresServer, tmp_path: Path, figures: dict[str, Any]
) -> None:
    url = pg_server.create_database("ledger")
    token = prepare_ledger(url)
    serve, base = serve_process(url, tmp_path, workers=1, threads=4)
    load = Load(base, token, writers=2, readers=3, timeout=6.0, max_seconds=OUTAGE_SECONDS + 120)
    with running(serve):
        wait_healthy(base, serve)
        with OpsProbe(base) as ops, load:
            warmed = wait_until(lambda: load.acked_count() >= WARM_UP_WRITES, timeout=30)
            assert warmed is not None, f"no steady load: {load.statuses()}\n{serve.tail()}"
            down = pg_server.stop("fast")
            time.sleep(OUTAGE_SECONDS)
            # The store is surely down until `pg_server.start()` begins: pg_ctl returns once it
            # accepts connections, so an answer just before `up` may rightly come from the store.
            restarting = time.monotonic()
            up = pg_server.start()
            seconds, _ = probe_recovery(base, token, up)
            ready = wait_until(lambda: _ready(ops, up), timeout=30)
            time.sleep(AFTER_SECONDS)
        events = event_count(url)  # the load has stopped: nothing more is written
        sealed = wait_until(
            lambda: (latest_checkpoint_size(base) or 0) >= events, SEALER_CATCH_UP_SECONDS, 0.25
        )
        checkpoint = latest_checkpoint_size(base)
        server_alive = serve.running()
    audit = audit_writes(url, load)

    observations = load.snapshot()
    during = [o for o in observations if down <= o.sent < restarting]
    ops_seen = ops.snapshot()
    readyz_down = [o for o in ops_seen if o.kind == "readyz" and down <= o.sent < restarting]
    healthz = [o for o in ops_seen if o.kind == "healthz"]
    recoveries = [recovery(f"store down {OUTAGE_SECONDS:.0f} s", seconds)]
    figures.update(audit.figures())
    figures.update(load_figures(load, recoveries))
    figures.update(
        {
            "outage_seconds": round(up - down, 1),
            "requests_during_outage": len(during),
            "statuses_during_outage": _statuses(during),
            "slowest_answer_during_outage": round(max((o.seconds for o in during), default=0), 2),
            "readyz_during_outage": _statuses(readyz_down),
            "readyz_fields": sorted({str((o.problem or {}).get("field")) for o in readyz_down}),
            "slowest_readyz_during_outage": round(
                max((o.seconds for o in readyz_down), default=0), 2
            ),
            "healthz": _statuses(healthz),
            "seconds_to_ready_after_restart": None if ready is None else round(ready, 2),
            "events": events,
            "checkpoint_tree_size": checkpoint,
            "seconds_for_sealer_to_catch_up": None if sealed is None else round(sealed, 2),
            "server_errors_in_log": serve.error_lines(12),
        }
    )

    problems = [f"load threads crashed: {load.crashes}"] if load.crashes else []
    if not server_alive:
        problems.append("serve exited during the test")
    if len(during) < 10:
        problems.append(f"only {len(during)} requests were sent while the store was down")
    not_503 = [o for o in during if not o.ok and not is_store_problem(o)]
    if not_503:
        problems.append(
            f"{len(not_503)} answers during the outage were not a 503 problem with Retry-After "
            "in time:\n" + summarise_bad(not_503)
        )
    problems += answer_problems(observations)
    problems += _readyz_problems(readyz_down)
    unhealthy = [o for o in healthz if o.status != 200]
    if unhealthy:
        problems.append(f"/healthz was not 200 {len(unhealthy)} times:\n{summarise_bad(unhealthy)}")
    if ready is None:
        problems.append("/readyz did not answer 200 within 30 s of the store's return")
    problems += slow_recoveries(recoveries, RECOVERY_SECONDS)
    problems += write_problems(audit, minimum=WARM_UP_WRITES)
    if sealed is None:
        problems.append(
            f"the sealer did not catch up within {SEALER_CATCH_UP_SECONDS} s: latest checkpoint "
            f"tree_size {checkpoint}, {events} events in the store"
        )
    fail_on(problems, "serve's warnings and errors:", *serve.error_lines(), serve.tail(15))


def _ready(ops: OpsProbe, since: float) -> bool:
    return any(o.kind == "readyz" and o.sent >= since and o.status == 200 for o in ops.snapshot())


def _statuses(observations: list[Observation]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for o in observations:
        name = str(o.status) if o.status is not None else o.error
        counts[name] = counts.get(name, 0) + 1
    return counts


def _readyz_problems(readyz: list[Observation]) -> list[str]:
    if len(readyz) < 5:
        return [f"/readyz was asked only {len(readyz)} times while the store was down"]
    wrong = [
        o
        for o in readyz
        if not (
            o.status == 503
            and o.seconds <= READYZ_SECONDS
            and o.content_type.startswith("application/problem+json")
            and isinstance((o.problem or {}).get("field"), str)
            and (o.problem or {}).get("field")
        )
    ]
    if not wrong:
        return []
    return [
        f"{len(wrong)} of {len(readyz)} /readyz answers during the outage were not a 503 "
        f"problem naming the failing part in `field` within {READYZ_SECONDS} s:\n"
        + summarise_bad(wrong)
    ]
