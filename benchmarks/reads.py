"""Case reads: `ledger.get(id)` and `ledger.as_of(id, t)` of a 10-event case, p50/p99, next to
a raw psycopg SELECT of that case's rows from the same table, on a fresh PostgreSQL database
that also holds a background of other cases."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from uuid import UUID

import psycopg

from benchmarks.append import ACTOR, INTAKE, open_ledger
from benchmarks.harness import Row, fresh_database, percentile, spread
from benchmarks.workload import write_events
from complaints_ledger.application.context import CommandContext
from complaints_ledger.application.ledger import ComplaintsLedger
from complaints_ledger.persistence.view_db import POSTGRES_EVENTS_TABLE

RAW_SELECT = (
    "SELECT originator_id, originator_version, topic, state "
    f"FROM {POSTGRES_EVENTS_TABLE} WHERE originator_id = %s ORDER BY originator_version"
)


def ten_event_case(ledger: ComplaintsLedger) -> UUID:
    def ctx() -> CommandContext:
        return CommandContext(ACTOR)  # a new correlation id per command

    case_id = ledger.receive(INTAKE, ctx())
    ledger.acknowledge(case_id, ctx())
    ledger.start_investigation(case_id, ctx(), investigator="investigator")
    for number in range(4):
        ledger.record_evidence(
            case_id, ctx(), evidence_kind="statement", source=f"carer {number}", notes="notes"
        )
    for number in range(3):
        ledger.update_complainant(case_id, ctx(), channel="phone", message=f"update {number}")
    version = ledger.get(case_id).version
    if version != 10:
        raise RuntimeError(f"the read benchmark's case has {version} events, not 10")
    return case_id


def latencies_ms(action: Callable[[], Any], reads: int) -> list[float]:
    for _ in range(min(20, reads)):  # warm up connections and caches
        action()
    samples = []
    for _ in range(reads):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def measure(reads: int, runs: int, background_events: int) -> list[Row]:
    results: dict[str, dict[str, list[float]]] = {
        name: {"ours_p50": [], "ours_p99": [], "raw_p50": [], "raw_p99": []}
        for name in ("get", "as_of")
    }
    with fresh_database() as url:
        ledger = open_ledger(url)
        try:
            write_events(ledger, background_events)
            case_id = ten_event_case(ledger)
            middle = ledger.history(case_id)[4].recorded_at  # as of its 5th event
            if ledger.as_of(case_id, middle).version != 5:
                raise RuntimeError("as_of did not pick the 5th event")
            with psycopg.connect(url, autocommit=True) as connection:

                def raw() -> None:
                    rows = connection.execute(RAW_SELECT, (case_id,)).fetchall()
                    if len(rows) != 10:
                        raise RuntimeError("the raw read did not find the case")

                for _ in range(runs):
                    for name, read in (
                        ("get", lambda: ledger.get(case_id)),
                        ("as_of", lambda: ledger.as_of(case_id, middle)),
                    ):
                        raw_samples = latencies_ms(raw, reads)
                        our_samples = latencies_ms(read, reads)
                        results[name]["ours_p50"].append(percentile(our_samples, 0.50))
                        results[name]["ours_p99"].append(percentile(our_samples, 0.99))
                        results[name]["raw_p50"].append(percentile(raw_samples, 0.50))
                        results[name]["raw_p99"].append(percentile(raw_samples, 0.99))
        finally:
            ledger.close()
    rows = []
    for name, label in (("get", "ledger.get"), ("as_of", "ledger.as_of")):
        for p in ("p50", "p99"):
            ours, raw_ms = results[name][f"ours_{p}"], results[name][f"raw_{p}"]
            target, met = "", None
            if name == "as_of" and p == "p99":
                target, met = "ours <= 1 ms", spread(ours)["median"] <= 1.0
            rows.append(
                Row(
                    measure=f"read {label} of a 10-event case, {p}",
                    unit="ms",
                    ours=spread(ours),
                    raw=spread(raw_ms),
                    # For latency the ratio is raw/ours, so higher is better like the others.
                    ratio=spread([r / o for o, r in zip(ours, raw_ms, strict=True)]),
                    target=target,
                    met=met,
                    note=(
                        f"{reads} reads per run; ratio = raw/ours; {background_events:,} other "
                        "events in the table; ledger.get may hit the library's aggregate cache "
                        "(then one SELECT of newer events)"
                        if name == "get" and p == "p50"
                        else ""
                    ),
                    extra={"reads": reads},
                )
            )
    return rows
