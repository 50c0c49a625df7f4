"""An analyst's projection with a bug: it cannot handle a service name holding an escaped control
character, so it fails on the hostile case of tests/stored_events.py and on nothing else."""

from __future__ import annotations

from complaints_ledger.readside.read_model import ReadModel, Table
from complaints_ledger.readside.records import EventRecord
from complaints_ledger.readside.views import Views

SERVICES = Table("services", {"service": "text", "received": "integer"}, key=("service",))


def _received(event: EventRecord, views: Views) -> None:
    service = event.data["service"]
    if "\\u" in service:
        raise ValueError(f"unexpected service name {service!r}")
    row = views.get(SERVICES, service) or {"service": service, "received": 0}
    row["received"] += 1
    views.put(SERVICES, row)


PROJECTION = ReadModel(
    name="service_mix",
    version=1,
    tables=(SERVICES,),
    handlers={"Received": _received},
)
