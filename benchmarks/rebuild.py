"""Projection rebuild speed on PostgreSQL, as a ratio against raw psycopg scanning the same table.

    python -m benchmarks.rebuild [--events 200000] [--runs 3] [--projection timeliness]

Creates a throwaway database on the server named by COMPLAINTS_LEDGER_BENCH_POSTGRES
(default postgresql://root@127.0.0.1:5432/test), fills it, measures, drops it.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
import uuid
from pathlib import Path
from typing import Any

import psycopg

from benchmarks.workload import write_events
from complaints_ledger.application.ledger import ComplaintsLedger
from complaints_ledger.persistence.store_url import parse_store_url
from complaints_ledger.persistence.view_db import POSTGRES_EVENTS_TABLE, ViewDatabase
from complaints_ledger.readside.discovery import select_projections
from complaints_ledger.readside.runner import DEFAULT_PAGE_SIZE, ReadModelRunner
from complaints_ledger.settings import Settings

SERVER = os.environ.get("COMPLAINTS_LEDGER_BENCH_POSTGRES", "postgresql://root@127.0.0.1:5432/test")
RESULTS = Path(__file__).parent / "results"


def raw_scan(url: str, page_size: int) -> int:
    """What raw psycopg does: page through the event table by position, fetching every column."""
    rows = 0
    with psycopg.connect(url) as connection:
        position = 0
        while True:
            page = connection.execute(
                "SELECT notification_id, originator_id, originator_version, topic, state "
                f"FROM {POSTGRES_EVENTS_TABLE} WHERE notification_id > %s "
                "ORDER BY notification_id LIMIT %s",
                (position, page_size),
            ).fetchall()
            if not page:
                return rows
            rows += len(page)
            position = page[-1][0]


def timed(action: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def measure(url: str, projection_name: str, runs: int) -> dict[str, Any]:
    [projection] = select_projections((projection_name,))
    db = ViewDatabase(parse_store_url(url))
    raw_rates, rebuild_rates, handled_rates = [], [], []
    for _ in range(runs):
        seconds, rows = timed(lambda: raw_scan(url, DEFAULT_PAGE_SIZE))
        raw_rates.append(rows / seconds)
        seconds, summary = timed(lambda: ReadModelRunner(db).rebuild(projection))
        # Both sides cover the same table: the rebuild's rate is the log's events over its time.
        # The projection asks the database only for the event types it handles; that rate is
        # reported too.
        rebuild_rates.append(rows / seconds)
        handled_rates.append(summary.events / seconds)
    db.close()
    ratios = [ours / raw for ours, raw in zip(rebuild_rates, raw_rates, strict=True)]
    return {
        "measure": f"rebuild {projection_name}",
        "events": rows,
        "handled_events": summary.events,
        "raw_scan_events_per_s": _spread(raw_rates),
        "rebuild_events_per_s": _spread(rebuild_rates),
        "rebuild_handled_events_per_s": _spread(handled_rates),
        "ratio": _spread(ratios),
        "target_ratio": 0.30,
    }


def _spread(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--projection", default="timeliness")
    args = parser.parse_args()
    database = f"cl_bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(SERVER, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {database}")
    url = SERVER.rsplit("/", 1)[0] + f"/{database}"
    try:
        ledger = ComplaintsLedger(Settings(store=url, snapshot_interval=0))
        seconds, written = timed(lambda: write_events(ledger, args.events))
        ledger.close()
        print(f"wrote {written:,} events in {seconds:.1f}s")
        result = measure(url, args.projection, args.runs)
    finally:
        with psycopg.connect(SERVER, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "rebuild.json").write_text(json.dumps(result, indent=2))
    print(
        f"{result['measure']}: {result['events']:,} events | raw scan "
        f"{result['raw_scan_events_per_s']['median']:,.0f} ev/s | rebuild "
        f"{result['rebuild_events_per_s']['median']:,.0f} ev/s of the log "
        f"({result['handled_events']:,} handled: "
        f"{result['rebuild_handled_events_per_s']['median']:,.0f}/s) | ratio "
        f"{result['ratio']['median']:.2f} (min {result['ratio']['min']:.2f}, max "
        f"{result['ratio']['max']:.2f}; target >= 0.30)"
    )


if __name__ == "__main__":
    main()
