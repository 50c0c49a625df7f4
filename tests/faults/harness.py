"""The moving parts of the fault tests: the ledger's own processes, a steady HTTP load from real
clients over loopback, and what the store holds afterwards.

Every wait here is bounded; every process started here is stopped (SIGTERM, then SIGKILL of its
own process group) by whoever started it, even when a test fails.
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Self
from uuid import UUID

import httpx
import psycopg

from complaints_ledger.api.idempotency import case_id_for
from complaints_ledger.application import CommandContext, ComplaintsLedger
from complaints_ledger.domain.complaint import Intake
from complaints_ledger.domain.values import (
    Actor,
    Channel,
    Kind,
    Outcome,
    Person,
    RegimeId,
    Remedy,
)
from complaints_ledger.integrity.keys import generate_key
from complaints_ledger.integrity.sealer import SEALER
from complaints_ledger.readside.db import POSTGRES_EVENTS_TABLE
from complaints_ledger.readside.registry import available_projections
from complaints_ledger.readside.tracking import TRACKING_TABLE
from complaints_ledger.settings import Settings
from tests.faults.http_load import COUNCIL, PROVIDER, free_port, prepare_store

CLI = Path(sys.executable).with_name("complaints-ledger")
RECEIVED_TOPIC_SUFFIX = "Complaint.Received"
ACKNOWLEDGED_TOPIC_SUFFIX = "Complaint.Acknowledged"
STARTUP_SECONDS = 60
STOP_SECONDS = 15
PROBLEM_MEDIA_TYPE = "application/problem+json"
LONG = os.environ.get("COMPLAINTS_LEDGER_FAULTS", "").lower() == "long"


def long_or_quick(long: Any, quick: Any) -> Any:
    """The long variant's figure under COMPLAINTS_LEDGER_FAULTS=long, else the quick one's."""
    return long if LONG else quick


# --------------------------------------------------------------------------- the ledger


def prepare_ledger(url: str) -> str:
    """Register the council and the provider; return a fresh officer token of the council."""
    return prepare_store(url).officer


def complaint_body(number: int) -> dict[str, Any]:
    return {
        "organisation": COUNCIL,
        "regime": "england-2009",
        "kind": "complaint",
        "channel": "email",
        "received_at": (datetime.now(UTC) - timedelta(minutes=5)).isoformat(),
        "subjects": ["home care"],
        "about": {"organisation": PROVIDER, "service": "home care"},
        "complainant": {"name": f"Person {number}", "email": f"p{number}@example.org"},
        "summary": "Carers missed visits.",
    }


def child_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment of the ledger's processes: a signing key made for the test, the session
    keyring (tests/conftest.py puts it in os.environ), a short seal interval, JSON logs."""
    key = tmp_path / "signing-key.pem"
    if not key.exists():
        generate_key(key)
    env = {
        **os.environ,
        "COMPLAINTS_LEDGER_SIGNING_KEY_FILE": str(key),
        "COMPLAINTS_LEDGER_API_SEAL_SECONDS": "0.5",
        # json as asked; COMPLAINTS_LEDGER_FAULTS_LOG_FORMAT=console shows tracebacks, which the
        # JSON renderer leaves out (it logs "exc_info": true and no traceback).
        "COMPLAINTS_LEDGER_LOG_FORMAT": os.environ.get(
            "COMPLAINTS_LEDGER_FAULTS_LOG_FORMAT", "json"
        ),
        "COMPLAINTS_LEDGER_LOG_LEVEL": "info",
        "PYTHONUNBUFFERED": "1",
        "COLUMNS": "200",
        **extra,
    }
    env.pop("COMPLAINTS_LEDGER_STORE", None)
    return env


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


# --------------------------------------------------------------------------- the load


@dataclass(frozen=True)
class Observation:
    """One HTTP exchange: when it was sent and answered (monotonic), what, and the answer."""

    sent: float
    answered: float
    kind: str  # create, acknowledge, read_case, list, dashboard, probe, readyz, healthz
    status: int | None  # None: no answer (timeout, connection error)
    error: str = ""
    retry_after: str | None = None
    content_type: str = ""
    problem: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    @property
    def seconds(self) -> float:
        return self.answered - self.sent

    def describe(self) -> str:
        what = self.status if self.status is not None else f"no answer ({self.error})"
        extra = f" {json.dumps(self.problem)[:300]}" if self.problem else ""
        return f"{self.kind}: {what} after {self.seconds:.2f} s{extra}"


@dataclass(frozen=True)
class AckedWrite:
    """A write the server acknowledged (2xx): the case, the version it said it reached."""

    kind: str  # create or acknowledge
    key: str  # the Idempotency-Key sent
    case_id: str
    version: int
    attempts: int


def observe(
    client: httpx.Client, kind: str, method: str, path: str, **kwargs: Any
) -> tuple[Observation, httpx.Response | None]:
    sent = time.monotonic()
    try:
        response = client.request(method, path, **kwargs)
    except httpx.HTTPError as error:
        return Observation(sent, time.monotonic(), kind, None, type(error).__name__), None
    answered = time.monotonic()
    content_type = response.headers.get("content-type", "")
    problem = None
    if response.status_code >= 400:
        with suppress(ValueError):
            parsed = response.json()
            problem = parsed if isinstance(parsed, dict) else {"body": parsed}
        if problem is None:
            problem = {"body": response.text[:300]}
    return (
        Observation(
            sent,
            answered,
            kind,
            response.status_code,
            retry_after=response.headers.get("retry-after"),
            content_type=content_type,
            problem=problem,
        ),
        response,
    )


@dataclass
class Load:
    """Writers log complaints and acknowledge them (each request with its own Idempotency-Key,
    retried with the same key until answered 2xx); readers read cases, the list and the
    timeliness dashboard. Bounded by `max_requests` in all and by `stop()` / `max_seconds`."""

    base: str
    token: str
    writers: int = 3
    readers: int = 3
    timeout: float = 6.0
    max_requests: int = 20_000
    max_seconds: float = 600.0
    retry_pause: float = 0.2
    max_attempts: int = 200
    observations: list[Observation] = field(default_factory=list)
    acked: list[AckedWrite] = field(default_factory=list)
    keys_sent: set[str] = field(default_factory=set)
    ids_returned: dict[str, set[str]] = field(default_factory=dict)  # create key -> ids
    crashes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._count = 0
        self._cases: list[str] = []
        self._deadline = 0.0

    # ---- running -----------------------------------------------------------------------

    def start(self) -> Load:
        self._deadline = time.monotonic() + self.max_seconds
        for number in range(self.writers):
            self._spawn(f"writer-{number}", self._writer, number)
        for number in range(self.readers):
            self._spawn(f"reader-{number}", self._reader, number)
        return self

    def stop(self) -> None:
        self._stopping.set()
        for thread in self._threads:
            thread.join(timeout=self.timeout * 2 + 5)
        stuck = [thread.name for thread in self._threads if thread.is_alive()]
        assert not stuck, f"load threads did not stop: {stuck}"

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()

    def _spawn(self, name: str, target: Callable[[int], None], number: int) -> None:
        def guarded() -> None:
            try:
                target(number)
            except Exception as error:  # noqa: BLE001 - reported by the test, not lost
                with self._lock:
                    self.crashes.append(f"{name}: {type(error).__name__}: {error}")

        thread = threading.Thread(target=guarded, name=name, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _go_on(self) -> bool:
        with self._lock:
            return (
                not self._stopping.is_set()
                and self._count < self.max_requests
                and time.monotonic() < self._deadline
            )

    def _client(self) -> httpx.Client:
        return httpx.Client(
            base_url=self.base,
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=self.timeout,
        )

    def _record(self, observation: Observation) -> None:
        with self._lock:
            self.observations.append(observation)
            self._count += 1

    def _send(
        self, client: httpx.Client, kind: str, method: str, path: str, **kwargs: Any
    ) -> httpx.Response | None:
        observation, response = observe(client, kind, method, path, **kwargs)
        self._record(observation)
        return response if observation.ok else None

    def _until_acknowledged(
        self, client: httpx.Client, kind: str, path: str, key: str, **kwargs: Any
    ) -> tuple[httpx.Response, int] | None:
        """POST with the key until a 2xx; None if the load stops first. A 4xx other than the
        store's 503 will not improve by retrying: it is recorded and given up."""
        headers = {"Idempotency-Key": key, **kwargs.pop("headers", {})}
        for attempt in range(1, self.max_attempts + 1):
            observation, response = observe(client, kind, "POST", path, headers=headers, **kwargs)
            self._record(observation)
            if observation.ok and response is not None:
                return response, attempt
            if observation.status is not None and 400 <= observation.status < 500:
                return None
            if self._stopping.is_set() and attempt > 1:
                return None  # a retry cut short by the end of the load: not acknowledged
            time.sleep(self.retry_pause)
        return None

    def _writer(self, number: int) -> None:
        with self._client() as client:
            serial = 0
            while self._go_on():
                serial += 1
                key = f"w{number}-{serial}-{random.getrandbits(32):08x}"
                with self._lock:
                    self.keys_sent.add(key)
                created = self._until_acknowledged(
                    client,
                    "create",
                    "/complaints",
                    key,
                    json=complaint_body(number * 100_000 + serial),
                )
                if created is None:
                    continue
                response, attempts = created
                case_id, version = str(response.json()["id"]), int(response.json()["version"])
                with self._lock:
                    self.acked.append(AckedWrite("create", key, case_id, version, attempts))
                    self.ids_returned.setdefault(key, set()).add(case_id)
                    self._cases.append(case_id)
                if not self._go_on():
                    return
                ack_key = f"ack-{key}"
                acknowledged = self._until_acknowledged(
                    client,
                    "acknowledge",
                    f"/complaints/{case_id}/acknowledgement",
                    ack_key,
                    json={},
                    headers={"If-Match": f'"{version}"'},
                )
                if acknowledged is None:
                    continue
                response, attempts = acknowledged
                acked_version = int(response.headers["etag"].strip('"'))
                with self._lock:
                    self.acked.append(
                        AckedWrite("acknowledge", ack_key, case_id, acked_version, attempts)
                    )

    def _reader(self, number: int) -> None:
        chooser = random.Random(number)  # noqa: S311 - which read next, not a secret
        with self._client() as client:
            while self._go_on():
                with self._lock:
                    case_id = chooser.choice(self._cases) if self._cases else None
                roll = chooser.random()
                if case_id is not None and roll < 0.6:
                    self._send(client, "read_case", "GET", f"/complaints/{case_id}")
                elif roll < 0.85:
                    self._send(client, "list", "GET", "/complaints", params={"limit": 20})
                else:
                    self._send(client, "dashboard", "GET", "/dashboards/timeliness")
                time.sleep(0.02)

    # ---- results -----------------------------------------------------------------------

    def snapshot(self) -> list[Observation]:
        with self._lock:
            return list(self.observations)

    def acked_count(self) -> int:
        with self._lock:
            return len(self.acked)

    def statuses(self) -> dict[str, int]:
        return dict(
            Counter(str(o.status) if o.status is not None else o.error for o in self.snapshot())
        )


def is_store_problem(observation: Observation) -> bool:
    """The allowed failure: 503, Retry-After, an application/problem+json body saying so."""
    return (
        observation.status == 503
        and bool(observation.retry_after)
        and observation.content_type.startswith(PROBLEM_MEDIA_TYPE)
        and observation.problem is not None
        and observation.problem.get("status") == 503
    )


def bad_answers(observations: Iterable[Observation]) -> list[Observation]:
    """Every exchange that is neither a 2xx nor the allowed 503 problem (500s, timeouts, other
    statuses, 503s without Retry-After or problem body)."""
    return [o for o in observations if not o.ok and not is_store_problem(o)]


def summarise_bad(observations: list[Observation], limit: int = 12) -> str:
    counts = Counter(
        (o.kind, o.status, o.error, (o.problem or {}).get("type")) for o in observations
    )
    lines = [
        f"{n} x {kind} {status or error} {kind_}"
        for (kind, status, error, kind_), n in counts.most_common()
    ]
    examples = [o.describe() for o in observations[:limit]]
    return "\n".join(["counts:", *lines, "examples:", *examples])


def probe_recovery(
    base: str, token: str, since: float, path: str = "/complaints", timeout: float = 30.0
) -> tuple[float | None, list[Observation]]:
    """Poll an authenticated read every 0.1 s until a 2xx; returns the seconds from `since`
    (the monotonic time the store was back) to that answer, or None within `timeout`."""
    seen: list[Observation] = []
    with httpx.Client(
        base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=6.0
    ) as client:
        while time.monotonic() - since < timeout:
            observation, _ = observe(client, "probe", "GET", path, params={"limit": 1})
            seen.append(observation)
            if observation.ok:
                return observation.answered - since, seen
            time.sleep(0.1)
    return None, seen


# --------------------------------------------------------------------------- the store


def stored_events(url: str) -> dict[tuple[str, int], str]:
    """(case id, version) -> topic of every stored event."""
    with psycopg.connect(url, connect_timeout=5) as conn:
        rows = conn.execute(
            f"SELECT originator_id, originator_version, topic FROM {POSTGRES_EVENTS_TABLE}"
        ).fetchall()
    return {(str(originator), int(version)): str(topic) for originator, version, topic in rows}


def event_count(url: str) -> int:
    with psycopg.connect(url, connect_timeout=5) as conn:
        row = conn.execute(f"SELECT count(*) FROM {POSTGRES_EVENTS_TABLE}").fetchone()
    return int(row[0]) if row else 0


@dataclass
class WriteAudit:
    acknowledged: int = 0
    found: int = 0
    missing: list[str] = field(default_factory=list)
    wrong_topic: list[str] = field(default_factory=list)
    duplicate_correlations: list[str] = field(default_factory=list)
    keys_with_several_ids: list[str] = field(default_factory=list)
    ids_not_from_key: list[str] = field(default_factory=list)
    stray_cases: list[str] = field(default_factory=list)
    cases_checked: int = 0

    @property
    def duplicates(self) -> int:
        return (
            len(self.duplicate_correlations)
            + len(self.keys_with_several_ids)
            + len(self.ids_not_from_key)
            + len(self.stray_cases)
        )

    def figures(self) -> dict[str, Any]:
        return {
            "acknowledged_writes": self.acknowledged,
            "found": self.found,
            "missing": len(self.missing),
            "wrong_topic": len(self.wrong_topic),
            "duplicates": self.duplicates,
            "cases_checked": self.cases_checked,
        }


def audit_writes(url: str, load: Load) -> WriteAudit:
    """Every acknowledged write is stored at the version acknowledged; nothing is doubled: one
    case per Idempotency-Key (the id the key gives), one event per correlation id per case, and
    no case the load did not ask for."""
    audit = WriteAudit(acknowledged=len(load.acked))
    events = stored_events(url)
    for write in load.acked:
        topic = events.get((write.case_id, write.version))
        if topic is None:
            audit.missing.append(f"{write.kind} {write.case_id} v{write.version} ({write.key})")
            continue
        audit.found += 1
        suffix = RECEIVED_TOPIC_SUFFIX if write.kind == "create" else ACKNOWLEDGED_TOPIC_SUFFIX
        if not topic.endswith(suffix):
            audit.wrong_topic.append(f"{write.kind} {write.case_id} v{write.version}: {topic}")
    for key, ids in load.ids_returned.items():
        if len(ids) > 1:
            audit.keys_with_several_ids.append(f"{key}: {sorted(ids)}")
        if ids != {str(case_id_for(key))}:
            audit.ids_not_from_key.append(f"{key}: {sorted(ids)}")
    expected = {str(case_id_for(key)) for key in load.keys_sent}
    received = {
        case for (case, _), topic in events.items() if topic.endswith(RECEIVED_TOPIC_SUFFIX)
    }
    audit.stray_cases = sorted(received - expected)
    ledger = ComplaintsLedger(Settings(store=url))
    try:
        for case in sorted(received & expected):
            entries = ledger.history(UUID(case))
            audit.cases_checked += 1
            seen = Counter(entry.correlation_id for entry in entries)
            doubled = [cid for cid, n in seen.items() if n > 1]
            if doubled:
                audit.duplicate_correlations.append(f"{case}: {doubled}")
            kinds = Counter(entry.type for entry in entries)
            if kinds.get("Received", 0) > 1 or kinds.get("Acknowledged", 0) > 1:
                audit.duplicate_correlations.append(f"{case}: {dict(kinds)}")
    finally:
        ledger.close()
    return audit


def read_model_tables(url: str) -> dict[str, list[tuple[str, ...]]]:
    """Every live read-model table `rm_*`, its rows as sorted text tuples."""
    with psycopg.connect(url, connect_timeout=5) as conn:
        names = [
            str(name)
            for (name,) in conn.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = current_schema() AND table_name LIKE 'rm\\_%' "
                "ORDER BY table_name"
            ).fetchall()
        ]
        dump: dict[str, list[tuple[str, ...]]] = {}
        for name in names:
            rows = conn.execute(f'SELECT * FROM "{name}"').fetchall()
            dump[name] = sorted(tuple(repr(cell) for cell in row) for row in rows)
    return dump


def compare_tables(
    before: dict[str, list[tuple[str, ...]]], after: dict[str, list[tuple[str, ...]]]
) -> list[str]:
    """What differs, table by table (a few rows of each side as examples)."""
    differences: list[str] = []
    for name in sorted(set(before) | set(after)):
        if name not in before or name not in after:
            differences.append(f"{name}: only {'after' if name in after else 'before'} rebuild")
            continue
        old, new = Counter(before[name]), Counter(after[name])
        if old == new:
            continue
        only_old, only_new = sorted((old - new).elements()), sorted((new - old).elements())
        differences.append(
            f"{name}: {len(before[name])} rows followed, {len(after[name])} rebuilt; "
            f"{len(only_old)} only followed e.g. {only_old[:2]}; "
            f"{len(only_new)} only rebuilt e.g. {only_new[:2]}"
        )
    return differences


def fail_on(problems: list[str], *context: str) -> None:
    """Fail with every problem found (not just the first), then the context (log lines)."""
    if problems:
        details = "\n\n".join(problems)
        extra = "\n".join(line for line in context if line)
        raise AssertionError(f"{len(problems)} problem(s):\n\n{details}\n\n{extra}".rstrip())


def write_problems(audit: WriteAudit, minimum: int) -> list[str]:
    """What the write audit found wrong: lost, misplaced or doubled writes."""
    problems: list[str] = []
    if audit.acknowledged < minimum:
        problems.append(f"only {audit.acknowledged} writes acknowledged in all (< {minimum})")
    if audit.missing:
        problems.append(f"{len(audit.missing)} acknowledged writes lost: {audit.missing[:10]}")
    if audit.wrong_topic:
        problems.append(f"acknowledged versions holding other events: {audit.wrong_topic[:10]}")
    if audit.duplicates:
        problems.append(
            f"{audit.duplicates} duplicates: correlation {audit.duplicate_correlations[:5]}, "
            f"several ids per key {audit.keys_with_several_ids[:5]}, "
            f"ids not from key {audit.ids_not_from_key[:5]}, stray cases {audit.stray_cases[:5]}"
        )
    return problems


def answer_problems(observations: list[Observation]) -> list[str]:
    """500s (and any 5xx but 503) first, then anything else neither 2xx nor the 503 problem
    with Retry-After (no answer in time, a 503 without Retry-After, a 4xx)."""
    problems: list[str] = []
    server_errors = [o for o in observations if o.status is not None and o.status >= 500]
    server_errors = [o for o in server_errors if o.status != 503]
    if server_errors:
        problems.append(
            f"{len(server_errors)} answers were 5xx other than 503:\n"
            + summarise_bad(server_errors)
        )
    others = [o for o in bad_answers(observations) if o not in server_errors]
    if others:
        problems.append(
            f"{len(others)} answers neither 2xx nor a 503 problem with Retry-After:\n"
            + summarise_bad(others)
        )
    return problems


def slow_recoveries(recoveries: list[dict[str, Any]], limit: float) -> list[str]:
    slow = [
        r
        for r in recoveries
        if r["seconds_to_first_2xx"] is None or r["seconds_to_first_2xx"] > limit
    ]
    return [f"no 2xx within {limit} s of: {slow}"] if slow else []


def recovery(fault: str, seconds: float | None) -> dict[str, Any]:
    return {"fault": fault, "seconds_to_first_2xx": None if seconds is None else round(seconds, 2)}


def load_figures(load: Load, recoveries: list[dict[str, Any]]) -> dict[str, Any]:
    observations = load.snapshot()
    times = [r["seconds_to_first_2xx"] for r in recoveries]
    return {
        "requests": len(observations),
        "statuses": load.statuses(),
        "bad_answers": len(bad_answers(observations)),
        "recoveries": recoveries,
        "max_seconds_to_recover": (None if not times else (None if None in times else max(times))),
    }


class OpsProbe:
    """Polls GET /readyz and GET /healthz (no token) every `every` seconds in a thread."""

    def __init__(self, base: str, every: float = 0.25, timeout: float = 6.0) -> None:
        self.base, self.every, self.timeout = base, every, timeout
        self.observations: list[Observation] = []
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="ops-probe", daemon=True)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stopping.set()
        self._thread.join(timeout=self.timeout * 2 + 5)
        assert not self._thread.is_alive(), "the ops probe did not stop"

    def _run(self) -> None:
        with httpx.Client(base_url=self.base, timeout=self.timeout) as client:
            while not self._stopping.is_set():
                for kind, path in (("readyz", "/readyz"), ("healthz", "/healthz")):
                    observation, _ = observe(client, kind, "GET", path)
                    with self._lock:
                        self.observations.append(observation)
                self._stopping.wait(self.every)

    def snapshot(self) -> list[Observation]:
        with self._lock:
            return list(self.observations)


def latest_checkpoint_size(base: str) -> int | None:
    with suppress(httpx.HTTPError, ValueError):
        answer = httpx.get(f"{base}/integrity/checkpoints/latest", timeout=5)
        if answer.status_code == 200:
            return int(answer.json()["tree_size"])
    return None


# --------------------------------------------------------------------------- writes in-process


def _lifecycle(ledger: ComplaintsLedger, number: int) -> Iterator[tuple[str, Callable[[], int]]]:
    """The steps of one case's life, as (what, do it) pairs; each returns the case's version.
    They touch every read model: timeliness, worklist, learning register, audit trail, annual."""
    officer = Actor("officer-1", COUNCIL)

    def ctx() -> CommandContext:
        return CommandContext(officer)

    intake = Intake(
        kind=Kind.COMPLAINT,
        channel=Channel.PHONE,
        regime=RegimeId.ENGLAND_2009,
        receiving_organisation=COUNCIL,
        about_organisation=PROVIDER,
        service="home care",
        subjects=("home care",),
        complainant=Person(f"Writer Person {number}"),
        summary="Carers arrived late",
    )
    case: dict[str, UUID] = {}

    def receive() -> int:
        case["id"] = ledger.receive(intake, ctx())
        return 1

    yield "receive", receive
    yield "acknowledge", lambda: ledger.acknowledge(case["id"], ctx())
    yield "investigate", lambda: ledger.start_investigation(case["id"], ctx(), investigator="inv")
    due = datetime.now(UTC).date() + timedelta(days=30)
    yield (
        "plan action",
        lambda: ledger.plan_action(
            case["id"], ctx(), action_id="a1", description="train", owner="mgr", due_on=due
        ),
    )
    yield (
        "respond",
        lambda: ledger.send_response(
            case["id"],
            ctx(),
            outcome=Outcome.UPHELD if number % 2 else Outcome.NOT_UPHELD,
            remedies=(Remedy.APOLOGY,),
            signed_by="head of service",
            ombudsman_rights_given=True,
            summary="We are sorry",
        ),
    )
    yield (
        "lesson",
        lambda: ledger.record_lesson(
            case["id"],
            ctx(),
            lesson_id=f"l{number}",
            theme="staffing",
            lesson="Rotas were too tight",
            action="Add slack to rotas",
            shared_with_partners=number % 3 == 0,
        ),
    )
    if number % 2:
        yield "complete action", lambda: ledger.complete_action(case["id"], ctx(), action_id="a1")
        yield "close", lambda: ledger.close_case(case["id"], ctx())


class LedgerWriter:
    """Writes cases through the Python API (ComplaintsLedger) in a thread, one step every
    `pause` seconds, until stopped or `max_events`. A failed step is recorded; the ledger is
    reopened and a new case started (a step that failed may or may not have been stored)."""

    def __init__(self, url: str, *, pause: float = 0.005, max_events: int = 100_000) -> None:
        self.url, self.pause, self.max_events = url, pause, max_events
        self.saved = 0
        self.errors: list[str] = []
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="ledger-writer", daemon=True)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(timeout=60)
        assert not self._thread.is_alive(), "the writer thread did not stop"

    def _open(self) -> ComplaintsLedger | None:
        while not self._stopping.is_set():
            try:
                return ComplaintsLedger(Settings(store=self.url))
            except Exception as error:  # noqa: BLE001 - the store may be down: try again
                self.errors.append(f"open: {type(error).__name__}: {error}"[:300])
                self._stopping.wait(0.3)
        return None

    def _run(self) -> None:
        ledger = self._open()
        number = 0
        while ledger is not None and not self._stopping.is_set() and self.saved < self.max_events:
            number += 1
            for _, step in _lifecycle(ledger, number):
                if self._stopping.is_set():
                    break
                try:
                    step()
                except Exception as error:  # noqa: BLE001 - recorded; the test decides
                    self.errors.append(f"{type(error).__name__}: {error}"[:300])
                    with suppress(Exception):
                        ledger.close()
                    self._stopping.wait(0.3)
                    ledger = self._open()
                    break
                self.saved += 1
                self._stopping.wait(self.pause)
        if ledger is not None:
            with suppress(Exception):
                ledger.close()


# --------------------------------------------------------------------------- read-side progress


def followed_names() -> list[str]:
    """What `projections run` keeps current: every read model, and the sealer."""
    return [*sorted(available_projections()), SEALER]


def positions(url: str) -> tuple[int, dict[str, int]]:
    """(head of the event log, position of each projection and of the sealer) right now; 0 and
    nothing before the tables exist."""
    with psycopg.connect(url, connect_timeout=3, autocommit=True) as conn:
        try:
            head_row = conn.execute(
                f"SELECT coalesce(max(notification_id), 0) FROM {POSTGRES_EVENTS_TABLE}"
            ).fetchone()
        except psycopg.errors.UndefinedTable:
            head_row = None
        try:
            rows = conn.execute(f"SELECT name, position FROM {TRACKING_TABLE}").fetchall()
        except psycopg.errors.UndefinedTable:
            rows = []
    head = int(head_row[0]) if head_row else 0
    return head, {str(name): int(position) for name, position in rows}


def caught_up_to(url: str, head: int, names: Iterable[str]) -> bool:
    """Every named projection (and the sealer) has got to `head` or past it."""
    try:
        _, found = positions(url)
    except psycopg.Error:
        return False
    return all(found.get(name, -1) >= head for name in names)
