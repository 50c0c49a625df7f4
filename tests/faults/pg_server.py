"""A throwaway PostgreSQL server that a test may stop, crash, restart and cut off at will.

It lives in a temporary folder, listens on a free loopback port (below the ephemeral range, so
no client's outgoing connection takes the port while the server is down), trusts every local
connection and has the superuser ``root``. When the tests run as root, initdb, pg_ctl and the
server run as the ``postgres`` OS user (initdb refuses root), exactly as tests/conftest.py's
``_ThrowawayServer`` does. The shared server on 127.0.0.1:5432 is never touched.

Unlike that session server this one keeps ``synchronous_commit`` on: with it off, a commit is
acknowledged before its WAL reaches the kernel, and ``pg_ctl -m immediate stop`` would lose
acknowledged writes through no fault of the ledger. ``fsync`` stays off: a killed server loses
nothing the kernel already holds, and only the server is crashed here, never the machine.
"""

from __future__ import annotations

import os
import pwd
import random
import shlex
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import psycopg
from psycopg import sql

from tests.local_servers import POSTGRES_BIN_ROOT, postgres_bin_dir

PREFERRED_BIN_DIR = POSTGRES_BIN_ROOT / "15" / "bin"  # the shared server's version
SHARED_PORT = 5432  # the shared server: never ours to stop
PG_CTL_TIMEOUT_SECONDS = 60
CONNECT_TIMEOUT_SECONDS = 3
PORT_RANGE = (20000, 32000)  # below /proc/sys/net/ipv4/ip_local_port_range (32768-60999)

StopMode = Literal["immediate", "fast", "smart"]


class PostgresUnavailableError(RuntimeError):
    """No local PostgreSQL binaries, or no user to run them as."""


def free_loopback_port() -> int:
    """A free 127.0.0.1 port outside the ephemeral range (and never 5432)."""
    candidates = list(range(*PORT_RANGE))
    random.shuffle(candidates)
    for port in candidates[:200]:
        if port == SHARED_PORT:
            continue
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    msg = f"no free loopback port in {PORT_RANGE}"
    raise PostgresUnavailableError(msg)


@dataclass
class PostgresServer:
    """One PostgreSQL cluster in ``base``; see the module docstring."""

    bin_dir: Path
    base: Path
    port: int
    run_as: str | None
    events: list[tuple[float, str]] = field(default_factory=list)  # (monotonic, what) log

    # ---- creating and removing ---------------------------------------------------------

    @classmethod
    def create(cls) -> PostgresServer:
        """initdb in a fresh temporary folder (not started yet)."""
        bin_dir = postgres_bin_dir(PREFERRED_BIN_DIR)
        if bin_dir is None:
            msg = f"no initdb/pg_ctl under {POSTGRES_BIN_ROOT}/*/bin"
            raise PostgresUnavailableError(msg)
        run_as: str | None = None
        base = Path(tempfile.mkdtemp(prefix="cl-faults-pg-"))
        if os.geteuid() == 0:
            try:
                owner = pwd.getpwnam("postgres")
            except KeyError:
                shutil.rmtree(base, ignore_errors=True)
                msg = "running as root and there is no 'postgres' user to run initdb as"
                raise PostgresUnavailableError(msg) from None
            os.chown(base, owner.pw_uid, owner.pw_gid)
            run_as = "postgres"
        server = cls(bin_dir=bin_dir, base=base, port=free_loopback_port(), run_as=run_as)
        try:
            server._run(
                "initdb",
                "-D",
                str(server.data_dir),
                "-A",
                "trust",
                "-U",
                "root",
                "-E",
                "UTF8",
                "--no-locale",
                "--no-sync",
            )
        except BaseException:
            shutil.rmtree(base, ignore_errors=True)
            raise
        return server

    def destroy(self, keep_log: Path | None = None) -> None:
        """Stop (immediately) whatever runs, copy the server log to ``keep_log``, remove all."""
        with suppress(subprocess.SubprocessError, OSError):
            if self.is_running():
                self.stop("immediate")
        self._kill_leftover_postmaster()
        if keep_log is not None:
            with suppress(OSError):
                shutil.copyfile(self.log_file, keep_log)
        shutil.rmtree(self.base, ignore_errors=True)

    # ---- paths and URLs ----------------------------------------------------------------

    @property
    def data_dir(self) -> Path:
        return self.base / "data"

    @property
    def log_file(self) -> Path:
        return self.base / "server.log"

    def url_for(self, dbname: str = "postgres") -> str:
        return f"postgresql://root@127.0.0.1:{self.port}/{dbname}"

    # ---- running -----------------------------------------------------------------------

    def start(self, timeout: float = PG_CTL_TIMEOUT_SECONDS) -> float:
        """Start and wait until it accepts connections; returns the monotonic time it did."""
        assert self.port != SHARED_PORT
        options = (
            f"-k {shlex.quote(str(self.base))} -p {self.port} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c full_page_writes=off -c synchronous_commit=on "
            "-c max_connections=200 -c shared_buffers=64MB"
        )
        self._run(
            "pg_ctl",
            "-D",
            str(self.data_dir),
            "-l",
            str(self.log_file),
            "-o",
            options,
            "-w",
            "-t",
            str(int(timeout)),
            "start",
            timeout=timeout + 10,
        )
        self.wait_ready(timeout)
        up = time.monotonic()
        self.events.append((up, "started"))
        return up

    def stop(self, mode: StopMode = "immediate", timeout: float = PG_CTL_TIMEOUT_SECONDS) -> float:
        """``pg_ctl -m MODE stop``, waiting until it is down; returns the monotonic time then."""
        assert self.port != SHARED_PORT
        self._run(
            "pg_ctl",
            "-D",
            str(self.data_dir),
            "-m",
            mode,
            "-w",
            "-t",
            str(int(timeout)),
            "stop",
            timeout=timeout + 10,
        )
        down = time.monotonic()
        self.events.append((down, f"stopped ({mode})"))
        return down

    def restart(self, mode: StopMode = "immediate", down_seconds: float = 0.0) -> float:
        """Stop, stay down ``down_seconds``, start; returns the monotonic time it was back."""
        self.stop(mode)
        if down_seconds > 0:
            time.sleep(down_seconds)
        return self.start()

    def is_running(self) -> bool:
        result = self._run("pg_ctl", "-D", str(self.data_dir), "status", check=False)
        return result.returncode == 0

    def wait_ready(self, timeout: float = PG_CTL_TIMEOUT_SECONDS) -> None:
        deadline = time.monotonic() + timeout
        last: Exception | None = None
        while time.monotonic() < deadline:
            try:
                with psycopg.connect(
                    self.url_for(), connect_timeout=CONNECT_TIMEOUT_SECONDS, autocommit=True
                ) as conn:
                    conn.execute("SELECT 1")
            except psycopg.Error as error:
                last = error
                time.sleep(0.1)
                continue
            return
        msg = f"PostgreSQL on port {self.port} did not answer in {timeout} s: {last}"
        raise TimeoutError(msg + "\n" + self.log_tail())

    # ---- databases and sessions ---------------------------------------------------------

    def _admin(self) -> psycopg.Connection[tuple[object, ...]]:
        return psycopg.connect(
            self.url_for(), autocommit=True, connect_timeout=CONNECT_TIMEOUT_SECONDS
        )

    def create_database(self, name: str) -> str:
        """CREATE DATABASE; returns its URL."""
        with self._admin() as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.url_for(name)

    def terminate_backends(self, dbname: str) -> int:
        """pg_terminate_backend every other session of ``dbname`` (through a fresh connection
        to the ``postgres`` database); returns how many were terminated."""
        with self._admin() as conn:
            rows = conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                (dbname,),
            ).fetchall()
        self.events.append((time.monotonic(), f"terminated {len(rows)} backends of {dbname}"))
        return sum(1 for (done,) in rows if done)

    def sessions(self, dbname: str) -> int:
        with self._admin() as conn:
            row = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", (dbname,)
            ).fetchone()
        return int(row[0]) if row else 0

    # ---- diagnostics -------------------------------------------------------------------

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_file.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    # ---- internals ---------------------------------------------------------------------

    def _run(
        self, program: str, *args: str, timeout: float = PG_CTL_TIMEOUT_SECONDS, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        command = [str(self.bin_dir / program), *args]
        if self.run_as is not None:
            runuser = shutil.which("runuser")
            if runuser is not None:
                command = [runuser, "-u", self.run_as, "--", *command]
            else:
                su = shutil.which("su") or "/bin/su"
                command = [su, self.run_as, "-s", "/bin/sh", "-c", shlex.join(command)]
        try:
            return subprocess.run(  # noqa: S603 - fixed binaries, arguments built here
                command, check=check, capture_output=True, text=True, timeout=timeout
            )
        except subprocess.CalledProcessError as error:
            msg = (
                f"{program} {' '.join(args)} failed ({error.returncode}): "
                f"{error.stdout}{error.stderr}\n{self.log_tail()}"
            )
            raise RuntimeError(msg) from None

    def _kill_leftover_postmaster(self) -> None:
        """If pg_ctl could not stop it, SIGKILL this cluster's own postmaster (by its pid)."""
        pid_file = self.data_dir / "postmaster.pid"
        try:
            pid = int(pid_file.read_text().splitlines()[0])
        except (OSError, ValueError, IndexError):
            return
        try:
            command_line = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
        except OSError:
            return
        if "postgres" not in command_line or str(self.data_dir) not in command_line:
            return  # a stale pid file: that pid is someone else's process now
        with suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)
