"""Page render of the web interface next to the API's JSON for the same cases, on both stores:
p95 (and p50) of `GET /worklist` (the first page of 25, HTML) for an officer signed in with a
session cookie, and of `GET /complaints?limit=25` (the API's JSON listing of the same
organisation's cases, with a token), over an organisation holding `cases` open cases; and of the
case page `GET /cases/{id}` next to the API's `GET /complaints/{id}` for one case of 40 events
(web_case.py). Both of the latter load the case and record the read before answering.

The API has no JSON worklist route: `GET /complaints` is its listing of the caller's
organisation's cases (all of them open here), from the timeliness read model, a page at a time;
the worklist reads the worklist read model. Both bring their read model up to date before
answering, read every one of the organisation's rows and answer 25. Requests go through the
whole app in process (Starlette's TestClient: the ASGI stack, middleware, sessions, templates;
no sockets), one at a time, after a warm-up that also builds both read models. The ratio is
JSON/page, so 1.0 means the page costs no more than the JSON.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from pathlib import Path

from fastapi.testclient import TestClient

from benchmarks import web_case as case_page
from benchmarks.harness import Row, fresh_database, percentile, spread
from benchmarks.workload import ORGANISATIONS
from complaints_ledger.api.app import create_app
from complaints_ledger.application.context import CommandContext
from complaints_ledger.application.ledger import ComplaintsLedger
from complaints_ledger.domain.complaint import Intake
from complaints_ledger.domain.values import Actor, Channel, Kind, Person, RegimeId, Role
from complaints_ledger.settings import Settings
from complaints_ledger.web.signing_in import SESSION_COOKIE

COUNCIL = ORGANISATIONS[0]
OFFICER = Actor("bench.officer", COUNCIL, Role.OFFICER)
EMAIL = "bench.officer@council.example"
PASSWORD = "a benchmark officer's long passphrase"  # noqa: S105 - a throwaway account's
SERVICES = ("home care", "residential care", "charging", "assessment", "day services")
HANDLERS = ("a.khan", "b.jones", "c.smith")
WARM_UP = 10
STORES = ("sqlite", "postgres")
Found = dict[str, list[float]]


def _intake(number: int) -> Intake:
    return Intake(
        kind=Kind.COMPLAINT,
        channel=Channel.EMAIL,
        regime=RegimeId.LGSCO_CODE if number % 7 == 0 else RegimeId.ENGLAND_2009,
        receiving_organisation=COUNCIL,
        about_organisation=COUNCIL,
        service=SERVICES[number % len(SERVICES)],
        subjects=(SERVICES[number % len(SERVICES)],),
        complainant=Person("Benchmark Person"),
        summary="Visits were missed",
    )


def open_cases(url: str, cases: int) -> None:
    """`cases` open cases received over the last 60 days (so some are overdue): every third
    acknowledged, every fifth of those being investigated by one of three handlers."""
    start = datetime.now(UTC) - timedelta(days=60)
    moment = [start]
    ledger = ComplaintsLedger(Settings(store=url, snapshot_interval=0), clock=lambda: moment[0])
    try:
        for number in range(cases):
            moment[0] = start + timedelta(days=60) * number / cases
            case_id = ledger.receive(_intake(number), CommandContext(OFFICER))
            if number % 3 == 0:
                ledger.acknowledge(case_id, CommandContext(OFFICER))
            if number % 15 == 0:
                handler = HANDLERS[number % len(HANDLERS)]
                ledger.start_investigation(case_id, CommandContext(OFFICER), investigator=handler)
    finally:
        ledger.close()


@contextmanager
def store_url(store: str) -> Iterator[str]:
    if store == "postgres":
        with fresh_database() as url:
            yield url
        return
    with tempfile.TemporaryDirectory(prefix="cl-bench-web-") as folder:
        yield f"sqlite:///{folder}/ledger.db"


def latencies_ms(get: Callable[[], int], requests: int) -> list[float]:
    samples = []
    for _ in range(requests):
        started = time.perf_counter()
        status = get()
        samples.append((time.perf_counter() - started) * 1000)
        if status != HTTPStatus.OK:
            raise RuntimeError(f"the benchmark's request answered {status}")
    return samples


@contextmanager
def signed_in(url: str) -> Iterator[tuple[TestClient, dict[str, str], dict[str, str]]]:
    """The whole app in process on `url`, with an officer's session cookie headers (for pages)
    and token headers (for the API's JSON)."""
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(store=url, signing_key_file=Path(folder) / "no-key.pem")
        with TestClient(
            create_app(settings, background_sealing=False), base_url="http://localhost"
        ) as client:
            opened = client.app.state.store  # type: ignore[attr-defined]
            opened.users.add(
                email=EMAIL, organisation=COUNCIL, role=Role.OFFICER, password=PASSWORD
            )
            cookie, _ = opened.sessions.start(opened.users.authenticate(EMAIL, PASSWORD).principal)
            token, _ = opened.tokens.create(
                principal=EMAIL, organisation=COUNCIL, role=Role.OFFICER
            )
            page_headers = {"Accept": "text/html", "Cookie": f"{SESSION_COOKIE}={cookie}"}
            yield client, page_headers, {"Authorization": f"Bearer {token}"}


def compare(url: str, page_path: str, json_path: str, requests: int, runs: int) -> Found:
    """p50 and p95 of each run of `requests` GETs of the page and of the JSON, one at a time,
    after a warm-up of each."""
    found: Found = {"page_p50": [], "page_p95": [], "json_p50": [], "json_p95": []}
    with signed_in(url) as (client, page_headers, json_headers):

        def page() -> int:
            answer: int = client.get(page_path, headers=page_headers).status_code
            return answer

        def listing() -> int:
            answer: int = client.get(json_path, headers=json_headers).status_code
            return answer

        latencies_ms(page, WARM_UP)
        latencies_ms(listing, WARM_UP)
        for _ in range(runs):
            for name, get in (("page", page), ("json", listing)):
                samples = latencies_ms(get, requests)
                found[f"{name}_p50"].append(percentile(samples, 0.50))
                found[f"{name}_p95"].append(percentile(samples, 0.95))
    return found


def measure_store(store: str, cases: int, requests: int, runs: int) -> Found:
    """p50 and p95 of each run, worklist page and JSON listing, on one store."""
    with store_url(store) as url:
        open_cases(url, cases)
        return compare(url, "/worklist", "/complaints?limit=25", requests, runs)


def row(measure: str, found: Found, raw: str, requests: int, extra: dict[str, int]) -> Row:
    """The table's row: the page's p95 against the JSON's."""
    page, json = found["page_p95"], found["json_p95"]
    return Row(
        measure=measure,
        unit="ms",
        ours=spread(page),
        raw=spread(json),
        ratio=spread([j / p for p, j in zip(page, json, strict=True)]),
        note=(
            f"benchmarks.web_pages: raw = the API's JSON {raw} for the same "
            f"{'case' if 'case' in extra else 'cases'}; {requests} requests per run in "
            f"process; p50 page {spread(found['page_p50'])['median']:.1f} ms, JSON "
            f"{spread(found['json_p50'])['median']:.1f} ms"
        ),
        extra={**extra, "requests": requests, **found},
    )


def measure(cases: int, requests: int, runs: int) -> list[Row]:
    rows = []
    for store in STORES:
        rows.append(
            row(
                f"worklist page, {cases} open cases, {store}, p95",
                measure_store(store, cases, requests, runs),
                "GET /complaints?limit=25",
                requests,
                {"cases": cases},
            )
        )
        with store_url(store) as url:
            case_id = case_page.worked_case(url, OFFICER)
            found = compare(url, f"/cases/{case_id}", f"/complaints/{case_id}", requests, runs)
        rows.append(
            row(
                f"case page, {case_page.EVENTS}-event case, {store}, p95",
                found,
                "GET /complaints/{id}",
                requests,
                {"case": case_page.EVENTS},
            )
        )
    return rows
