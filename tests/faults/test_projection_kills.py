"""The projection worker (`projections run`) SIGKILLed again and again at random moments while
writes go on (a demo load in another process and a writer through the Python API).

Each restarted worker carries on; at the end `projections run --once` catches up, every read
model table `rm_*` equals, row for row, what `projections rebuild --all` builds from scratch,
and `complaints-ledger verify` finds the integrity log the worker sealed exactly as a fresh
computation from the events says it should be.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.faults.audit import (
    caught_up_to,
    compare_tables,
    fail_on,
    followed_names,
    positions,
    read_model_tables,
)
from tests.faults.common import child_env, long_or_quick
from tests.faults.pg_server import PostgresServer
from tests.faults.processes import LedgerProcess, projections_process, run_cli, wait_until
from tests.faults.writer import LedgerWriter

pytestmark = [pytest.mark.faults, pytest.mark.postgres]

KILLS = long_or_quick(60, 20)
# Seconds from its start to the SIGKILL (it takes ~2-3 s to import and connect), and from the
# moment it says it is following to the SIGKILL.
FROM_START_SECONDS = long_or_quick((0.1, 5.0), (0.1, 3.0))
FROM_FOLLOWING_SECONDS = long_or_quick((0.0, 3.0), (0.0, 1.0))
DEMO_COMPLAINTS = long_or_quick(600, 150)
DEMO_SECONDS = 180


def test_a_projection_worker_killed_at_random_moments_converges_on_a_rebuild(
    pg_server: PostgresServer, tmp_path: Path, figures: dict[str, Any]
) -> None:
    url = pg_server.create_database("ledger")
    chooser = random.Random(20)  # noqa: S311 - when to strike, not a secret
    demo = LedgerProcess(
        "demo",
        ["--store", url, "demo", "--complaints", str(DEMO_COMPLAINTS), "--seed", "11"],
        child_env(tmp_path),
        tmp_path / "demo.log",
    )
    demo.start()
    try:
        started = wait_until(lambda: "Writing" in demo.text() or not demo.running(), 60)
        assert started is not None, demo.tail()
        assert "Writing" in demo.text(), demo.tail()
        with LedgerWriter(url) as writer:
            kills, exited_early = _kill_repeatedly(url, tmp_path, chooser)
            written = writer.saved
            writer_errors = list(writer.errors)
        demo_done = wait_until(lambda: not demo.running(), DEMO_SECONDS, 0.5)
    finally:
        demo_code = demo.stop()

    once_code, once_output = run_cli(url, tmp_path, "projections", "run", "--once")
    head, followed = positions(url)
    lagging = {name: followed.get(name) for name in followed_names() if followed.get(name) != head}
    before = read_model_tables(url)
    rebuild_code, rebuild_output = run_cli(url, tmp_path, "projections", "rebuild", "--all")
    after = read_model_tables(url)
    differences = compare_tables(before, after)
    verify_code, verify_output = run_cli(url, tmp_path, "verify")

    figures.update(
        {
            "kills": len(kills),
            "kills_survived": len(kills) if not exited_early and once_code == 0 else None,
            "workers_that_exited_by_themselves": len(exited_early),
            "events": head,
            "events_written_by_python_writer": written,
            "python_writer_errors": len(writer_errors),
            "demo_exit_code": demo_code,
            "read_model_tables": len(before),
            "read_model_rows": sum(len(rows) for rows in before.values()),
            "tables_differing_from_rebuild": len(differences),
            "lagging_after_run_once": lagging,
            "verify_exit_code": verify_code,
            "verify_output": verify_output.strip().splitlines()[-3:],
            "positions_at_last_kill": kills[-1]["positions"] if kills else None,
        }
    )

    problems = list(exited_early)
    if writer_errors:
        problems.append(
            f"the Python API writer failed {len(writer_errors)} times: {writer_errors[:3]}"
        )
    if demo_done is None or demo_code != 0:
        problems.append(f"the demo load did not finish cleanly ({demo_code}):\n{demo.tail(15)}")
    if once_code != 0:
        problems.append(f"projections run --once exited {once_code}:\n{once_output[-2000:]}")
    if lagging:
        problems.append(f"not caught up after run --once (head {head}): {lagging}")
    if rebuild_code != 0:
        problems.append(
            f"projections rebuild --all exited {rebuild_code}:\n{rebuild_output[-2000:]}"
        )
    if not before or not any(before.values()):
        problems.append(f"no read model rows to compare: {sorted(before)}")
    if differences:
        problems.append("read models differ from a rebuild:\n" + "\n".join(differences))
    if verify_code != 0:
        problems.append(f"verify exited {verify_code}:\n{verify_output[-3000:]}")
    fail_on(problems, "last worker's log:", _last_worker_log(tmp_path))
    assert caught_up_to(url, head, followed_names())


def _kill_repeatedly(
    url: str, tmp_path: Path, chooser: random.Random
) -> tuple[list[dict[str, Any]], list[str]]:
    """Start `projections run` and SIGKILL it, KILLS times: every other time at a random moment
    from its start (often while it is still starting up), else a random moment after it began
    following (mid-rebuild, mid-catch-up or mid-seal). Returns each kill's positions and what
    went wrong with workers that exited before their kill."""
    kills: list[dict[str, Any]] = []
    exited_early: list[str] = []
    for attempt in range(KILLS * 2):
        if len(kills) >= KILLS:
            break
        worker = projections_process(url, tmp_path, name="projections").start()
        try:
            if attempt % 2:
                wait_until(_following(worker), 30, 0.02)
                time.sleep(chooser.uniform(*FROM_FOLLOWING_SECONDS))
            else:
                time.sleep(chooser.uniform(*FROM_START_SECONDS))
            if worker.running():
                worker.kill()
                head, found = positions(url)
                kills.append({"kill": len(kills) + 1, "head": head, "positions": found})
                continue
            code = worker.stop()
            lines = [line for line in worker.output().splitlines() if line.strip()]
            exited_early.append(f"worker {attempt + 1} exited {code} by itself: {lines[-3:]}")
        finally:
            worker.stop()  # only collects the exit code of a worker already gone
    return kills, exited_early


def _following(worker: LedgerProcess) -> Callable[[], bool]:
    return lambda: "following" in worker.output() or not worker.running()


def _last_worker_log(tmp_path: Path) -> str:
    log = tmp_path / "projections.log"
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-30:])
    except OSError:
        return ""
