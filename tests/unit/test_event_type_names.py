"""`event_type_names` lists every event a case can record: read models that follow every event
(the audit trail) subscribe by it, so an event left out would be silently missing from them."""

from __future__ import annotations

from complaints_ledger.domain.case_state import CaseBase
from complaints_ledger.domain.complaint import Complaint, event_type_names

LIBRARY_CLASSES = {"Event", "Created"}  # implicit in the library, never recorded


def test_every_event_class_of_a_case_is_listed_once() -> None:
    declared = {
        name
        for name in dir(Complaint)
        if isinstance(getattr(Complaint, name), type)
        and issubclass(getattr(Complaint, name), CaseBase.Event)
    } - LIBRARY_CLASSES
    names = event_type_names()
    assert len(names) == len(set(names))
    assert set(names) == declared
    assert {"ExclusionDecided", "LocalResolutionDiscussed"} <= declared
