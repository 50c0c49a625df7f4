"""Personal data on both stores (issue 6): sealed at rest, crypto-shredded on erasure.

The acceptance test plants a canary name and phone number, erases the complainant and then
looks for them in the raw bytes of the store (the SQLite files; `pg_dump` of the PostgreSQL
database), in every read path of the ledger, in every projection and in the annual report; the
integrity log still verifies. Then: a sealed field moved to another event does not open, a
half-finished erasure is finished, and cases stored before sealing existed (a class_version 2
snapshot, a Received event with its personal part in the clear) still load and can be erased.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest
from eventsourcing.persistence import Mapper, StoredEvent

from complaints_ledger.application.context import CommandContext
from complaints_ledger.application.ledger import RECEIVED_TOPIC, ComplaintsLedger
from complaints_ledger.domain.complaint import Complaint, Intake
from complaints_ledger.domain.errors import (
    IntegrityFailureError,
    NotFoundError,
    RuleViolationError,
)
from complaints_ledger.domain.privacy import ERASED, SubjectRole, subject_id_for
from complaints_ledger.domain.values import (
    Actor,
    Channel,
    ConsentBasis,
    Outcome,
    Person,
    Representative,
    Status,
)
from complaints_ledger.integrity.keys import generate_key, public_key_text
from complaints_ledger.integrity.log_sealer import LogSealer
from complaints_ledger.integrity.verify import verify
from complaints_ledger.persistence.store_url import parse_store_url
from complaints_ledger.persistence.subject_table import TABLE as SUBJECTS_TABLE
from complaints_ledger.persistence.view_db import ViewDatabase
from complaints_ledger.privacy.erasure import erase_subject
from complaints_ledger.readside.discovery import available_projections
from complaints_ledger.readside.read_model import ReadModel
from complaints_ledger.readside.runner import ReadModelRunner
from complaints_ledger.readside.views import physical_name
from projections import annual_report as ar
from tests import builders
from tests.builders import COUNCIL, MANAGER, OFFICER, T0, SimulatedClock

START = T0  # Monday 1 June 2026: reporting year 2026-27

CANARY = "Zebedee Quartermaine"
PHONE = "07700 900461"
PHONE_DIGITS = "07700900461"
REPRESENTATIVE = "Ottoline Featherstonehaugh"
COMPLAINANT_SECRETS = (CANARY, PHONE, PHONE_DIGITS)


@pytest.fixture
def ledger_settings() -> dict[str, Any]:
    return {"snapshot_interval": 2}


def intake(**changes: Any) -> Intake:
    """A complaint by phone from the canary, through a representative."""
    daughter = Representative(
        Person(REPRESENTATIVE, email="ottoline@example.org"), "daughter", ConsentBasis.GIVEN
    )
    canary = {
        "channel": Channel.PHONE,
        "subjects": ("home care", "communication"),
        "complainant": Person(CANARY, phone=PHONE, address="3 Canary Wharf Row"),
        "summary": f"{CANARY} says the carers missed four visits",
        "representative": daughter,
    }
    return builders.intake(**{**canary, **changes})


def ctx(actor: Actor = OFFICER) -> CommandContext:
    return CommandContext(actor)


def complainant_of(case_id: UUID) -> UUID:
    return subject_id_for(case_id, SubjectRole.COMPLAINANT)


def representative_of(case_id: UUID) -> UUID:
    return subject_id_for(case_id, SubjectRole.REPRESENTATIVE)


def record_canary_case(ledger: ComplaintsLedger, clock: SimulatedClock) -> UUID:
    """Receipt, evidence notes and a response summary, all about the canary: five events."""
    case_id = ledger.receive(intake(), ctx())
    clock.advance(hours=1)
    ledger.acknowledge(case_id, ctx())
    clock.advance(hours=1)
    ledger.start_investigation(case_id, ctx(), investigator="i.patel")
    clock.advance(hours=1)
    ledger.record_evidence(
        case_id,
        ctx(),
        evidence_kind="visit log",
        source="provider",
        notes=f"{CANARY} ({PHONE}) kept a diary of the missed visits",
    )
    clock.advance(hours=1)
    ledger.send_response(
        case_id,
        ctx(),
        outcome=Outcome.PARTLY_UPHELD,
        remedies=(),
        signed_by="Director of Adult Social Care",
        ombudsman_rights_given=True,
        summary=f"Dear {CANARY}, we are sorry the visits were missed",
    )
    return case_id


# --------------------------------------------------------------------------- the raw store


def stored_bytes(store_url: str) -> dict[str, bytes]:
    """Everything the store holds, as bytes: the SQLite database file and its -wal and -shm
    files, or a plain-text `pg_dump` of the PostgreSQL database."""
    store = parse_store_url(store_url)
    if store.sqlite_path is not None:
        files = [store.sqlite_path.with_name(store.sqlite_path.name + s) for s in ("", "-wal")]
        files.append(store.sqlite_path.with_name(store.sqlite_path.name + "-shm"))
        return {path.name: path.read_bytes() for path in files if path.exists()}
    pg_dump = shutil.which("pg_dump")
    assert pg_dump is not None, "pg_dump is needed to read what PostgreSQL holds"
    dumped = subprocess.run(  # noqa: S603 - a fixed binary and the test's own database URL
        [pg_dump, "--no-owner", "--dbname", store_url],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return {"pg_dump": dumped.stdout}


def forms_of(text: str) -> tuple[bytes, ...]:
    """The text as stored in the clear: its UTF-8 bytes, and the hex `pg_dump` shows for bytea."""
    return (text.encode(), text.encode().hex().encode())


def found_in_store(store_url: str, *texts: str) -> dict[str, list[str]]:
    """Which of the texts appear in which stored file, in any of their clear forms."""
    found: dict[str, list[str]] = {}
    for name, blob in stored_bytes(store_url).items():
        hits = [text for text in texts if any(form in blob for form in forms_of(text))]
        if hits:
            found[name] = hits
    return found


def wrapped_key(db: ViewDatabase, subject_id: UUID) -> str | None:
    [(wrapped,)] = db.execute(
        f"SELECT wrapped_key FROM {SUBJECTS_TABLE} WHERE subject_id = ?", (str(subject_id),)
    )
    return str(wrapped) if wrapped is not None else None


# --------------------------------------------------------------------------- the read side


def rebuild_every_projection(db: ViewDatabase) -> list[ReadModel]:
    projections = list(available_projections().values())
    runner = ReadModelRunner(db)
    for projection in projections:
        runner.rebuild(projection)
    return projections


def projection_rows(db: ViewDatabase, projections: list[ReadModel], case_id: UUID) -> str:
    """Every row of every live projection table, as text. Each projection shows the case."""
    text = {
        projection.name: repr(
            [
                db.execute(f"SELECT * FROM {physical_name(projection, table, 'rm')}")
                for table in projection.tables
            ]
        )
        for projection in projections
    }
    assert [name for name, rows in text.items() if str(case_id) not in rows] == []
    return repr(text)


# --------------------------------------------------------------------------- the canary


def assert_reads_show_the_complainant_erased(
    reader: ComplaintsLedger, case_id: UUID, before_erasure: datetime
) -> None:
    """get, history and as_of (an instant before the erasure) all read [erased] for the
    complainant's fields, and still show the representative."""
    case = reader.get(case_id)
    assert case.erased_roles == ["complainant"]
    assert case.personal["complainant"] == ERASED
    assert case.personal["summary"] == ERASED
    assert case.personal["representative"]["person"]["name"] == REPRESENTATIVE
    assert case.status == Status.RESPONDED

    history = reader.history(case_id)
    personal = {entry.type: entry.data.get("personal") for entry in history}
    assert personal["Received"]["complainant"] == ERASED
    assert personal["Received"]["summary"] == ERASED
    assert personal["Received"]["representative"]["person"]["name"] == REPRESENTATIVE
    assert personal["EvidenceRecorded"] == {"notes": ERASED}
    assert personal["ResponseSent"] == {"summary": ERASED}
    assert history[-1].type == "SubjectErased"
    assert history[-1].data["reason"] == "the complainant asked to be forgotten"

    earlier = reader.as_of(case_id, before_erasure)
    assert earlier.version == 5
    assert earlier.erased_roles == []  # nothing was erased then, but the key is gone now
    assert earlier.personal["complainant"] == ERASED
    assert earlier.personal["summary"] == ERASED
    assert earlier.personal["representative"]["person"]["name"] == REPRESENTATIVE
    earlier_history = reader.history(case_id, as_of=before_erasure)
    assert len(earlier_history) == 5

    for text in (repr(vars(case)), repr(history), repr(vars(earlier)), repr(earlier_history)):
        for secret in COMPLAINANT_SECRETS:
            assert secret not in text


def test_an_erased_complainant_is_gone_from_the_store_and_every_read_but_counts_stay(
    open_ledger: Callable[..., ComplaintsLedger],
    clock: SimulatedClock,
    db: ViewDatabase,
    store_url: str,
    tmp_path: Path,
) -> None:
    ledger = open_ledger()  # snapshots every 2 events
    case_id = record_canary_case(ledger, clock)
    assert ledger.snapshots is not None
    assert [s.originator_version for s in ledger.snapshots.get(case_id)] == [2, 4]
    complainant, representative = complainant_of(case_id), representative_of(case_id)
    complainant_key, representative_key = (
        wrapped_key(db, complainant),
        wrapped_key(db, representative),
    )
    assert complainant_key is not None
    assert representative_key is not None

    # Encrypted at rest: no personal data in the clear anywhere, even before erasure; the
    # complainant's wrapped key is there (so that its absence later means something).
    assert found_in_store(store_url, *COMPLAINANT_SECRETS, REPRESENTATIVE) == {}
    assert found_in_store(store_url, complainant_key) != {}

    projections = rebuild_every_projection(db)
    rows_before = projection_rows(db, projections, case_id)
    report_before = ar.annual_report(db, organisation=COUNCIL, year=2026)
    assert report_before["regs_16_18"]["complaints_received"] == 1
    signing_key = generate_key(tmp_path / "signing-key.pem")
    assert LogSealer(db).checkpoint(signing_key) is not None
    before_erasure = clock.now

    clock.advance(hours=24)
    result = erase_subject(
        ledger, complainant, ctx(MANAGER), reason="the complainant asked to be forgotten"
    )
    assert (result.case_id, result.role, result.version) == (case_id, SubjectRole.COMPLAINANT, 6)
    assert not result.finished_earlier_erasure

    # The store: neither the canary nor the destroyed key remains; the representative's key does.
    assert found_in_store(store_url, *COMPLAINANT_SECRETS, REPRESENTATIVE, complainant_key) == {}
    assert wrapped_key(db, complainant) is None
    assert wrapped_key(db, representative) == representative_key
    record = ledger.subject_keys.subject(complainant)
    assert record is not None
    assert record.erased_at is not None
    assert (record.master_key_id, record.identity_hash) == (None, None)

    # Every read path, in this process and in fresh ones (with and without snapshots).
    for reader in (ledger, open_ledger(), open_ledger(snapshot_interval=0)):
        assert_reads_show_the_complainant_erased(reader, case_id, before_erasure)
    snapshots = list(ledger.snapshots.get(case_id))
    assert [s.originator_version for s in snapshots] == [2, 4, 6]  # before and after erasure
    for snapshot in snapshots:
        assert snapshot.state["personal"]["complainant"] == ERASED
        assert snapshot.state["personal"]["representative"]["person"]["name"] == REPRESENTATIVE

    # The read side never held the canary; rebuilt from the log, the counts are unchanged.
    rebuild_every_projection(db)
    rows_after = projection_rows(db, projections, case_id)
    for text in (rows_before, rows_after):
        for secret in (*COMPLAINANT_SECRETS, REPRESENTATIVE):
            assert secret not in text
    assert ar.annual_report(db, organisation=COUNCIL, year=2026) == report_before

    # The integrity log still verifies (as `verify` does): erasure destroyed a key, not a
    # stored event.
    assert LogSealer(db).checkpoint(signing_key) is not None
    report = verify(LogSealer(db), public_key_text(signing_key))
    assert report.ok, [str(finding) for finding in report.findings]
    assert (report.events, report.checkpoints, report.unsealed) == (6, 2, 0)

    # Reading and rebuilding put nothing back.
    assert found_in_store(store_url, *COMPLAINANT_SECRETS, REPRESENTATIVE, complainant_key) == {}


def test_after_erasure_nothing_more_about_them_can_be_recorded(
    ledger: ComplaintsLedger, clock: SimulatedClock
) -> None:
    case_id = record_canary_case(ledger, clock)
    clock.advance(hours=1)
    erase_subject(ledger, complainant_of(case_id), ctx(MANAGER), reason="asked")

    clock.advance(hours=1)
    with pytest.raises(RuleViolationError) as caught:
        ledger.update_complainant(case_id, ctx(), channel="phone", message=f"{CANARY} rang")
    assert (caught.value.field, caught.value.rule) == ("message", "erasure")
    assert ledger.get(case_id).version == 6  # nothing stored

    # Facts without personal data are still recorded, and the representative still can be.
    ledger.close_case(case_id, ctx(), no_action_needed_reason="already put right")
    ledger.request_feedback(case_id, ctx(), channel="email")
    with pytest.raises(RuleViolationError):
        ledger.receive_feedback(case_id, ctx(), satisfaction=2, comments="Not good enough")
    assert ledger.receive_feedback(case_id, ctx(), satisfaction=2) == 9
    case = ledger.get(case_id)
    assert case.status == Status.CLOSED
    assert case.personal["representative"]["person"]["name"] == REPRESENTATIVE


def test_erasing_twice_is_refused_and_an_unknown_subject_is_not_found(
    ledger: ComplaintsLedger, clock: SimulatedClock
) -> None:
    case_id = ledger.receive(intake(representative=None), ctx())
    clock.advance(hours=1)
    with pytest.raises(NotFoundError) as unknown:
        erase_subject(ledger, uuid4(), ctx(MANAGER), reason="asked")
    assert unknown.value.field == "subject_id"
    erase_subject(ledger, complainant_of(case_id), ctx(MANAGER), reason="asked")
    clock.advance(hours=1)
    with pytest.raises(RuleViolationError) as again:
        erase_subject(ledger, complainant_of(case_id), ctx(MANAGER), reason="asked again")
    assert again.value.field == "subject_id"
    assert [entry.type for entry in ledger.history(case_id)] == ["Received", "SubjectErased"]


def test_an_erasure_recorded_but_not_finished_is_finished_by_erasing_again(
    open_ledger: Callable[..., ComplaintsLedger], clock: SimulatedClock
) -> None:
    ledger = open_ledger()
    case_id = ledger.receive(intake(representative=None), ctx())
    subject = complainant_of(case_id)
    clock.advance(hours=1)
    # The process stops after recording the erasure, before destroying the key.
    ledger._execute(
        case_id,
        ctx(MANAGER),
        lambda case, stamp: case.erase_subject(stamp, subject_id=subject, reason="asked"),
    )
    record = ledger.subject_keys.subject(subject)
    assert record is not None
    assert record.erased_at is None  # the key still exists

    clock.advance(hours=1)
    result = erase_subject(open_ledger(), subject, ctx(MANAGER), reason="asked")
    assert result.finished_earlier_erasure
    assert result.version == 2  # no second SubjectErased event
    record = ledger.subject_keys.subject(subject)
    assert record is not None
    assert record.erased_at is not None
    (received,) = [e for e in open_ledger().history(case_id) if e.type == "Received"]
    assert received.data["personal"]["complainant"] == ERASED


# --------------------------------------------------------------------------- moved ciphertext


def stored_state(ledger: ComplaintsLedger, case_id: UUID, version: int) -> dict[str, Any]:
    (event,) = [
        e for e in ledger.recorder.select_events(case_id) if e.originator_version == version
    ]
    state: dict[str, Any] = json.loads(event.state)
    return state


def insert(ledger: ComplaintsLedger, case_id: UUID, version: int, topic: str, state: Any) -> None:
    """Store an event as someone with INSERT rights on the event table could."""
    event = StoredEvent(
        originator_id=case_id,
        originator_version=version,
        topic=topic,
        state=json.dumps(state).encode(),
    )
    ledger.recorder.insert_events([event])


def test_a_sealed_field_moved_to_another_event_does_not_open(
    ledger: ComplaintsLedger, open_ledger: Callable[..., ComplaintsLedger], clock: SimulatedClock
) -> None:
    source = record_canary_case(ledger, clock)
    bystander = ledger.receive(intake(representative=None), ctx())
    evidence_topic = "complaints_ledger.domain.complaint:Complaint.EvidenceRecorded"
    evidence = stored_state(ledger, source, 4)
    assert set(evidence["personal"]["notes"]) == {"_sealed_", "subject"}

    # The evidence notes again, as a later version of the same case.
    insert(ledger, source, 6, evidence_topic, evidence)
    # The whole receipt, sealed fields and all, as the receipt of another case.
    cloned = uuid4()
    insert(ledger, cloned, 1, RECEIVED_TOPIC, stored_state(ledger, source, 1))

    fresh = open_ledger(snapshot_interval=0)
    for reader, case_id, field in (
        (fresh, source, "notes"),
        (ledger, source, "notes"),
        (fresh, cloned, "complainant"),
    ):
        with pytest.raises(IntegrityFailureError) as caught:
            reader.history(case_id)
        assert caught.value.field == field
        assert "moved" in caught.value.message
    with pytest.raises(IntegrityFailureError):
        fresh.get(cloned)
    with pytest.raises(IntegrityFailureError):
        fresh.as_of(source, clock.now)
    # The damage stays where it was done.
    assert fresh.get(bystander).personal["complainant"]["name"] == CANARY


# --------------------------------------------------------------------------- stored before issue 6


def store_plaintext_case(ledger: ComplaintsLedger) -> UUID:
    """A case as stored before personal data was sealed: its Received event holds the personal
    part in the clear, and no data subject key exists for it."""
    template = ledger.receive(intake(), ctx())
    state = stored_state(ledger, template, 1)
    state["correlation_id"] = uuid4().hex
    state["personal"] = {
        "complainant": Person(CANARY, phone=PHONE).as_dict(),
        "representative": None,
        "summary": f"{CANARY} says the carers missed four visits",
        "accessibility_needs": [],
    }
    state["represented"] = False
    legacy = uuid4()
    insert(ledger, legacy, 1, RECEIVED_TOPIC, state)
    return legacy


def test_a_plaintext_case_loads_takes_commands_and_is_erased_by_case_id(
    open_ledger: Callable[..., ComplaintsLedger], clock: SimulatedClock, store_url: str
) -> None:
    # No snapshots: a snapshot would seal the case's personal part under a new key (see below).
    ledger = open_ledger(snapshot_interval=0)
    legacy = store_plaintext_case(ledger)
    subject = complainant_of(legacy)
    assert ledger.get(legacy).personal["complainant"]["name"] == CANARY
    assert ledger.subject_keys.subject(subject) is None
    clock.advance(hours=1)
    ledger.acknowledge(legacy, ctx())
    clock.advance(hours=1)
    ledger.start_investigation(legacy, ctx(), investigator="i.patel")
    assert ledger.subject_keys.subject(subject) is None  # nothing personal recorded since
    before_erasure = clock.now

    clock.advance(hours=1)
    with pytest.raises(NotFoundError):  # no key row: the case must be named
        erase_subject(ledger, subject, ctx(MANAGER), reason="asked")
    result = erase_subject(ledger, subject, ctx(MANAGER), reason="asked", case_id=legacy)
    assert (result.case_id, result.version) == (legacy, 4)
    record = ledger.subject_keys.subject(subject)  # a tombstone: no key will be made for them
    assert record is not None
    assert record.erased_at is not None

    fresh = open_ledger()
    assert fresh.get(legacy).personal["complainant"] == ERASED
    assert fresh.get(legacy).personal["summary"] == ERASED
    (received, *_) = fresh.history(legacy)
    assert received.data["personal"]["complainant"] == ERASED
    assert fresh.history(legacy, as_of=before_erasure)[0].data["personal"]["summary"] == ERASED
    clock.advance(hours=1)
    with pytest.raises(RuleViolationError):
        fresh.record_evidence(legacy, ctx(), evidence_kind="note", source="phone", notes="more")

    # What actually happens to the plaintext event: there is no key to destroy, so every read
    # (get, history, as_of before the erasure) masks it, but its bytes stay in the store: the
    # name cannot be crypto-shredded, only the events sealed since.
    assert fresh.as_of(legacy, before_erasure).personal["complainant"] == ERASED
    assert found_in_store(store_url, CANARY) != {}


def test_new_personal_data_on_a_plaintext_case_is_sealed_and_shredded(
    ledger: ComplaintsLedger,
    open_ledger: Callable[..., ComplaintsLedger],
    clock: SimulatedClock,
) -> None:
    legacy = store_plaintext_case(ledger)
    subject = complainant_of(legacy)
    clock.advance(hours=1)
    ledger.acknowledge(legacy, ctx())
    clock.advance(hours=1)
    ledger.start_investigation(legacy, ctx(), investigator="i.patel")
    clock.advance(hours=1)
    ledger.record_evidence(
        legacy, ctx(), evidence_kind="visit log", source="provider", notes=f"{CANARY} diary"
    )
    evidence = stored_state(ledger, legacy, 4)
    assert set(evidence["personal"]["notes"]) == {"_sealed_", "subject"}
    assert ledger.snapshots is not None
    snapshot_state = json.loads(ledger.snapshots.recorder.select_events(legacy, desc=True)[0].state)
    assert set(snapshot_state["state"]["personal"]["complainant"]) == {"_sealed_", "subject"}
    assert ledger.subject_keys.subject(subject) is not None  # made for the snapshot at v2
    before_erasure = clock.now

    clock.advance(hours=1)
    erase_subject(ledger, subject, ctx(MANAGER), reason="asked", case_id=legacy)
    fresh = open_ledger(snapshot_interval=0)
    personal = {e.type: e.data.get("personal") for e in fresh.history(legacy)}
    assert personal["EvidenceRecorded"] == {"notes": ERASED}
    assert personal["Received"]["complainant"] == ERASED
    assert fresh.get(legacy).personal["complainant"] == ERASED
    # The sealed notes, and the snapshots' sealed copies of the plaintext receipt, are
    # shredded: they read [erased] even as of before the erasure.
    (evidence_then,) = [
        e for e in fresh.history(legacy, as_of=before_erasure) if e.type == "EvidenceRecorded"
    ]
    assert evidence_then.data["personal"] == {"notes": ERASED}
    assert fresh.as_of(legacy, before_erasure).personal["complainant"] == ERASED
    assert ledger.snapshots is not None
    for snapshot in ledger.snapshots.get(legacy):
        assert snapshot.state["personal"]["complainant"] == ERASED


def test_a_class_version_2_snapshot_loads_and_the_case_takes_new_commands(
    open_ledger: Callable[..., ComplaintsLedger], clock: SimulatedClock
) -> None:
    writer = open_ledger(snapshot_interval=0)
    case_id = writer.receive(intake(), ctx())
    clock.advance(hours=1)
    writer.acknowledge(case_id, ctx())

    # The snapshot version 2 of the aggregate took: no erasure or hold in its state, and the
    # personal part in the clear (sealing came in with class_version 3). Its service is marked,
    # to tell that the case was loaded from this snapshot and not replayed from its events.
    snapshot = Complaint.Snapshot.take(writer.get(case_id))
    stored = Mapper(transcoder=writer.mapper.transcoder).to_stored_event(snapshot)
    state = json.loads(stored.state)
    assert state["state"]["class_version"] == 4
    for name in ("erased_roles", "litigation_hold", "handlers"):
        del state["state"][name]
    state["state"]["class_version"] = 2
    state["state"]["service"] = "home care (from the v2 snapshot)"
    reader = open_ledger(snapshot_interval=2)
    assert reader.snapshots is not None
    reader.snapshots.recorder.insert_events([replace(stored, state=json.dumps(state).encode())])
    case = reader.get(case_id)
    assert case.service == "home care (from the v2 snapshot)"
    assert (case.erased_roles, case.litigation_hold) == ([], None)
    assert case.personal["complainant"]["name"] == CANARY
    assert case.status == Status.ACKNOWLEDGED

    clock.advance(hours=1)
    assert reader.place_litigation_hold(case_id, ctx(MANAGER), reason="claim issued") == 3
    assert reader.get(case_id).litigation_hold == {"placed_at": clock.now, "reason": "claim issued"}
    clock.advance(hours=1)
    reader.lift_litigation_hold(case_id, ctx(MANAGER), reason="claim settled")
    clock.advance(hours=1)
    erase_subject(reader, representative_of(case_id), ctx(MANAGER), reason="asked")
    case = open_ledger(snapshot_interval=2).get(case_id)
    assert case.erased_roles == ["representative"]
    assert case.personal["representative"] == ERASED
    assert case.personal["complainant"]["name"] == CANARY
