"""`python -m benchmarks` (`make bench`): every measure, ratios against raw psycopg in the same run.

    python -m benchmarks [--quick] [--only NAME ...] [--runs 3]

Prints the machine, then one table (measure, ours, raw baseline, ratio; median with min-max of the
runs), and writes benchmarks/results/all.json. Every measure uses throwaway PostgreSQL databases
on COMPLAINTS_LEDGER_BENCH_POSTGRES (default postgresql://root@127.0.0.1:5432/test); `web` also
a throwaway SQLite file, and its baseline is the API's JSON route, not raw psycopg.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from benchmarks import api_load, append, reads, web_pages
from benchmarks import rebuild as rebuild_bench
from benchmarks import verify as verify_bench
from benchmarks.harness import RESULTS, Row, describe_machine, fresh_database, machine, table
from benchmarks.workload import write_events
from complaints_ledger.log_setup import configure_logging

MEASURES = ("append1", "append8", "bulk", "rebuild", "reads", "api", "verify", "web")


def _filled(events: int) -> Any:
    """A fresh database holding `events` workload events (a context manager yielding its URL)."""

    class Filled:
        def __enter__(self) -> str:
            self.database = fresh_database()
            url = self.database.__enter__()
            ledger = append.open_ledger(url)
            try:
                write_events(ledger, events)
            finally:
                ledger.close()
            return url

        def __exit__(self, *exc: object) -> None:
            self.database.__exit__(None, None, None)

    return Filled()


def run_rebuild(events: int, runs: int) -> list[Row]:
    with _filled(events) as url:
        result = rebuild_bench.measure(url, "timeliness", runs)
    ratio = result["ratio"]
    return [
        Row(
            measure=f"rebuild timeliness, {result['events']:,} events",
            unit="ev/s",
            ours=result["rebuild_events_per_s"],
            raw=result["raw_scan_events_per_s"],
            ratio=ratio,
            target=">= 0.30x",
            met=ratio["median"] >= 0.30,
            note="benchmarks.rebuild.measure: events of the log per second of rebuild vs raw "
            f"paged scan; {result['handled_events']:,} events handled",
            extra=result,
        )
    ]


def run_verify(events: int, runs: int) -> list[Row]:
    with _filled(events) as url:
        result = verify_bench.measure(url, runs)
    return [
        Row(
            measure=f"verify, {result['events']:,} events",
            unit="ev/s",
            ours=result["verify_events_per_s"],
            raw=result["raw_sha256_events_per_s"],
            ratio=result["ratio"],
            note="benchmarks.verify.measure: raw = fetch + SHA-256 of the same bytes; no target",
            extra=result,
        )
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small counts, 10 s API load")
    parser.add_argument("--only", action="append", choices=MEASURES, help="repeatable")
    parser.add_argument("--runs", type=int, default=3, help="runs per measure (at least 3)")
    parser.add_argument("--rebuild-events", type=int, default=None)
    parser.add_argument("--complaints", type=int, default=None, help="bulk import size")
    parser.add_argument("--api-rate", type=float, default=300.0)
    parser.add_argument("--api-seconds", type=float, default=None)
    parser.add_argument(
        "--api-workers", type=int, default=api_load.WORKERS, help="`serve --workers` for the API"
    )
    parser.add_argument(
        "--api-threads", type=int, default=api_load.THREADS, help="`serve --threads` for the API"
    )
    args = parser.parse_args()
    configure_logging("warning")
    runs = max(3, args.runs)
    quick = args.quick
    sizes: dict[str, int] = {
        "append_events": 300 if quick else 2_000,
        "append8_events": 400 if quick else 2_000,
        "complaints": args.complaints or (1_000 if quick else 10_000),
        "rebuild_events": args.rebuild_events or (20_000 if quick else 200_000),
        "reads": 200 if quick else 500,
        "read_background_events": 5_000 if quick else 50_000,
        "verify_events": 10_000 if quick else 100_000,
        "web_cases": 100 if quick else 500,
        "web_requests": 30 if quick else 200,
    }
    api_seconds: float = args.api_seconds or (10.0 if quick else 60.0)
    selected = args.only or list(MEASURES)
    info = machine()
    started_at = datetime.now(UTC)
    print(describe_machine(info))
    print(
        f"{'QUICK run (small counts; not the reference figures)' if quick else 'Full run'}, "
        f"{runs} runs per measure, started {started_at:%Y-%m-%d %H:%M} UTC",
        flush=True,
    )
    plan = {
        "append1": lambda: [append.measure_append(sizes["append_events"], 1, runs)],
        "append8": lambda: [append.measure_append(sizes["append8_events"], 8, runs)],
        "bulk": lambda: [append.measure_bulk(sizes["complaints"], runs)],
        "rebuild": lambda: run_rebuild(sizes["rebuild_events"], runs),
        "reads": lambda: reads.measure(sizes["reads"], runs, sizes["read_background_events"]),
        "api": lambda: api_load.measure(
            args.api_rate,
            api_seconds,
            runs,
            server=api_load.ServerShape(args.api_workers, args.api_threads),
        ),
        "verify": lambda: run_verify(sizes["verify_events"], runs),
        "web": lambda: web_pages.measure(sizes["web_cases"], sizes["web_requests"], runs),
    }
    rows: list[Row] = []
    timings: dict[str, float] = {}
    for name in MEASURES:
        if name not in selected:
            continue
        print(f"... {name}", flush=True)
        began = time.perf_counter()
        try:
            rows.extend(plan[name]())
        except Exception as error:  # noqa: BLE001 - report it in the table, run the rest
            rows.append(Row(measure=name, unit="", ours=None, met=False, note=f"FAILED: {error!r}"))
        timings[name] = time.perf_counter() - began
    printed = table(rows, runs)
    print()
    print(printed)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "all.json").write_text(
        json.dumps(
            {
                "machine": info,
                "started_at": started_at.isoformat(),
                "quick": quick,
                "runs": runs,
                "sizes": {**sizes, "api_seconds": api_seconds},
                "seconds_per_measure": timings,
                "rows": [asdict(row) for row in rows],
                "table": printed,
            },
            indent=2,
            default=str,
        )
    )
    print(f"\nwrote {RESULTS / 'all.json'}")


if __name__ == "__main__":
    main()
