"""What the store holds afterwards: acknowledged writes found, duplicates, read-model tables, the
read side's progress; and the problems a fault test reports."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any, Self
from uuid import UUID

import httpx
import psycopg

from complaints_ledger.api.idempotency import case_id_for
from complaints_ledger.application.ledger import ComplaintsLedger
from complaints_ledger.domain.values import Actor, Role
from complaints_ledger.integrity.log_sealer import SEALER
from complaints_ledger.persistence.view_db import POSTGRES_EVENTS_TABLE
from complaints_ledger.readside.discovery import available_projections
from complaints_ledger.readside.tracking import TRACKING_TABLE
from complaints_ledger.settings import Settings
from tests.faults.common import ACKNOWLEDGED_TOPIC_SUFFIX, RECEIVED_TOPIC_SUFFIX
from tests.faults.http_load import COUNCIL, principal_of
from tests.faults.load import Load, Observation, bad_answers, observe, summarise_bad

# --------------------------------------------------------------------------- the store


# Who sends the HTTP load (the council's officer): a case's id derives from its sender and key.
LOAD_SENDER = Actor(principal_of(Role.OFFICER), COUNCIL, Role.OFFICER)


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
        if ids != {str(case_id_for(key, LOAD_SENDER))}:
            audit.ids_not_from_key.append(f"{key}: {sorted(ids)}")
    expected = {str(case_id_for(key, LOAD_SENDER)) for key in load.keys_sent}
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
