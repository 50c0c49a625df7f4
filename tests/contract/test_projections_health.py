"""`projections run --health-file` and `projections health`: the projection worker's healthcheck
(compose uses it). A worker that completes rounds is healthy; one that stopped, or never
started, is not, and says why."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from typer.testing import CliRunner

from complaints_ledger.cli.main import app

CLI = Path(sys.executable).with_name("complaints-ledger")


def health(path: Path, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["projections", "health", "--health-file", str(path), *extra])
    return result.exit_code, result.output


def test_a_running_worker_is_healthy_and_a_stopped_one_is_not(
    sqlite_url: str, tmp_path: Path
) -> None:
    beat = tmp_path / "projections.health"
    worker = subprocess.Popen(  # noqa: S603 - our own CLI, fixed arguments
        [
            str(CLI),
            "--store",
            sqlite_url,
            "projections",
            "run",
            "--poll-seconds",
            "0.2",
            "--health-file",
            str(beat),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, "COMPLAINTS_LEDGER_LOG_LEVEL": "warning"},
    )
    try:
        deadline = time.monotonic() + 60
        while not beat.exists() and worker.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert beat.exists(), "the worker never completed a round"
        first = beat.stat().st_mtime
        time.sleep(1.0)
        assert beat.stat().st_mtime > first, "rounds go on while nothing is written"
        code, output = health(beat)
        assert code == 0, output
        assert "healthy" in output
    finally:
        worker.send_signal(signal.SIGTERM)
        output = worker.communicate(timeout=30)[0].decode()
    assert worker.returncode == 0, output

    time.sleep(1.5)
    code, output = health(beat, "--max-age-seconds", "1")
    assert code == 2
    assert "no good round for" in output


def test_a_worker_that_never_ran_is_unhealthy(tmp_path: Path) -> None:
    code, output = health(tmp_path / "missing.health")
    assert code == 2
    assert "missing" in output
    assert "Traceback" not in output
