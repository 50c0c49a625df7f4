"""How complaints arrive: counts per organisation, month and channel.

This file is the template in docs/projections.md: copy it to start your own projection.
"""

from __future__ import annotations

from complaints_ledger.domain.clocks import uk_local_date
from complaints_ledger.persistence.view_db import ViewDatabase
from complaints_ledger.readside.read_model import ReadModel, Table
from complaints_ledger.readside.records import EventRecord
from complaints_ledger.readside.views import Views, physical_name

# 1. The view tables: portable column types ("text", "integer", "real", "boolean") and a key.
CHANNELS = Table(
    "channels",
    {"organisation": "text", "month": "text", "channel": "text", "received": "integer"},
    key=("organisation", "month", "channel"),
)


# 2. One handler per event type: read the event, change rows. No SQL, no clock, no personal data.
def on_received(event: EventRecord, views: Views) -> None:
    key = (
        event.data["receiving_organisation"],
        uk_local_date(event.occurred_at).strftime("%Y-%m"),
        event.data["channel"],
    )
    row = views.get(CHANNELS, *key) or dict(
        zip(("organisation", "month", "channel"), key, strict=True), received=0
    )
    row["received"] += 1
    views.put(CHANNELS, row)


# 3. The projection: a lower-case name, a version (bump it when the meaning changes: it rebuilds).
PROJECTION = ReadModel(
    name="channel_mix",
    version=1,
    tables=(CHANNELS,),
    handlers={"Received": on_received},
    description="Complaints received per organisation, month and channel.",
)


# 4. Queries read the projection's own tables (namespace "rm" is live; as-of builds have their own).
def channel_mix(db: ViewDatabase, organisation: str, namespace: str = "rm") -> dict[str, int]:
    table = physical_name(PROJECTION, CHANNELS, namespace)
    rows = db.execute(
        f"SELECT channel, SUM(received) FROM {table} WHERE organisation = ? GROUP BY channel",
        (organisation,),
    )
    return {channel: int(total) for channel, total in rows}
