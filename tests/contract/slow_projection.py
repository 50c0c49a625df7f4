"""A deliberately slow projection, so a test can kill a rebuild part-way through."""

from __future__ import annotations

import time

from complaints_ledger.domain.complaint import event_type_names
from complaints_ledger.readside.read_model import ReadModel, Table
from complaints_ledger.readside.records import EventRecord
from complaints_ledger.readside.views import Views

SEEN = Table("seen", {"case_id": "text", "events": "integer"}, key=("case_id",))


def _count(event: EventRecord, views: Views) -> None:
    time.sleep(0.01)
    row = views.get(SEEN, event.case_id) or {"case_id": event.case_id, "events": 0}
    row["events"] += 1
    views.put(SEEN, row)


PROJECTION = ReadModel(
    name="slow_count",
    version=1,
    tables=(SEEN,),
    handlers=dict.fromkeys(event_type_names(), _count),
)
