"""`verify` speed next to raw SHA-256 over the same stored bytes, in the same run.

    python -m benchmarks.verify [--events 100000] [--runs 3]

Creates a throwaway PostgreSQL database (COMPLAINTS_LEDGER_BENCH_POSTGRES), fills it, seals and
signs a checkpoint, then alternates: raw = fetch every stored event and SHA-256 its bytes;
ours = `verify` (recompute leaves, chains and the signed root). Drops the database.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import tempfile
import uuid
from pathlib import Path
from typing import Any

import psycopg

from benchmarks.rebuild import RESULTS, SERVER, _spread, timed
from benchmarks.workload import write_events
from complaints_ledger.application.ledger import ComplaintsLedger
from complaints_ledger.integrity.keys import generate_key, public_key_text
from complaints_ledger.integrity.log_sealer import LogSealer
from complaints_ledger.integrity.verify import verify
from complaints_ledger.persistence.store_url import parse_store_url
from complaints_ledger.persistence.view_db import POSTGRES_EVENTS_TABLE, ViewDatabase
from complaints_ledger.settings import Settings


def raw_hashing(url: str) -> int:
    count = 0
    with psycopg.connect(url) as connection:
        for (state,) in connection.execute(f"SELECT state FROM {POSTGRES_EVENTS_TABLE}"):
            hashlib.sha256(state).digest()
            count += 1
    return count


def measure(url: str, runs: int) -> dict[str, Any]:
    db = ViewDatabase(parse_store_url(url))
    with tempfile.TemporaryDirectory() as folder:
        key = generate_key(Path(folder) / "key.pem")
    sealer = LogSealer(db)
    seconds, _ = timed(lambda: sealer.checkpoint(key))
    print(f"sealed and signed in {seconds:.1f}s")
    raw, ours = [], []
    for _ in range(runs):
        seconds, count = timed(lambda: raw_hashing(url))
        raw.append(count / seconds)
        seconds, report = timed(lambda: verify(sealer, public_key_text(key)))
        if not report.ok:
            raise SystemExit(f"the benchmark ledger does not verify: {report.findings[:3]}")
        ours.append(report.events / seconds)
    db.close()
    ratios = [o / r for o, r in zip(ours, raw, strict=True)]
    return {
        "measure": "verify",
        "events": count,
        "raw_sha256_events_per_s": _spread(raw),
        "verify_events_per_s": _spread(ours),
        "ratio": _spread(ratios),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    database = f"cl_bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(SERVER, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {database}")
    url = SERVER.rsplit("/", 1)[0] + f"/{database}"
    try:
        ledger = ComplaintsLedger(Settings(store=url, snapshot_interval=0))
        write_events(ledger, args.events)
        ledger.close()
        result = measure(url, args.runs)
    finally:
        with psycopg.connect(SERVER, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "verify.json").write_text(json.dumps(result, indent=2))
    print(
        f"verify: {result['events']:,} events | raw SHA-256 "
        f"{result['raw_sha256_events_per_s']['median']:,.0f} ev/s | verify "
        f"{result['verify_events_per_s']['median']:,.0f} ev/s | "
        f"ratio {result['ratio']['median']:.2f}"
    )


if __name__ == "__main__":
    main()
