"""A steady HTTP load from real clients over loopback, with acknowledged-write accounting."""

from __future__ import annotations

import json
import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any, Self

import httpx

from tests.faults.common import complaint_body
from tests.faults.http_load import PROBLEM_MEDIA_TYPE

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
