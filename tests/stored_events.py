"""Events written straight to the store, below the API's and the domain's checks: the values an
old event may hold (events are forever), such as NUL, which PostgreSQL text cannot hold."""

from __future__ import annotations

import dataclasses
from uuid import UUID, uuid4

import orjson

from complaints_ledger.application.context import CommandContext
from complaints_ledger.application.ledger import ComplaintsLedger
from complaints_ledger.domain.complaint import Complaint
from complaints_ledger.domain.values import Actor, Role
from complaints_ledger.integrity.log_sealer import LogSealer
from complaints_ledger.persistence.store_url import StoreURL
from complaints_ledger.persistence.view_db import ViewDatabase
from tests.builders import intake

COUNCIL = "Northshire County Council"
HOSTILE_ABOUT = "Bright\x00water \u202eHome Care"
HOSTILE_SERVICE = "Home\x00care\x1b[31m"
HOSTILE_SUBJECT = "=HYPERLINK(\x7f\x85)"


def write_hostile_case(
    ledger: ComplaintsLedger,
    organisation: str = COUNCIL,
    *,
    about: str = HOSTILE_ABOUT,
    service: str = HOSTILE_SERVICE,
    subject: str = HOSTILE_SUBJECT,
) -> UUID:
    """A complaint received by `organisation` about a provider and service whose names hold NUL,
    ESC, DEL, a C1 control and a right-to-left override (by default), stored as an old event
    could hold them: placeholders go through the domain and the mapper, the values replace them
    in the stored JSON."""
    values = {
        "PLACEHOLDER-ABOUT": about,
        "PLACEHOLDER-SERVICE": service,
        "PLACEHOLDER-SUBJECT": subject,
    }
    hostile = intake(
        receiving_organisation=organisation,
        about_organisation="PLACEHOLDER-ABOUT",
        service="PLACEHOLDER-SERVICE",
        subjects=("home care", "PLACEHOLDER-SUBJECT"),
    )
    ctx = CommandContext(Actor("k.officer", organisation, Role.OFFICER))
    complaint = Complaint.receive(ledger._stamp(ctx, None), hostile, complaint_id=uuid4())
    stored = [ledger.mapper.to_stored_event(event) for event in complaint.collect_events()]
    rows = [dataclasses.replace(s, state=_replaced(s.state, values)) for s in stored]
    ledger.recorder.insert_events(rows)
    return complaint.id


def _replaced(state: bytes, values: dict[str, str]) -> bytes:
    for placeholder, value in values.items():
        assert placeholder.encode() in state, "the placeholder is stored in the clear"
        state = state.replace(placeholder.encode(), orjson.dumps(value)[1:-1])
    return state


# How the read side shows them (docs/projections.md, "Stored values"): written out, not computed.
SHOWN_ABOUT = "Bright\\u0000water \\u202eHome Care"
SHOWN_SERVICE = "Home\\u0000care\\u001b[31m"
SHOWN_SUBJECT = "=HYPERLINK(\\u007f\\u0085)"


def edit_stored_event(store_url: StoreURL, case_id: UUID, old: bytes, new: bytes) -> None:
    """Replace `old` by `new` in the stored bytes of the case's first event, as a superuser
    editing the database could (the event must be sealed: its position comes from its leaf)."""
    db = ViewDatabase(store_url)
    try:
        [(_, where, _, _, _), *_] = LogSealer(db).case_leaves(str(case_id))
        events, position = db.dialect.events_table, db.dialect.position_column
        [(state,)] = db.execute(f"SELECT state FROM {events} WHERE {position} = ?", (where,))
        stored = bytes(state)
        assert old in stored, f"{old!r} is not in the stored event"
        with db.transaction():
            db.execute(
                f"UPDATE {events} SET state = ? WHERE {position} = ?",
                (stored.replace(old, new), where),
            )
    finally:
        db.close()
