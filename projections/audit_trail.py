"""Audit trail for regulators: every event of every case with when it was recorded, when it
occurred, who did it and for which organisation; and per organisation an index of its cases."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import orjson

from complaints_ledger.domain.complaint import event_type_names
from complaints_ledger.persistence.view_db import ViewDatabase
from complaints_ledger.readside.csv_cells import csv_cell
from complaints_ledger.readside.read_model import ReadModel, Table
from complaints_ledger.readside.records import EventRecord
from complaints_ledger.readside.views import Views, physical_name

EVENTS = Table(
    "events",
    {
        "case_id": "text",
        "version": "integer",
        "position": "integer",
        "type": "text",
        "recorded_at": "text",
        "occurred_at": "text",
        "actor": "text",
        "actor_organisation": "text",
        "actor_role": "text",
        "organisation": "text",
        "correlation_id": "text",
    },
    key=("case_id", "version"),
    indexes=(("organisation", "position"),),
)
ORGANISATION_CASES = Table(
    "organisation_cases",
    {
        "organisation": "text",
        "case_id": "text",
        "relation": "text",
        "first_recorded_at": "text",
        "last_recorded_at": "text",
        "events": "integer",
    },
    key=("organisation", "case_id"),
)
CASES = Table(
    "cases",
    {"case_id": "text", "organisation": "text", "events": "integer", "last_recorded_at": "text"},
    key=("case_id",),
)
EXPORT_COLUMNS = tuple(EVENTS.columns)
OFFERS = frozenset({"Referred", "ReferralPassedOn"})  # the case offered to `to_organisation`


def _on_any_event(event: EventRecord, views: Views) -> None:
    case = views.get(CASES, event.case_id)
    organisation = case["organisation"] if case else event.data["receiving_organisation"]
    if event.type == "ReferralAccepted":
        organisation = event.data["organisation"]
    actor = event.actor
    recorded_at = event.data["timestamp"]
    views.put(
        EVENTS,
        {
            "case_id": event.case_id,
            "version": event.version,
            "position": event.position,
            "type": event.type,
            "recorded_at": recorded_at,
            "occurred_at": event.data["occurred_at"],
            "actor": actor["principal"],
            "actor_organisation": actor["organisation"],
            "actor_role": actor.get("role"),
            "organisation": organisation,
            "correlation_id": event.data["correlation_id"],
        },
    )
    views.put(
        CASES,
        {
            "case_id": event.case_id,
            "organisation": organisation,
            "events": (case["events"] if case else 0) + 1,
            "last_recorded_at": recorded_at,
        },
    )
    offered = event.type in OFFERS
    relation = "referred to" if offered else "holds"
    target = event.data["to_organisation"] if offered else organisation
    _index(views, target, event.case_id, relation, recorded_at)


def _index(views: Views, organisation: str, case_id: str, relation: str, recorded_at: str) -> None:
    row = views.get(ORGANISATION_CASES, organisation, case_id)
    if row is None:
        row = {
            "organisation": organisation,
            "case_id": case_id,
            "relation": relation,
            "first_recorded_at": recorded_at,
            "events": 0,
        }
    if relation == "holds":
        row["relation"] = "holds"
    row["last_recorded_at"] = recorded_at
    row["events"] += 1
    views.put(ORGANISATION_CASES, row)


PROJECTION = ReadModel(
    name="audit_trail",
    # 2: stored values escaped by the read side (docs/projections.md); 3: the events of reg 8
    # exclusions and Welsh local resolution discussions, missed before, are held too
    version=3,
    tables=(EVENTS, ORGANISATION_CASES, CASES),
    handlers=dict.fromkeys(event_type_names(), _on_any_event),
    description="Per case: every event with recorded and occurred time, actor and organisation.",
)


# ---- queries ---------------------------------------------------------------------------------


def case_events(db: ViewDatabase, case_id: str, namespace: str = "rm") -> list[dict[str, Any]]:
    table = physical_name(PROJECTION, EVENTS, namespace)
    rows = db.execute(
        f"SELECT {', '.join(EXPORT_COLUMNS)} FROM {table} WHERE case_id = ? ORDER BY version",  # noqa: S608
        (case_id,),
    )
    return [dict(zip(EXPORT_COLUMNS, row, strict=True)) for row in rows]


def organisation_index(
    db: ViewDatabase, organisation: str, namespace: str = "rm"
) -> list[dict[str, Any]]:
    columns = tuple(ORGANISATION_CASES.columns)
    table = physical_name(PROJECTION, ORGANISATION_CASES, namespace)
    rows = db.execute(
        f"SELECT {', '.join(columns)} FROM {table} WHERE organisation = ? "  # noqa: S608
        "ORDER BY first_recorded_at, case_id",
        (organisation,),
    )
    return [dict(zip(columns, row, strict=True)) for row in rows]


def export_rows(
    db: ViewDatabase, *, organisation: str | None = None, namespace: str = "rm"
) -> Iterator[dict[str, Any]]:
    table = physical_name(PROJECTION, EVENTS, namespace)
    where, params = ("WHERE organisation = ? ", (organisation,)) if organisation else ("", ())
    rows = db.execute(
        f"SELECT {', '.join(EXPORT_COLUMNS)} FROM {table} {where}ORDER BY position",  # noqa: S608
        params,
    )
    for row in rows:
        yield dict(zip(EXPORT_COLUMNS, row, strict=True))


def to_json_lines(rows: Iterator[dict[str, Any]]) -> Iterator[str]:
    for row in rows:
        yield orjson.dumps(row).decode() + "\n"


def to_csv(rows: Iterator[dict[str, Any]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=EXPORT_COLUMNS)
    writer.writeheader()
    for row in rows:
        writer.writerow({column: csv_cell(value) for column, value in row.items()})
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()
