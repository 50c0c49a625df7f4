"""Appends and bulk import: the ledger next to raw psycopg INSERTs of the same row shape.

1. one event per transaction, one writer: ComplaintsLedger.receive / .acknowledge alternately
   (each saves exactly one event) vs one INSERT + COMMIT per row;
2. the same with N concurrent writer threads, each on its own cases, sharing one ledger
   (as the API does) vs N threads each with its own psycopg connection;
3. bulk import of complaints with full histories: `benchmarks.workload.write_events`
   (the library's event store, batches of 2,000 events) vs executemany of the same stored rows in
   batches of 100, one commit per batch.

Each run uses a fresh database, dropped afterwards.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from typing import Any
from uuid import UUID

import psycopg

from benchmarks.harness import RAW_INSERT, Row, create_raw_table, fresh_database, spread
from benchmarks.workload import ORGANISATIONS, case_events, write_events
from complaints_ledger.application.context import CommandContext
from complaints_ledger.application.ledger import ComplaintsLedger
from complaints_ledger.domain.complaint import Intake
from complaints_ledger.domain.values import Actor, Channel, Kind, Person, RegimeId
from complaints_ledger.settings import Settings

StoredRow = tuple[UUID, int, str, bytes]

INTAKE = Intake(
    kind=Kind.COMPLAINT,
    channel=Channel.EMAIL,
    regime=RegimeId.ENGLAND_2009,
    receiving_organisation=ORGANISATIONS[0],
    about_organisation=ORGANISATIONS[0],
    service="home care",
    subjects=("home care",),
    complainant=Person("Benchmark Person"),
    summary="Visits were missed",
)
ACTOR = Actor("officer", ORGANISATIONS[0])


def open_ledger(url: str) -> ComplaintsLedger:
    return ComplaintsLedger(Settings(store=url, snapshot_interval=0))


def stored_rows(ledger: ComplaintsLedger, events: int, *, seed: int = 11) -> list[StoredRow]:
    """Realistic stored rows (the library's own encoding of workload events), for raw inserts."""
    rng = random.Random(seed)  # noqa: S311 - a repeatable workload
    rows: list[StoredRow] = []
    number = 0
    while len(rows) < events:
        for event in case_events(rng, number):
            stored = ledger.mapper.to_stored_event(event)
            rows.append(
                (
                    UUID(str(stored.originator_id)),
                    stored.originator_version,
                    stored.topic,
                    stored.state,
                )
            )
        number += 1
    return rows[:events]


def ours_commands(ledger: ComplaintsLedger, events: int) -> None:
    """`events` single-event transactions: receive a case, acknowledge it, receive the next..."""
    case_id: UUID | None = None
    for number in range(events):
        if number % 2 == 0:
            case_id = ledger.receive(INTAKE, CommandContext(ACTOR))
        else:
            if case_id is None:
                raise RuntimeError("no case to acknowledge")
            ledger.acknowledge(case_id, CommandContext(ACTOR))


def raw_inserts(url: str, rows: list[StoredRow]) -> None:
    with psycopg.connect(url) as connection:
        for row in rows:
            connection.execute(RAW_INSERT, row)
            connection.commit()


def in_threads(writers: int, work: Callable[[int], None]) -> None:
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            work(index)
        except BaseException as error:  # noqa: BLE001 - reported after the join
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise RuntimeError(f"{len(errors)} writer(s) failed: {errors[0]!r}") from errors[0]


def timed(action: Callable[[], Any]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def append_once(events: int, writers: int) -> tuple[float, float]:
    """Events/s of (ours, raw) for one run on a fresh database."""
    per_writer = max(2, events // writers // 2 * 2)
    total = per_writer * writers
    with fresh_database() as url:
        create_raw_table(url)
        ledger = open_ledger(url)
        try:
            rows = stored_rows(ledger, total)
            chunks = [rows[i * per_writer : (i + 1) * per_writer] for i in range(writers)]
            if writers == 1:
                ours = timed(lambda: ours_commands(ledger, total))
                raw = timed(lambda: raw_inserts(url, rows))
            else:
                ours = timed(
                    lambda: in_threads(writers, lambda _: ours_commands(ledger, per_writer))
                )
                raw = timed(lambda: in_threads(writers, lambda i: raw_inserts(url, chunks[i])))
        finally:
            ledger.close()
    return total / ours, total / raw


def measure_append(events: int, writers: int, runs: int) -> Row:
    ours, raw = [], []
    for _ in range(runs):
        o, r = append_once(events, writers)
        ours.append(o)
        raw.append(r)
    ratios = [o / r for o, r in zip(ours, raw, strict=True)]
    target = 0.80 if writers == 1 else 0.60
    label = "1 writer" if writers == 1 else f"{writers} writers"
    return Row(
        measure=f"append, 1 event/txn, {label}",
        unit="ev/s",
        ours=spread(ours),
        raw=spread(raw),
        ratio=spread(ratios),
        target=f">= {target:.2f}x",
        met=spread(ratios)["median"] >= target,
        note=f"{events // writers // 2 * 2 * writers:,} events per run",
        extra={"events": events, "writers": writers},
    )


def raw_bulk(url: str, rows: list[StoredRow], batch: int = 100) -> None:
    with psycopg.connect(url) as connection, connection.cursor() as cursor:
        for start in range(0, len(rows), batch):
            cursor.executemany(RAW_INSERT, rows[start : start + batch])
            connection.commit()


def measure_bulk(complaints: int, runs: int) -> Row:
    events = complaints * 8  # workload.case_events writes eight events per case
    ours, raw = [], []
    for _ in range(runs):
        with fresh_database() as url:
            create_raw_table(url)
            ledger = open_ledger(url)
            try:
                rows = stored_rows(ledger, events)
                started = time.perf_counter()
                write_events(ledger, events)
                ours.append(events / (time.perf_counter() - started))
                started = time.perf_counter()
                raw_bulk(url, rows)
                raw.append(len(rows) / (time.perf_counter() - started))
            finally:
                ledger.close()
    ratios = [o / r for o, r in zip(ours, raw, strict=True)]
    return Row(
        measure=f"bulk import, {complaints:,} complaints ({events:,} events)",
        unit="ev/s",
        ours=spread(ours),
        raw=spread(raw),
        ratio=spread(ratios),
        target=">= 0.50x",
        met=spread(ratios)["median"] >= 0.50,
        note="ours: workload.write_events, library event store, 2,000-event batches "
        "(includes building and encoding the events); raw: executemany of pre-encoded rows, "
        "100 per batch and commit",
        extra={"complaints": complaints, "events": events},
    )
