"""Helpers for the fault tests: a real `complaints-ledger serve` in a subprocess on loopback,
a store with organisations and tokens, cases loaded over HTTP, and the read-model tables.

Everything is bounded: the server is started in its own session and always stopped (SIGTERM,
wait, then SIGKILL of its process group); every client call has a timeout.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg

from complaints_ledger.access import TokenStore
from complaints_ledger.application.context import CommandContext
from complaints_ledger.application.ledger import ComplaintsLedger
from complaints_ledger.domain.registry import OrganisationKind
from complaints_ledger.domain.values import Actor, Role
from complaints_ledger.integrity.keys import generate_key
from complaints_ledger.persistence.store_url import StoreURL
from complaints_ledger.settings import Settings
from tests.local_servers import free_port

COUNCIL, PROVIDER = "Northshire County Council", "Brightcare Homes Ltd"
EXECUTABLE = Path(sys.executable).parent / "complaints-ledger"
STARTUP_SECONDS = 60
STOP_SECONDS = 15
CLI_SECONDS = 120
PROBLEM_MEDIA_TYPE = "application/problem+json"
LOG_FORMAT = os.environ.get("COMPLAINTS_LEDGER_FAULTS_LOG_FORMAT", "json")

RESPONSE = {
    "outcome": "upheld",
    "remedies": ["apology"],
    "signed_by": "Director of Adult Social Care",
    "ombudsman_rights_given": True,
    "summary": "We are sorry.",
}


# --------------------------------------------------------------------------- the store


@dataclass(frozen=True)
class Tokens:
    officer: str
    manager: str
    auditor: str

    def headers(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {getattr(self, role)}"}


def principal_of(role: Role) -> str:
    """The principal of the council's token for `role` (its officer sends the HTTP load)."""
    return f"{role}@faults"


def prepare_store(url: str) -> Tokens:
    """Register the council and the provider; one token each for officer, manager, auditor."""
    ledger = ComplaintsLedger(Settings(store=url))
    try:
        admin = CommandContext(Actor("admin", "complaints-ledger", Role.ADMIN))
        ledger.register_organisation(admin, name=COUNCIL, kind=OrganisationKind.COUNCIL)
        ledger.register_organisation(admin, name=PROVIDER, kind=OrganisationKind.PROVIDER)
    finally:
        ledger.close()
    store = TokenStore(Settings(store=url).store_url)
    try:
        raw = {
            role: store.create(principal=principal_of(role), organisation=COUNCIL, role=role)[0]
            for role in (Role.OFFICER, Role.MANAGER, Role.AUDITOR)
        }
    finally:
        store.close()
    return Tokens(raw[Role.OFFICER], raw[Role.MANAGER], raw[Role.AUDITOR])


def new_complaint(number: int, *, received_at: datetime | None = None) -> dict[str, Any]:
    when = received_at or datetime.now(UTC) - timedelta(minutes=30)
    return {
        "organisation": COUNCIL,
        "regime": "england-2009",
        "kind": "complaint",
        "channel": ("email", "letter", "phone")[number % 3],
        "received_at": when.isoformat(),
        "subjects": [("home care", "communication", "fees")[number % 3]],
        "about": {"organisation": PROVIDER, "service": ("home care", "day services")[number % 2]},
        "complainant": {"name": f"Person {number}", "email": f"p{number}@example.org"},
        "summary": f"Complaint number {number}: carers missed visits.",
    }


def load_cases(base: str, tokens: Tokens, count: int) -> list[str]:
    """`count` complaints over HTTP: every one acknowledged, two in three answered, every third
    answered one with a shared lesson. Returns the case ids."""
    ids: list[str] = []
    officer = tokens.headers("officer")
    with httpx.Client(base_url=base, headers=officer, timeout=30, trust_env=False) as client:
        for number in range(count):
            created = client.post("/complaints", json=new_complaint(number))
            assert created.status_code == 201, created.text
            case_id = created.json()["id"]
            ids.append(case_id)
            _expect_ok(client.post(f"/complaints/{case_id}/acknowledgement", json={}))
            if number % 3 != 2:
                _expect_ok(client.post(f"/complaints/{case_id}/response", json=RESPONSE))
            if number % 6 == 0:
                lesson = {
                    "lesson_id": f"L{number}",
                    "theme": ("rota", "communication")[number % 2],
                    "lesson": "Missed visits went unreported",
                    "action": "A daily missed-visit report",
                    "shared_with_partners": True,
                }
                _expect_ok(client.post(f"/complaints/{case_id}/lessons", json=lesson))
    return ids


def _expect_ok(response: httpx.Response) -> None:
    assert response.status_code == 200, (response.request.url, response.text)


def reporting_year(now: datetime | None = None) -> str:
    """The reporting year (from 1 April) that contains `now`, as `2026`."""
    day = (now or datetime.now(UTC)).date()
    return str(day.year if day.month >= 4 else day.year - 1)


# --------------------------------------------------------------------------- the server


@dataclass
class Server:
    """`complaints-ledger serve` in a subprocess (its own session), logging to a file."""

    store: str
    folder: Path
    workers: int = 1
    threads: int = 4
    env: dict[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    stopped_in: float | None = None  # seconds from SIGTERM to exit, once stopped

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.folder / "server.log"

    def start(self) -> None:
        key = self.folder / "signing-key.pem"
        if not key.exists():
            generate_key(key)
        env = {
            **os.environ,
            "COMPLAINTS_LEDGER_SIGNING_KEY_FILE": str(key),
            "COMPLAINTS_LEDGER_API_SEAL_SECONDS": "0.5",
            "COMPLAINTS_LEDGER_LOG_LEVEL": "warning",
            # JSON, as in production (stderr is no terminal). `console` logs each traceback
            # too, but rendering one (rich, with locals) holds a server process for seconds.
            "COMPLAINTS_LEDGER_LOG_FORMAT": LOG_FORMAT,
            "COLUMNS": "200",
            **self.env,
        }
        command = [str(EXECUTABLE), "serve", "--port", str(self.port), "--store", self.store]
        command += ["--threads", str(self.threads)]
        if self.workers > 1:
            command += ["--workers", str(self.workers)]
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own executable and arguments
                command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        self._wait_ready()

    def _wait_ready(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                msg = f"the server exited with {self.process.returncode}:\n{self.log()}"
                raise AssertionError(msg)
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.base}/healthz", timeout=1, trust_env=False).status_code == 200:
                    return
            time.sleep(0.2)
        msg = f"the server did not answer in {STARTUP_SECONDS} s:\n{self.log()}"
        raise AssertionError(msg)

    def terminate(self, timeout: float = STOP_SECONDS) -> float | None:
        """SIGTERM the server; wait up to `timeout` s. Returns the seconds it took to exit, or
        None if it had to be killed (SIGKILL of its whole process group)."""
        if self.process is None or self.process.poll() is not None:
            return self.stopped_in
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            return None
        self.stopped_in = time.monotonic() - started
        self._kill_group()  # workers left behind, if any
        return self.stopped_in

    def kill(self) -> None:
        if self.process is None:
            return
        self._kill_group()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=10)

    def _kill_group(self) -> None:
        assert self.process is not None
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def log_lines(self, *needles: str, limit: int = 12) -> list[str]:
        """Plain log lines (colours and traceback boxes stripped) holding any of the needles."""
        found = [line for line in plain_lines(self.log()) if any(n in line for n in needles)]
        return found[:limit]

    def error_lines(self, limit: int = 15) -> list[str]:
        """What went wrong, from the log: each warning or error line (the event and its
        fields) and each exception's `Type: message` line, counted, most frequent first."""
        return summarise(self.log(), limit)


ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
BOX = "│╭╮╰╯─┃━┏┓┗┛"
LOGGED = re.compile(r"\[(warning|error|critical)\s*\]")
# An exception's closing `Type: message` line (`sqlite3.OperationalError: ...`,
# `OutOfOrderTransactionNesting: ...`); a traceback's locals (`name = value`) are left out.
EXCEPTION = re.compile(r"^(?:[a-z_]\w*\.)*[A-Z]\w+: \S")
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT[\d:.]+Z\s*")
REQUEST_ID = re.compile(r"\s*request_id=\w+")


def _json_line(line: str) -> str | None:
    """`[error] unhandled error method=GET path=/x` from a JSON log line at warning or above."""
    try:
        record = json.loads(line)
    except ValueError:
        return None
    if not isinstance(record, dict) or record.get("level") not in {"warning", "error", "critical"}:
        return None
    skip = {"level", "event", "timestamp", "request_id"}
    fields = " ".join(f"{k}={v}" for k, v in record.items() if k not in skip)
    return f"[{record['level']}] {record.get('event')} {fields}".strip()


def plain_lines(text: str) -> list[str]:
    lines = []
    for raw in ANSI.sub("", text).splitlines():
        line = raw.strip().strip(BOX).strip()
        if line:
            lines.append(line)
    return lines


def summarise(text: str, limit: int = 15) -> list[str]:
    counted: Counter[str] = Counter()
    for line in plain_lines(text):
        if line.startswith("{"):
            key = _json_line(line)
            if key:
                counted[key[:400]] += 1
            continue
        if LOGGED.search(line) or (EXCEPTION.match(line) and " = " not in line):
            key = REQUEST_ID.sub("", TIMESTAMP.sub("", line))
            counted[re.sub(r"\s+", " ", key)[:400]] += 1
    return [f"{n} x {line}" for line, n in counted.most_common(limit)]


@contextlib.contextmanager
def serving(
    store: str, folder: Path, *, workers: int = 1, threads: int = 4, **env: str
) -> Iterator[Server]:
    folder.mkdir(parents=True, exist_ok=True)
    server = Server(store, folder, workers=workers, threads=threads, env=env)
    try:
        server.start()
        yield server
    finally:
        server.terminate()


def run_cli(
    *args: str, timeout: float = CLI_SECONDS, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own executable and arguments
        [str(EXECUTABLE), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env={**os.environ, **(env or {})},
    )


# --------------------------------------------------------------------------- the store's tables

Rows = list[tuple[Any, ...]]


def _connect(url: str) -> Any:
    store = Settings(store=url).store_url
    if store.kind == "sqlite":
        return sqlite3.connect(store.env["SQLITE_DBNAME"], timeout=30)
    # Bounded: a statement never waits long on a lock the server left held.
    return psycopg.connect(url, connect_timeout=10, options="-c statement_timeout=30000")


def _store(url: str) -> StoreURL:
    return Settings(store=url).store_url


def read_model_tables(url: str, prefix: str = "rm_") -> dict[str, Rows]:
    """Every live read-model table (`rm_*`) with its rows, sorted."""
    sqlite = _store(url).kind == "sqlite"
    connection = _connect(url)
    try:
        if sqlite:
            names = [
                row[0]
                for row in connection.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table'"
                ).fetchall()
            ]
        else:
            names = [
                row[0]
                for row in connection.execute(
                    "SELECT table_name FROM information_schema.tables "
                    "WHERE table_schema = current_schema()"
                ).fetchall()
            ]
        tables: dict[str, Rows] = {}
        for name in sorted(n for n in names if n.startswith(prefix)):
            rows = connection.execute(f'SELECT * FROM "{name}"').fetchall()
            tables[name] = sorted((tuple(row) for row in rows), key=repr)
        return tables
    finally:
        connection.close()


def scalar(url: str, statement: str) -> Any:
    connection = _connect(url)
    try:
        row = connection.execute(statement).fetchone()
        return None if row is None else row[0]
    finally:
        connection.close()
