"""What the tests that start servers of their own share: a free loopback port, the local
PostgreSQL binaries (tests/conftest.py's throwaway server, the fault suite's restartable one),
and `complaints-ledger serve` as a real process (the API's and the browser tests)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from complaints_ledger.integrity.keys import generate_key

POSTGRES_BIN_ROOT = Path("/usr/lib/postgresql")
STARTUP_SECONDS = 60


def free_port() -> int:
    """A loopback port nothing listens on now (the kernel's choice)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def postgres_bin_dir(preferred: Path | None = None) -> Path | None:
    """`preferred` if it holds initdb and pg_ctl, else the newest local PostgreSQL that does."""

    def usable(bin_dir: Path) -> bool:
        return (bin_dir / "initdb").is_file() and (bin_dir / "pg_ctl").is_file()

    def version(path: Path) -> tuple[int, ...]:
        return tuple(int(p) for p in path.parent.name.split(".") if p.isdigit())

    if preferred is not None and usable(preferred):
        return preferred
    for bin_dir in sorted(POSTGRES_BIN_ROOT.glob("*/bin"), key=version, reverse=True):
        if usable(bin_dir):
            return bin_dir
    return None


@contextmanager
def serving(
    url: str,
    folder: Path,
    *options: str,
    port: int | None = None,
    settings: Mapping[str, str] | None = None,
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`complaints-ledger serve` on `url` with a signing key in `folder` (where its log goes too),
    on `port` or a free loopback port, with `settings` added to its environment; yields (base
    URL, server), and stops it with Ctrl-C afterwards."""
    key = folder / "signing-key.pem"
    generate_key(key)
    port = port or free_port()
    env = {
        **os.environ,
        **(settings or {}),
        "COMPLAINTS_LEDGER_SIGNING_KEY_FILE": str(key),
        "COMPLAINTS_LEDGER_API_SEAL_SECONDS": "0.3",
        "COMPLAINTS_LEDGER_LOG_LEVEL": "warning",
    }
    executable = Path(sys.executable).parent / "complaints-ledger"
    command = [str(executable), "serve", "--port", str(port), *options, "--store", url]
    log = (folder / "server.log").open("wb")
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base, server, folder / "server.log")
        yield base, server
    finally:
        stop_server(server)
        log.close()


def stop_server(server: subprocess.Popen[bytes]) -> None:
    """Ctrl-C, as a person stops it; killed if it has not ended 30 s later."""
    server.send_signal(signal.SIGINT)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def wait_ready(base: str, server: subprocess.Popen[bytes], log: Path) -> None:
    """Until `base` answers /healthz; fails with the server's log if it exits or stays silent."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        assert server.poll() is None, log.read_text()
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    pytest.fail(f"the server did not answer in {STARTUP_SECONDS} s:\n{log.read_text()}")
