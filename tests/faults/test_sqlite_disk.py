"""SQLite store faults under a real server: the database files made unwritable mid-run, and a
full disk. Run as root (`chattr +i`, `mount -t tmpfs`); skipped with a message otherwise.

Target behaviour, in both cases:

- every write the store cannot take is refused with `503`, an `application/problem+json` body and
  `Retry-After`; never a 500, never a hang;
- nothing is half-written: after recovery the store holds exactly the cases whose creation was
  acknowledged (201), and a refused command left no event;
- `/healthz` answers 200 throughout; a read of a case answers 200, or (docs/api.md, "Read
  audit": the read's access record cannot be written) a 503 problem with `Retry-After`, and
  every read that answered 200 is in the case's access log;
- once the fault is gone, writes succeed again without restarting the server.

What `/readyz` answers during the fault is recorded (it may be 200, or a 503 problem naming the
failing part).

The keyring (tests/conftest.py) and the signing key stay off the faulty folder.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import pytest

from complaints_ledger.application.ledger import ComplaintsLedger
from complaints_ledger.persistence.subject_table import TABLE as SUBJECTS_TABLE
from complaints_ledger.persistence.view_db import SQLITE_EVENTS_TABLE
from complaints_ledger.settings import Settings
from tests.faults.http_load import (
    PROBLEM_MEDIA_TYPE,
    Server,
    Tokens,
    new_complaint,
    prepare_store,
    run_cli,
    scalar,
    serving,
)

pytestmark = pytest.mark.faults

CLIENT_TIMEOUT = 10.0
WRITE_ATTEMPTS = 4  # refused creates tried during each fault
RECOVERY_SECONDS = 15.0  # how long a write may keep failing once the fault is gone
RETRY_PAUSE = 0.5
FILL_POSTS = 1000  # at most this many creates to fill the disk
FILL_SECONDS = 90.0
TMPFS_SIZE = "4m"
FILLER_BYTES = 1024 * 1024
BIG_SUMMARY = 9_000  # characters: fills the disk in a few hundred creates
COMMAND_SECONDS = 10
SEALER_MEETS_FAULT_SECONDS = 2.0  # the fault lasts at least this: 4 of the sealer's rounds


# --------------------------------------------------------------------------- the faults


def require_root() -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root: makes files immutable (chattr +i) and mounts a tmpfs")


def require_chattr(folder: Path) -> None:
    require_root()
    if shutil.which("chattr") is None:
        pytest.skip("chattr is not installed (e2fsprogs)")
    probe = folder / "chattr-probe"
    probe.write_text("probe")
    made = _chattr("+i", probe)
    _chattr("-i", probe)
    probe.unlink()
    if made.returncode != 0:
        pytest.skip(f"chattr +i does not work on {folder}: {made.stderr.strip()}")


def _chattr(flag: str, path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - a fixed tool on our own files
        ["chattr", flag, str(path)],  # noqa: S607 - chattr from PATH, found by require_chattr
        capture_output=True,
        text=True,
        timeout=COMMAND_SECONDS,
        check=False,
    )


@contextlib.contextmanager
def immutable(paths: list[Path]) -> Iterator[None]:
    """`chattr +i` on each path for the block; always undone."""
    made: list[Path] = []
    try:
        for path in paths:
            result = _chattr("+i", path)
            assert result.returncode == 0, f"chattr +i {path}: {result.stderr}"
            made.append(path)
        yield
    finally:
        for path in reversed(made):
            _chattr("-i", path)


@contextlib.contextmanager
def tmpfs(folder: Path, size: str) -> Iterator[Path]:
    """A tmpfs of `size` mounted on `folder` for the block; always unmounted."""
    require_root()
    folder.mkdir()
    mounted = subprocess.run(  # noqa: S603 - fixed arguments
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],  # noqa: S607
        capture_output=True,
        text=True,
        timeout=COMMAND_SECONDS,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs: {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        for command in (["umount", str(folder)], ["umount", "-l", str(folder)]):
            done = subprocess.run(  # noqa: S603 - fixed arguments
                command, capture_output=True, timeout=COMMAND_SECONDS, check=False
            )
            if done.returncode == 0:
                break


# --------------------------------------------------------------------------- requests


@dataclass(frozen=True)
class Outcome:
    what: str
    status: int | None  # None: no answer (see `failure`)
    media_type: str = ""
    retry_after: str | None = None
    body: str = ""
    failure: str | None = None

    def json(self) -> dict[str, Any]:
        import json  # noqa: PLC0415 - only for the answers that have a body

        try:
            value = json.loads(self.body)
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}

    @property
    def documented_503(self) -> bool:
        return (
            self.status == 503
            and self.media_type.startswith(PROBLEM_MEDIA_TYPE)
            and bool(self.retry_after)
            and self.json().get("status") == 503
        )

    def __str__(self) -> str:
        if self.status is None:
            return f"{self.what}: no answer ({self.failure})"
        retry = f", Retry-After {self.retry_after}" if self.retry_after else ""
        return f"{self.what}: {self.status} {self.media_type}{retry} {self.body[:240]}"


@dataclass
class Client:
    server: Server
    tokens: Tokens
    outcomes: list[Outcome] = field(default_factory=list)
    created: list[str] = field(default_factory=list)  # every case acknowledged with 201
    reads: Counter[str] = field(default_factory=Counter)  # case reads answered 200

    def call(self, method: str, path: str, *, role: str | None = "officer", **kw: Any) -> Outcome:
        headers = self.tokens.headers(role) if role else {}
        what = f"{method} {path}"
        try:
            response = httpx.request(
                method,
                f"{self.server.base}{path}",
                headers=headers,
                timeout=CLIENT_TIMEOUT,
                trust_env=False,
                **kw,
            )
        except httpx.TimeoutException:
            outcome = Outcome(what, None, failure=f"client timeout after {CLIENT_TIMEOUT} s")
        except httpx.TransportError as error:
            outcome = Outcome(what, None, failure=f"{type(error).__name__}: {error}")
        else:
            outcome = Outcome(
                what,
                response.status_code,
                response.headers.get("content-type", ""),
                response.headers.get("retry-after"),
                response.text,
            )
        self.outcomes.append(outcome)
        return outcome

    def create(self, number: int, **changes: Any) -> Outcome:
        outcome = self.call("POST", "/complaints", json={**new_complaint(number), **changes})
        if outcome.status == 201:
            self.created.append(outcome.json()["id"])
        return outcome

    def acknowledge(self, case_id: str) -> Outcome:
        return self.call("POST", f"/complaints/{case_id}/acknowledgement", json={})

    def read(self, case_id: str) -> Outcome:
        outcome = self.call("GET", f"/complaints/{case_id}")
        if outcome.status == 200:
            self.reads[case_id] += 1
        return outcome


@dataclass
class Findings:
    """What differs from the target behaviour; reported together at the end."""

    items: list[str] = field(default_factory=list)

    def check(self, ok: bool, message: str) -> None:
        if not ok:
            self.items.append(message)

    def refused(self, outcome: Outcome) -> None:
        """A write the store cannot take: a documented 503."""
        self.check(outcome.documented_503, f"expected a 503 problem with Retry-After: {outcome}")

    def refused_or_done(self, outcome: Outcome) -> None:
        """A write while the disk is full: done (2xx), or refused with a documented 503."""
        done = outcome.status is not None and 200 <= outcome.status < 300
        self.check(done or outcome.documented_503, f"expected 2xx or a 503 problem: {outcome}")

    def case_read(self, outcome: Outcome) -> None:
        """200, or the documented 503 of a read whose access record cannot be written."""
        ok = outcome.status == 200 or outcome.documented_503
        self.check(ok, f"expected 200 (or the read audit's 503 problem): {outcome}")

    def ok(self, outcome: Outcome, status: int = 200) -> None:
        self.check(outcome.status == status, f"expected {status}: {outcome}")

    def server_alive(self, server: Server) -> None:
        assert server.process is not None
        code = server.process.poll()
        self.check(code is None, f"the server exited with {code} during the fault")


def eventually(attempt: Any, done: Any, seconds: float = RECOVERY_SECONDS) -> tuple[Any, float]:
    """Call `attempt()` until `done(result)` or `seconds` pass; the last result, seconds taken."""
    started = time.monotonic()
    while True:
        result = attempt()
        waited = time.monotonic() - started
        if done(result) or waited >= seconds:
            return result, waited
        time.sleep(RETRY_PAUSE)


def readyz(client: Client, findings: Findings) -> str:
    """Record /readyz; 200, or a 503 problem naming the failing part, are both acceptable."""
    outcome = client.call("GET", "/readyz", role=None)
    named = outcome.json().get("field") or ""
    findings.check(
        outcome.status == 200 or (outcome.documented_503 and bool(named)),
        f"/readyz: expected 200 or a 503 problem naming the failing part: {outcome}",
    )
    return f"{outcome.status} {named}".strip()


def stored(url: str) -> tuple[set[str], dict[str, list[str]], dict[str, int]]:
    """Case ids in the store, each case's event types and its number of recorded reads."""
    ledger = ComplaintsLedger(Settings(store=url))
    try:
        ids = {str(case_id) for case_id in ledger.complaint_ids()}
        events = {i: [entry.type for entry in ledger.history(UUID(i))] for i in ids}
        reads = {i: len(ledger.reads_of(UUID(i))) for i in ids}
        return ids, events, reads
    finally:
        ledger.close()


def check_store(
    url: str, server: Server, client: Client, findings: Findings
) -> dict[str, list[str]]:
    """After recovery, the server stopped: exactly the acknowledged creates, each refused
    command absent, every 200 read recorded, and the integrity log verifies."""
    ids, events, reads = stored(url)
    created = set(client.created)
    findings.check(
        ids == created,
        f"the store holds {len(ids)} cases, {len(created)} creates were acknowledged: "
        f"{len(ids - created)} unacknowledged in the store, {len(created - ids)} lost",
    )
    for case_id, count in client.reads.items():
        findings.check(
            reads.get(case_id, 0) >= count,
            f"case {case_id}: {count} reads answered 200, {reads.get(case_id, 0)} recorded",
        )
    verified = run_cli(
        "--store",
        url,
        "verify",
        env={"COMPLAINTS_LEDGER_SIGNING_KEY_FILE": str(server.folder / "signing-key.pem")},
    )
    findings.check(
        verified.returncode == 0,
        f"verify exited {verified.returncode}: {(verified.stdout + verified.stderr)[-600:]}",
    )
    return events


def sealing_resumed(client: Client, url: str, findings: Findings) -> float | None:
    """Once the fault is gone, the background sealer seals and signs every event again: the
    latest checkpoint reaches the event count within RECOVERY_SECONDS. Seconds it took."""
    events = scalar(url, f"SELECT count(*) FROM {SQLITE_EVENTS_TABLE}")
    outcome, waited = eventually(
        lambda: client.call("GET", "/integrity/checkpoints/latest", role=None),
        lambda o: o.status == 200 and o.json().get("tree_size", 0) >= events,
    )
    size = outcome.json().get("tree_size")
    findings.check(
        outcome.status == 200 and size is not None and size >= events,
        f"{waited:.0f} s after recovery the latest checkpoint covers {size} of {events} events: "
        f"sealing did not resume ({outcome})",
    )
    return round(waited, 2) if size is not None and size >= events else None


def orphan_subject_keys(url: str) -> int:
    """Data subjects' key rows (written before their case's first event) with no case."""
    ids, _, _ = stored(url)
    rows = scalar(url, f"SELECT group_concat(case_id, ' ') FROM {SUBJECTS_TABLE}") or ""
    return len(set(rows.split()) - ids)


def acknowledgements(events: dict[str, list[str]], case_id: str) -> int:
    return sum(1 for kind in events.get(case_id, []) if kind.endswith("Acknowledged"))


def report(findings: Findings, client: Client, server: Server, figures: dict[str, Any]) -> str:
    statuses = Counter((_route(o.what), o.status or o.failure) for o in client.outcomes)
    return "\n".join(
        [
            f"{len(findings.items)} problems:",
            *findings.items,
            f"figures: {figures}",
            "answers: "
            + ", ".join(f"{w} -> {s}: {n}" for (w, s), n in sorted(statuses.items(), key=str)),
            "server log:",
            *server.error_lines(),
        ]
    )


def _route(what: str) -> str:
    """`POST /complaints/<uuid>/acknowledgement` -> `POST /complaints/{id}/acknowledgement`."""
    method, path = what.split(" ", 1)
    parts = []
    for part in path.split("?")[0].split("/"):
        try:
            UUID(part)
        except ValueError:
            parts.append(part)
        else:
            parts.append("{id}")
    return f"{method} {'/'.join(parts)}"


@pytest.fixture
def observed(request: pytest.FixtureRequest, record_property: Any) -> Iterator[dict[str, Any]]:
    """What the test saw (e.g. /readyz during the fault): in the folder's `figures` if its
    conftest offers them, and as junit properties."""
    try:
        found: dict[str, Any] = request.getfixturevalue("figures")
    except pytest.FixtureLookupError:
        found = {}
    yield found
    for name, value in found.items():
        record_property(name, value)


# --------------------------------------------------------------------------- the tests


def test_unwritable_database_files_refuse_writes_with_503_and_recover_without_restart(
    tmp_path: Path, observed: dict[str, Any]
) -> None:
    require_chattr(tmp_path)
    folder = tmp_path / "store"
    folder.mkdir()
    database = folder / "ledger.db"
    url = f"sqlite:///{database}"
    tokens = prepare_store(url)
    findings = Findings()
    with serving(url, tmp_path / "server") as server:
        client = Client(server, tokens)
        for number in range(6):
            assert client.create(number).status == 201
        acked, waiting = client.created[:3], client.created[3:]
        for case_id in acked:
            assert client.acknowledge(case_id).status == 200
        assert client.create(6).status == 201  # likely unsealed yet: the sealer meets the fault
        assert client.call("GET", "/complaints").status == 200  # the listing is current
        before = len(client.created)

        paths = (database, folder / "ledger.db-wal", folder / "ledger.db-shm")
        with immutable([*(p for p in paths if p.exists()), folder]):
            fault_ends = time.monotonic() + SEALER_MEETS_FAULT_SECONDS
            for number in range(WRITE_ATTEMPTS):
                refusal = client.create(100 + number)
                findings.refused(refusal)
                if refusal.status is None:
                    break  # no answer: the next would wait as long
            for case_id in waiting:
                refusal = client.acknowledge(case_id)
                findings.refused(refusal)
                if refusal.status is None:
                    break
            for case_id in acked:
                findings.case_read(client.read(case_id))
            findings.ok(client.call("GET", "/complaints"))
            findings.ok(client.call("GET", "/healthz", role=None))
            observed["readyz_while_unwritable"] = readyz(client, findings)
            time.sleep(max(0.0, fault_ends - time.monotonic()))
            findings.server_alive(server)
        findings.check(
            len(client.created) == before,
            f"{len(client.created) - before} creates answered 201 while the files were immutable",
        )

        created, waited = eventually(
            lambda: client.create(200),
            lambda o: o.status == 201,
        )
        observed["seconds_to_first_write_after_chattr_-i"] = round(waited, 2)
        findings.check(created.status == 201, f"no write after chattr -i: {created}")
        again, _ = eventually(
            lambda: client.acknowledge(waiting[0]),
            lambda o: o.status == 200,
        )
        findings.ok(again)
        findings.ok(client.read(acked[0]))
        observed["seconds_to_seal_after_recovery"] = sealing_resumed(client, url, findings)
        findings.server_alive(server)
        server.terminate()

    events = check_store(url, server, client, findings)
    findings.check(
        acknowledgements(events, waiting[0]) == 1, f"case {waiting[0]}: not acknowledged once"
    )
    for case_id in waiting[1:]:
        findings.check(
            acknowledgements(events, case_id) == 0,
            f"case {case_id}: its refused acknowledgement is there",
        )
    assert not findings.items, report(findings, client, server, observed)


def fill_the_disk(client: Client, summary: str) -> Outcome:
    """Create cases with a long summary until one is refused (bounded); that answer."""
    deadline = time.monotonic() + FILL_SECONDS
    for number in range(FILL_POSTS):
        outcome = client.create(number, summary=summary)
        if outcome.status != 201:
            assert len(client.created) >= 3, f"the disk was full too early: {outcome}"
            return outcome
        if time.monotonic() > deadline:
            break
    pytest.fail(f"the harness did not fill the disk in {FILL_POSTS} creates / {FILL_SECONDS} s")


def test_a_full_disk_refuses_writes_with_503_and_recovers_when_space_is_freed(
    tmp_path: Path, observed: dict[str, Any]
) -> None:
    with tmpfs(tmp_path / "disk", TMPFS_SIZE) as disk:
        filler = disk / "filler.bin"
        filler.write_bytes(os.urandom(FILLER_BYTES))
        url = f"sqlite:///{disk / 'ledger.db'}"
        tokens = prepare_store(url)
        findings = Findings()
        with serving(url, tmp_path / "server") as server:
            client = Client(server, tokens)
            summary = "Carers missed visits. " * (BIG_SUMMARY // 22)
            first_refusal = fill_the_disk(client, summary)
            observed["creates_before_full"] = len(client.created)
            observed["first_refusal"] = str(first_refusal)[:200]
            findings.refused(first_refusal)

            for number in range(WRITE_ATTEMPTS):
                findings.refused_or_done(client.create(5000 + number, summary=summary))
            waiting = client.created[:2]
            ack_outcomes = [client.acknowledge(case_id) for case_id in waiting]
            for outcome in ack_outcomes:
                findings.refused_or_done(outcome)
            for case_id in client.created[2:5]:
                findings.case_read(client.read(case_id))
            listing = client.call("GET", "/complaints")
            findings.check(
                listing.status == 200 or listing.documented_503,
                f"GET /complaints: expected 200 or a 503 problem: {listing}",
            )
            findings.ok(client.call("GET", "/healthz", role=None))
            observed["readyz_while_full"] = readyz(client, findings)
            observed["writes_refused_while_full"] = sum(
                1 for o in client.outcomes if o.what.startswith("POST") and o.status == 503
            )
            findings.server_alive(server)

            filler.unlink()
            created, waited = eventually(
                lambda: client.create(9000),
                lambda o: o.status == 201,
            )
            observed["seconds_to_first_write_after_freeing"] = round(waited, 2)
            findings.check(created.status == 201, f"no write after freeing space: {created}")
            target = waiting[0]
            if ack_outcomes[0].status != 200:
                again, _ = eventually(
                    lambda: client.acknowledge(target),
                    lambda o: o.status == 200,
                )
                findings.ok(again)
            findings.ok(client.read(client.created[0]))
            observed["seconds_to_seal_after_recovery"] = sealing_resumed(client, url, findings)
            findings.server_alive(server)
            server.terminate()

        events = check_store(url, server, client, findings)
        observed["orphan_subject_keys"] = orphan_subject_keys(url)
        for case_id, outcome in zip(waiting, ack_outcomes, strict=True):
            retried = case_id == target
            expected = 1 if outcome.status == 200 or retried else 0
            findings.check(
                acknowledgements(events, case_id) == expected,
                f"case {case_id}: {acknowledgements(events, case_id)} acknowledgements, expected "
                f"{expected} ({outcome})",
            )
        assert not findings.items, report(findings, client, server, observed)
