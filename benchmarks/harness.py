"""Shared pieces of `python -m benchmarks`: throwaway databases, the machine, spreads, the table."""

from __future__ import annotations

import os
import platform
import statistics
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg

from benchmarks.rebuild import SERVER

RESULTS = Path(__file__).parent / "results"

# The same shape as the library's PostgreSQL event table, without the library.
RAW_TABLE = "raw_events"
RAW_SCHEMA = (
    f"CREATE TABLE {RAW_TABLE} (originator_id uuid NOT NULL, originator_version bigint NOT NULL, "
    "topic text, state bytea, notification_id bigserial, "
    "PRIMARY KEY (originator_id, originator_version))"
)
RAW_INSERT = (
    f"INSERT INTO {RAW_TABLE} (originator_id, originator_version, topic, state) "
    "VALUES (%s, %s, %s, %s)"
)


@contextmanager
def fresh_database() -> Iterator[str]:
    """A new, empty database on the benchmark server; always dropped afterwards."""
    database = f"cl_bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(SERVER, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {database}")
    try:
        yield SERVER.rsplit("/", 1)[0] + f"/{database}"
    finally:
        with psycopg.connect(SERVER, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")


def create_raw_table(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(RAW_SCHEMA)


def spread(values: Sequence[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


def machine() -> dict[str, Any]:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory_gb = 0.0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_gb = int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    try:
        with psycopg.connect(SERVER) as connection:
            row = connection.execute("SHOW server_version").fetchone()
            postgres = str(row[0]) if row else "unknown"
    except psycopg.Error as error:
        postgres = f"unavailable ({error})"
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "memory_gb": round(memory_gb, 1),
        "postgresql": postgres,
        "python": platform.python_version(),
        "server": SERVER.rsplit("@", 1)[-1],
    }


def describe_machine(info: dict[str, Any]) -> str:
    return (
        f"Machine: {info['cpu']}, {info['cores']} cores, {info['memory_gb']} GB RAM, "
        f"PostgreSQL {info['postgresql']} at {info['server']}, Python {info['python']}"
    )


@dataclass
class Row:
    """One line of the table. `ours`/`raw` are spreads over the runs; the ratio is ours/raw
    per run (for latencies, raw/ours, so that above 1 is always better)."""

    measure: str
    unit: str
    ours: dict[str, float] | None
    raw: dict[str, float] | None = None
    ratio: dict[str, float] | None = None
    target: str = ""
    met: bool | None = None
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _number(value: float) -> str:
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}"


def _cell(values: dict[str, float] | None, unit: str) -> str:
    if values is None:
        return "-"
    suffix = f" {unit}" if unit else ""
    return (
        f"{_number(values['median'])}{suffix} ({_number(values['min'])}-{_number(values['max'])})"
    )


def table(rows: Sequence[Row], runs: int) -> str:
    header = (
        "| measure | ours (median, min-max) | raw psycopg (median, min-max) "
        f"| ratio (median, min-max of {runs}) | target | met |"
    )
    lines = [header, "|---|---|---|---|---|---|"]
    for row in rows:
        ratio = (
            "-"
            if row.ratio is None
            else f"**{row.ratio['median']:.2f}** ({row.ratio['min']:.2f}-{row.ratio['max']:.2f})"
        )
        met = "-" if row.met is None else ("met" if row.met else "NOT met")
        lines.append(
            f"| {row.measure} | {_cell(row.ours, row.unit)} | {_cell(row.raw, row.unit)} "
            f"| {ratio} | {row.target} | {met} |"
        )
    notes = [f"- {row.measure}: {row.note}" for row in rows if row.note]
    return "\n".join(lines + (["", *notes] if notes else []))
