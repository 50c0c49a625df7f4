"""The ledger's own processes (serve, projections run, the CLI): started, watched and always stopped
(SIGTERM, then SIGKILL of their own process group), every wait bounded."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path

import httpx

from tests.faults.common import child_env
from tests.faults.http_load import EXECUTABLE as CLI
from tests.faults.http_load import STARTUP_SECONDS, STOP_SECONDS
from tests.local_servers import free_port

# --------------------------------------------------------------------------- processes


ERROR_MARKERS = (
    '"level": "error"',
    '"level": "warning"',
    '"level": "critical"',
    "Traceback",
    "ERROR",
    "WARNING",
    "error:",
    "Exception",
)


class LedgerProcess:
    """One `complaints-ledger ...` process, its output in a log file; in its own session so the
    whole group (uvicorn's workers too) can be stopped by its id."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], log: Path) -> None:
        self.name, self.args, self.env, self.log = name, args, env, log
        self.process: subprocess.Popen[bytes] | None = None
        self.started_at = 0.0
        self._log_offset = 0

    def start(self) -> LedgerProcess:
        with self.log.open("ab") as out:
            self._log_offset = out.tell()
            out.write(f"\n==== {datetime.now(UTC).isoformat()} start {self.args}\n".encode())
            out.flush()
            self.process = subprocess.Popen(  # noqa: S603 - our own console script
                [str(CLI), *self.args],
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.started_at = time.monotonic()
        return self

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def poll(self) -> int | None:
        assert self.process is not None
        return self.process.poll()

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> int:
        """SIGKILL the process group at once (a crash); returns the exit code."""
        assert self.process is not None
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        return self.process.wait(timeout=STOP_SECONDS)

    def stop(self, timeout: float = STOP_SECONDS) -> int | None:
        """SIGTERM, wait up to `timeout`, then SIGKILL the group; returns the exit code (None
        if never started). A second call only collects the code."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            with suppress(ProcessLookupError):
                self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                with suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=STOP_SECONDS)
        with suppress(ProcessLookupError):  # leftover workers of a supervisor that died
            os.killpg(self.process.pid, signal.SIGKILL)
        return self.process.returncode

    def text(self) -> str:
        try:
            return self.log.read_text(errors="replace")
        except OSError:
            return ""

    def output(self) -> str:
        """What this run (since its last start) wrote to the log."""
        try:
            with self.log.open("rb") as log:
                log.seek(self._log_offset)
                return log.read().decode(errors="replace")
        except OSError:
            return ""

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.text().splitlines()[-lines:])

    def error_lines(self, limit: int = 25) -> list[str]:
        """Distinct warning/error lines of the log (timestamps and request ids stripped)."""
        seen: dict[str, None] = {}
        for line in self.text().splitlines():
            if any(marker in line for marker in ERROR_MARKERS):
                seen.setdefault(_without_noise(line)[:400], None)
        return list(seen)[:limit]


NUMBERS = re.compile(r"\d+(\.\d+)?")


def _without_noise(line: str) -> str:
    """One line of the log with what differs between repeats (times, ids, numbers) taken out."""
    try:
        record = json.loads(line)
    except ValueError:
        return NUMBERS.sub("N", line)
    if not isinstance(record, dict):
        return NUMBERS.sub("N", line)
    for key in ("timestamp", "request_id", "case_id", "principal", "organisation", "path"):
        record.pop(key, None)
    return NUMBERS.sub("N", json.dumps(record, sort_keys=True))


def serve_process(
    url: str, tmp_path: Path, *, workers: int = 2, threads: int = 2, name: str = "serve"
) -> tuple[LedgerProcess, str]:
    """`serve --workers N --threads M` (not started); returns it and its base URL."""
    port = free_port()
    args = ["serve", "--port", str(port), "--workers", str(workers), "--threads", str(threads)]
    args += ["--store", url]
    process = LedgerProcess(name, args, child_env(tmp_path), tmp_path / f"{name}.log")
    return process, f"http://127.0.0.1:{port}"


def projections_process(
    url: str, tmp_path: Path, *extra: str, name: str = "projections"
) -> LedgerProcess:
    """`--store URL projections run [extra]` (not started)."""
    args = ["--store", url, "projections", "run", "--poll-seconds", "0.2", *extra]
    return LedgerProcess(name, args, child_env(tmp_path), tmp_path / f"{name}.log")


def run_cli(url: str, tmp_path: Path, *args: str, timeout: float = 180) -> tuple[int, str]:
    """`complaints-ledger --store URL ARGS` to completion; returns (exit code, output)."""
    result = subprocess.run(  # noqa: S603 - our own console script
        [str(CLI), "--store", url, *args],
        env=child_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return result.returncode, result.stdout + result.stderr


@contextmanager
def running(*processes: LedgerProcess) -> Iterator[None]:
    """Start each (if not yet started); stop every one whatever happens."""
    try:
        for process in processes:
            if process.process is None:
                process.start()
        yield
    finally:
        for process in processes:
            process.stop()


def wait_healthy(base: str, process: LedgerProcess, timeout: float = STARTUP_SECONDS) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not process.running():
            msg = f"{process.name} exited ({process.poll()}):\n{process.tail()}"
            raise AssertionError(msg)
        with suppress(httpx.HTTPError):
            if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                return
        time.sleep(0.2)
    msg = f"{process.name} was not ready in {timeout} s:\n{process.tail()}"
    raise AssertionError(msg)


def wait_until(condition: Callable[[], bool], timeout: float, step: float = 0.1) -> float | None:
    """Seconds until `condition()` held, or None if it did not within `timeout`."""
    started = time.monotonic()
    while True:
        if condition():
            return time.monotonic() - started
        if time.monotonic() - started >= timeout:
            return None
        time.sleep(step)
