"""A correction never changes the type of a field (issue 15, part 3).

Whatever JSON a correction offers - the right type, the wrong one, or a string that looks like
a list - it is either refused with nothing recorded, or the field keeps its type, and the case
rebuilt from the stored event (through JSON, as a store holds it) is the same case.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from functools import reduce
from typing import Any
from uuid import uuid4

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from complaints_ledger.domain.complaint import Complaint
from complaints_ledger.domain.correction_types import FIELD_TYPES, read_fact
from complaints_ledger.domain.errors import InvalidValueError, RuleViolationError
from complaints_ledger.domain.values import Channel, Kind
from tests import builders
from tests.builders import JO_BY_EMAIL, MANAGER, OFFICER, T0, day, intake

TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)
JSON_SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT
JSON = st.recursive(
    JSON_SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner),
    max_leaves=8,
)
PLAUSIBLE = (
    st.lists(TEXT, max_size=4)
    | st.lists(st.sampled_from(["home care", "fees", "charging, fees", " "]), max_size=4)
    | st.sampled_from([str(member) for member in (*Channel, *Kind)])
    | st.dates(date(2025, 1, 1), date(2026, 6, 8)).map(date.isoformat)
    | st.integers(0, 35 * 24 * 60).map(
        lambda minutes: (datetime(2026, 5, 1, tzinfo=UTC) + timedelta(minutes=minutes)).isoformat()
    )
    | st.sampled_from(['["residential care", "medication"]', "residential care, medication"])
)


# The type each field has on a case (an optional date may also be None before a correction).
CASE_TYPES: dict[str, type] = {
    "received_at": datetime,
    "acknowledged_at": datetime,
    "matter_occurred_on": date,
    "matter_noticed_on": date,
    "subjects": tuple,
    "service": str,
    "about_organisation": str,
    "channel": Channel,
    "kind": Kind,
}


def test_every_correctable_field_has_a_case_type() -> None:
    assert set(CASE_TYPES) == set(FIELD_TYPES)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(field=st.sampled_from(sorted(FIELD_TYPES)), offered=PLAUSIBLE | JSON)
def test_a_correction_never_changes_the_type_of_a_field(field: str, offered: Any) -> None:
    case = Complaint.receive(
        builders.stamp(T0, actor=OFFICER), intake(complainant=JO_BY_EMAIL), complaint_id=uuid4()
    )
    if field == "acknowledged_at":
        case.acknowledge(builders.stamp(T0 + timedelta(hours=1), actor=OFFICER))
    events = list(case.collect_events())
    before = getattr(case, field)
    try:
        case.correct_fact(
            builders.stamp(day(7), actor=MANAGER), field=field, new_value=offered, reason="r"
        )
    except (InvalidValueError, RuleViolationError):
        assert list(case.collect_events()) == []
        assert getattr(case, field) == before
        return
    (corrected,) = case.collect_events()
    after = getattr(case, field)
    assert type(after) is CASE_TYPES[field]
    assert before is None or type(before) is type(after)
    if isinstance(after, tuple):
        assert after
        assert all(subject.strip() == subject and subject for subject in after)
    # As a store holds it: the stored JSON reads back as the value the case now holds.
    stored = json.loads(json.dumps(corrected.new_value))
    assert read_fact(field, stored) == after
    replayed = reduce(lambda c, event: event.mutate(c), [*events, corrected], None)
    assert getattr(replayed, field) == after
