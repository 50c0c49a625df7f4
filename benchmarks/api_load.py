"""Mixed load on the HTTP API over loopback.

`complaints-ledger serve` runs as a subprocess on 127.0.0.1 and a free port, against a fresh
PostgreSQL database holding registered organisations, a token and seeded cases. A load generator
in another process (multiprocessing, httpx) sends an open-loop, fixed-rate mix: 80% GET
/complaints/{id} and 20% POST /complaints with an Idempotency-Key. Latency is measured from each
request's *scheduled* send time, so a generator or server that falls behind shows up in the tail.
Afterwards every acknowledged (201) POST's case is looked up in the store: a missing one is a lost
write. The server is always stopped, and the database dropped.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg

from benchmarks.append import ACTOR, INTAKE, open_ledger
from benchmarks.harness import Row, fresh_database, percentile, spread
from benchmarks.loopback_http import LoopbackClient, LoopbackHTTPError, Response
from benchmarks.workload import ORGANISATIONS
from complaints_ledger.access import TokenStore
from complaints_ledger.application.context import CommandContext
from complaints_ledger.domain.registry import OrganisationKind
from complaints_ledger.domain.values import Actor, Role
from complaints_ledger.integrity.keys import generate_key
from complaints_ledger.persistence.store_url import parse_store_url
from complaints_ledger.persistence.view_db import POSTGRES_EVENTS_TABLE

COUNCIL, PROVIDER = ORGANISATIONS[0], ORGANISATIONS[2]
SEEDED_CASES = 100
READ_SHARE = 0.8
# After the load window, requests still unanswered this long are cancelled and counted as errors
# (with this wait as a lower bound of their latency): the run stays bounded in time.
DRAIN_SECONDS = 30.0
# The same load runs this long before the measured window, its latencies kept apart: a
# fresh server process opens its pooled connections and fills its caches on its first requests.
# Its errors and acknowledged writes still count.
WARM_UP_SECONDS = 5.0
# At most this many requests in flight (one per loopback connection); the rest wait their turn.
IN_FLIGHT = 128
# The server's shape: processes x threads each (`serve --workers --threads`).
WORKERS, THREADS = 2, 4


@dataclass(frozen=True)
class ServerShape:
    workers: int = WORKERS
    threads: int = THREADS

    def __str__(self) -> str:
        return f"{self.workers} process(es) x {self.threads} thread(s)"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def prepare(url: str) -> tuple[str, list[str]]:
    """Organisations, an officer's token and some cases to read; returns (token, case ids)."""
    ledger = open_ledger(url)
    try:
        admin = CommandContext(Actor("admin", "complaints-ledger", Role.ADMIN))
        ledger.register_organisation(admin, name=COUNCIL, kind=OrganisationKind.COUNCIL)
        ledger.register_organisation(admin, name=PROVIDER, kind=OrganisationKind.PROVIDER)
        ids = [str(ledger.receive(INTAKE, CommandContext(ACTOR))) for _ in range(SEEDED_CASES)]
    finally:
        ledger.close()
    tokens = TokenStore(parse_store_url(url))
    try:
        raw, _ = tokens.create(principal="bench@council", organisation=COUNCIL, role=Role.OFFICER)
    finally:
        tokens.close()
    return raw, ids


def complaint_body() -> dict[str, Any]:
    return {
        "organisation": COUNCIL,
        "regime": "england-2009",
        "kind": "complaint",
        "channel": "email",
        "received_at": (datetime.now(UTC) - timedelta(minutes=1)).isoformat(),
        "subjects": ["home care", "communication"],
        "about": {"organisation": PROVIDER, "service": "home care"},
        "complainant": {"name": "Load Person", "email": "load@example.org"},
        "summary": "Carers missed four visits.",
    }


class LoadGenerator:
    """Open loop: request n is sent at `start + n / rate` whether or not earlier ones returned."""

    def __init__(self, base: str, token: str, ids: list[str], rate: float) -> None:
        self.ids, self.rate = ids, rate
        self.rng = random.Random(3)  # noqa: S311 - a repeatable mix
        self.latencies: dict[str, list[float]] = {
            "read": [],
            "command": [],
            "unanswered": [],
            "warm_up": [],
        }
        self.errors: list[str] = []
        self.acknowledged: list[str] = []
        self.timeline: list[tuple[float, float]] = []  # (scheduled second of the run, ms)
        host, port = base.removeprefix("http://").split(":")
        self.client = LoopbackClient(
            host, int(port), {"Authorization": f"Bearer {token}"}, IN_FLIGHT
        )
        self.started = 0.0  # the measured window's start, once running
        self.elapsed = 0.0

    async def run(self, seconds: float) -> dict[str, Any]:
        total = int(self.rate * seconds)
        try:
            scheduled_at = await self._send_all(total)
            pending = await self._drain(scheduled_at)
        finally:
            await self.client.close()
        answered = len(self.latencies["read"]) + len(self.latencies["command"])
        return {
            "requests": total,
            "answered": answered,
            "unanswered": len(pending),
            "elapsed_s": self.elapsed,
            "latencies_ms": self.latencies,
            "errors": self.errors,
            "acknowledged": self.acknowledged,
            "timeline": self.timeline,
        }

    async def _send_all(self, total: int) -> dict[asyncio.Task[None], float]:
        scheduled_at: dict[asyncio.Task[None], float] = {}
        self.started = time.perf_counter() + WARM_UP_SECONDS
        for number in range(-int(self.rate * WARM_UP_SECONDS), total):
            scheduled = self.started + number / self.rate
            delay = scheduled - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            read = self.rng.random() < READ_SHARE
            task = asyncio.create_task(self._one(scheduled, read, counted=number >= 0))
            scheduled_at[task] = scheduled
        _progress(f"load sent in {time.perf_counter() - self.started:.1f} s")
        return scheduled_at

    async def _drain(self, scheduled_at: dict[asyncio.Task[None], float]) -> set[Any]:
        tasks = set(scheduled_at)
        _, pending = await asyncio.wait(tasks, timeout=DRAIN_SECONDS) if tasks else ((), set())
        self.elapsed = time.perf_counter() - self.started
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.wait(pending)
            self.errors.extend(
                [f"no answer within the load window + {DRAIN_SECONDS:.0f} s"] * len(pending)
            )
            now = time.perf_counter()
            self.latencies["unanswered"] = [(now - scheduled_at[t]) * 1000 for t in pending]
        _progress(f"{len(pending)} unanswered after {time.perf_counter() - self.started:.1f} s")
        return pending

    async def _one(self, scheduled: float, read: bool, *, counted: bool) -> None:
        try:
            await (self._read() if read else self._command())
        except (OSError, LoopbackHTTPError, ValueError) as error:
            self.errors.append(repr(error))
        latency = (time.perf_counter() - scheduled) * 1000
        kind = ("read" if read else "command") if counted else "warm_up"
        self.latencies[kind].append(latency)
        self.timeline.append((round(scheduled - self.started, 3), round(latency, 1)))

    async def _read(self) -> None:
        response = await self.client.get(f"/complaints/{self.rng.choice(self.ids)}")
        self._check(response, 200)

    async def _command(self) -> None:
        response = await self.client.post(
            "/complaints", complaint_body(), {"Idempotency-Key": uuid.uuid4().hex}
        )
        if response.status == 201:
            self.acknowledged.append(response.json()["id"])
        self._check(response, 201)

    def _check(self, response: Response, expected: int) -> None:
        if response.status != expected:
            self.errors.append(f"{response.status} {response.body[:200].decode()}")


def _progress(line: str) -> None:
    print(f"    {line}", file=sys.stderr, flush=True)


def generator_process(
    *, base: str, token: str, ids: list[str], rate: float, seconds: float, out: str
) -> None:
    result = asyncio.run(LoadGenerator(base, token, ids, rate).run(seconds))
    Path(out).write_text(json.dumps(result))


def start_server(url: str, port: int, folder: Path, shape: ServerShape) -> subprocess.Popen[bytes]:
    executable = Path(sys.executable).parent / "complaints-ledger"
    key = folder / "signing-key.pem"
    generate_key(key)
    env = {
        **os.environ,
        "COMPLAINTS_LEDGER_LOG_LEVEL": "warning",
        "COMPLAINTS_LEDGER_SIGNING_KEY_FILE": str(key),
    }
    log = (folder / "server.log").open("wb")
    command = [str(executable), "serve", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--workers", str(shape.workers), "--threads", str(shape.threads)]
    return subprocess.Popen(  # noqa: S603 - our own CLI, fixed arguments
        [*command, "--store", url], env=env, stdout=log, stderr=subprocess.STDOUT
    )


def wait_ready(base: str, server: subprocess.Popen[bytes], folder: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            log = (folder / "server.log").read_text()[-2000:]
            raise RuntimeError(f"the server exited with {server.returncode}:\n{log}")
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError("the server did not become ready in 60 s")


def stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=15)


def lost_writes(url: str, acknowledged: list[str]) -> int:
    if not acknowledged:
        return 0
    with psycopg.connect(url) as connection:
        found = connection.execute(
            f"SELECT count(DISTINCT originator_id) FROM {POSTGRES_EVENTS_TABLE} "
            "WHERE originator_id = ANY(%s) AND originator_version = 1",
            ([uuid.UUID(i) for i in acknowledged],),
        ).fetchone()
    return len(set(acknowledged)) - (int(found[0]) if found else 0)


def run_once(rate: float, seconds: float, shape: ServerShape) -> dict[str, Any]:
    with fresh_database() as url, tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        token, ids = prepare(url)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = start_server(url, port, folder, shape)
        try:
            wait_ready(base, server, folder)
            out = folder / "load.json"
            context = multiprocessing.get_context("spawn")
            generator = context.Process(
                target=generator_process,
                kwargs={
                    "base": base,
                    "token": token,
                    "ids": ids,
                    "rate": rate,
                    "seconds": seconds,
                    "out": str(out),
                },
            )
            generator.start()
            generator.join(timeout=seconds + DRAIN_SECONDS + 240)
            if generator.is_alive():
                generator.terminate()
                generator.join()
                raise RuntimeError("the load generator did not finish in time")
            if generator.exitcode != 0:
                raise RuntimeError(f"the load generator failed ({generator.exitcode})")
            result: dict[str, Any] = json.loads(out.read_text())
        finally:
            stop(server)
        result["lost_writes"] = lost_writes(url, result["acknowledged"])
    return result


def measure(rate: float, seconds: float, runs: int, server: ServerShape | None = None) -> list[Row]:
    shape = server or ServerShape()
    p50, p99, read_p99, command_p99, errors, lost, achieved = [], [], [], [], [], [], []
    samples: list[str] = []
    for _ in range(runs):
        result = run_once(rate, seconds, shape)
        timings = result["latencies_ms"]
        # Unanswered requests count with their wait so far: a lower bound of their latency.
        both = timings["read"] + timings["command"] + timings["unanswered"]
        p50.append(percentile(both, 0.50))
        p99.append(percentile(both, 0.99))
        read_p99.append(percentile(result["latencies_ms"]["read"], 0.99))
        command_p99.append(percentile(result["latencies_ms"]["command"], 0.99))
        errors.append(float(len(result["errors"])))
        lost.append(float(result["lost_writes"]))
        answered = len(timings["read"]) + len(timings["command"])
        achieved.append(answered / result["elapsed_s"])
        samples.extend(result["errors"][:3])
    label = f"API {rate:.0f} req/s x {seconds:.0f} s, 80/20"
    met = max(p99) < 100 and max(errors) == 0 and max(lost) == 0
    extra = {
        "rate": rate,
        "seconds": seconds,
        "achieved_rate": spread(achieved),
        "workers": shape.workers,
        "threads": shape.threads,
    }
    note = (
        f"server {shape}; answered {spread(achieved)['median']:.0f} req/s over load window + "
        f"drain; {WARM_UP_SECONDS:.0f} s warm-up first; latency from each request's scheduled "
        "send time; "
        f"p99 reads {spread(read_p99)['median']:.0f} ms, commands "
        f"{spread(command_p99)['median']:.0f} ms"
    )
    if samples:
        note += f"; sample errors: {samples[:2]}"
    return [
        Row(f"{label}, p50", "ms", spread(p50), note=note, extra=extra),
        Row(f"{label}, p99", "ms", spread(p99), target="< 100 ms", met=max(p99) < 100),
        Row(f"{label}, errors", "", spread(errors), target="0", met=max(errors) == 0),
        Row(
            f"{label}, lost writes (acked POST not in store)",
            "",
            spread(lost),
            target="0",
            met=max(lost) == 0,
            extra={"all_api_targets_met": met},
        ),
    ]
