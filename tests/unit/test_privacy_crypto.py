"""The keyring file, key wrapping, per-field sealing and the sealing mapper (issue 6).

No store: subject keys come from an in-memory stand-in for SubjectKeys.
"""

from __future__ import annotations

import base64
import json
import os
import stat
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.persistence import (
    DatetimeAsISO,
    DecimalAsStr,
    JSONTranscoder,
    StoredEvent,
    UUIDAsHex,
)

from complaints_ledger.domain.complaint import Complaint
from complaints_ledger.domain.errors import IntegrityFailureError, InvalidValueError
from complaints_ledger.domain.privacy import ERASED, SubjectRole, subject_id_for
from complaints_ledger.domain.values import (
    Actor,
    Channel,
    ConsentBasis,
    Person,
    Representative,
    Stamp,
)
from complaints_ledger.persistence.transcodings import register_ledger_transcodings
from complaints_ledger.privacy import keyring as keyring_module
from complaints_ledger.privacy.keyring import (
    KEY_BYTES,
    Keyring,
    create_keyring,
    create_keyring_once,
    load_keyring,
    save_keyring,
)
from complaints_ledger.privacy.mapper import PersonalDataMapper
from complaints_ledger.privacy.sealing import SEALED, FieldSealer, identity_of
from complaints_ledger.privacy.subject_keys import Identity
from tests import builders

CASE = UUID("8d3c3a52-52d9-4d39-9c1e-4b8e6f1d2a10")
TOPIC = "complaints_ledger.domain.complaint:Complaint.Received"
NAME = "Zebedee Quartermaine"
PHONE = "07700 900461"


# --------------------------------------------------------------------------- keyring: wrapping


def test_a_wrapped_key_unwraps_for_its_subject_only() -> None:
    keyring = Keyring.generate()
    subject, other = uuid4(), uuid4()
    data_key = AESGCM.generate_key(KEY_BYTES * 8)
    master_key_id, wrapped = keyring.wrap(subject, data_key)
    assert master_key_id == keyring.current
    assert data_key not in wrapped
    assert keyring.wrap(subject, data_key)[1] != wrapped  # a fresh nonce every time
    assert keyring.unwrap(master_key_id, subject, wrapped) == data_key

    with pytest.raises(IntegrityFailureError) as moved:
        keyring.unwrap(master_key_id, other, wrapped)
    assert moved.value.field == "subject_id"
    altered = bytes([wrapped[0] ^ 1]) + wrapped[1:]
    with pytest.raises(IntegrityFailureError):
        keyring.unwrap(master_key_id, subject, altered)
    with pytest.raises(IntegrityFailureError):  # another keyring's master key of the same name
        Keyring({master_key_id: os.urandom(KEY_BYTES)}, master_key_id, b"p" * 32).unwrap(
            master_key_id, subject, wrapped
        )
    with pytest.raises(InvalidValueError) as unknown:
        keyring.unwrap("mk-unknown", subject, wrapped)
    assert unknown.value.field == "keyring_file"
    assert "mk-unknown" in unknown.value.message


def test_a_new_master_key_wraps_from_then_on_and_old_keys_unwrap_until_retired() -> None:
    keyring = Keyring.generate()
    subject, data_key = uuid4(), os.urandom(KEY_BYTES)
    old_id, old_wrapped = keyring.wrap(subject, data_key)
    rotated = keyring.with_new_master_key()
    assert rotated.current != old_id
    assert set(rotated.master_keys) == {old_id, rotated.current}
    assert rotated.pseudonym_key == keyring.pseudonym_key
    assert rotated.wrap(subject, data_key)[0] == rotated.current
    assert rotated.unwrap(old_id, subject, old_wrapped) == data_key

    retired = rotated.without(old_id)
    assert set(retired.master_keys) == {rotated.current}
    with pytest.raises(InvalidValueError):
        retired.unwrap(old_id, subject, old_wrapped)
    with pytest.raises(InvalidValueError) as current:
        retired.without(retired.current)
    assert current.value.field == "key_id"


def test_the_keyring_never_shows_its_keys() -> None:
    keyring = Keyring.generate()
    shown = repr(keyring) + str(keyring)
    assert keyring.current in shown
    for key in (*keyring.master_keys.values(), keyring.pseudonym_key):
        assert base64.b64encode(key).decode() not in shown
        assert repr(key) not in shown


# --------------------------------------------------------------------------- keyring: the file


@pytest.fixture
def permissive_umask() -> Iterator[None]:
    previous = os.umask(0)
    yield
    os.umask(previous)


def test_the_keyring_file_is_private_and_round_trips(
    tmp_path: Path, permissive_umask: None
) -> None:
    path = tmp_path / "new" / "dir" / "keyring.json"
    keyring = create_keyring(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_keyring(path) == keyring
    assert json.loads(path.read_text())["format"] == 1

    # Saved over a file that others could read, it is private again.
    path.chmod(0o644)
    rotated = keyring.with_new_master_key()
    save_keyring(path, rotated)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_keyring(path) == rotated
    assert [p.name for p in path.parent.iterdir()] == ["keyring.json"]  # no staging file left


def test_saving_is_atomic_a_failed_write_leaves_the_old_keyring(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "keyring.json"
    keyring = create_keyring(path)
    before = path.read_bytes()

    def half_written(document: Any, file: Any, **_: Any) -> None:
        file.write(json.dumps(document)[:20])
        raise OSError("disk full")

    monkeypatch.setattr(keyring_module.json, "dump", half_written)
    with pytest.raises(OSError, match="disk full"):
        save_keyring(path, keyring.with_new_master_key())
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert load_keyring(path) == keyring
    assert [p.name for p in tmp_path.iterdir()] == ["keyring.json"]  # no half-written copy


def test_an_existing_keyring_is_never_replaced_by_a_new_one(tmp_path: Path) -> None:
    path = tmp_path / "keyring.json"
    create_keyring(path)
    before = path.read_bytes()
    with pytest.raises(InvalidValueError) as caught:
        create_keyring(path)
    assert caught.value.field == "keyring_file"
    assert path.read_bytes() == before


def _document(keyring: Keyring) -> dict[str, Any]:
    return {
        "format": 1,
        "current": keyring.current,
        "master_keys": {k: base64.b64encode(v).decode() for k, v in keyring.master_keys.items()},
        "pseudonym_key": base64.b64encode(keyring.pseudonym_key).decode(),
    }


def _broken_documents() -> dict[str, str]:
    good = _document(Keyring.generate())
    short_key = base64.b64encode(b"short").decode()
    return {
        "not json": "{ this is not json",
        "empty": "",
        "a list": json.dumps([good]),
        "no current": json.dumps({k: v for k, v in good.items() if k != "current"}),
        "no pseudonym key": json.dumps({k: v for k, v in good.items() if k != "pseudonym_key"}),
        "null pseudonym key": json.dumps({**good, "pseudonym_key": None}),
        "keys as a list": json.dumps({**good, "master_keys": list(good["master_keys"].values())}),
        "key not base64": json.dumps({**good, "master_keys": {good["current"]: "not base64!"}}),
        "key too short": json.dumps({**good, "master_keys": {good["current"]: short_key}}),
        "current not listed": json.dumps({**good, "current": "mk-missing"}),
    }


@pytest.mark.parametrize(("broken", "text"), list(_broken_documents().items()))
def test_a_corrupt_keyring_file_is_an_invalid_value(tmp_path: Path, broken: str, text: str) -> None:
    path = tmp_path / "keyring.json"
    path.write_text(text)
    with pytest.raises(InvalidValueError) as caught:
        load_keyring(path)
    assert caught.value.field == "keyring_file"
    assert str(path) in caught.value.message


def test_a_missing_keyring_file_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(InvalidValueError) as caught:
        load_keyring(tmp_path / "nowhere.json")
    assert caught.value.field == "keyring_file"
    assert "keys init" in caught.value.message


# --------------------------------------------------------------------------- sealing fields


class MemoryKeys:
    """Stands in for SubjectKeys: one key per subject, made on first use; erasure forgets it."""

    def __init__(self) -> None:
        self.keys: dict[UUID, bytes | None] = {}
        self.identities: dict[UUID, Identity | None] = {}

    def key_for_writing(
        self,
        case_id: UUID,
        role: SubjectRole,
        identity: Identity | None,
        *,
        probably_new: bool = False,
    ) -> tuple[UUID, bytes]:
        subject = subject_id_for(case_id, role)
        self.identities.setdefault(subject, identity)  # as SubjectKeys: fixed when first made
        key = self.keys.setdefault(subject, AESGCM.generate_key(256))
        assert key is not None
        return subject, key

    def key_for_reading(self, subject_id: UUID) -> bytes | None:
        return self.keys[subject_id]

    def erase(self, case_id: UUID, role: SubjectRole) -> None:
        self.keys[subject_id_for(case_id, role)] = None


def transcoder() -> JSONTranscoder:
    """As the ledger makes it: the library's transcodings, then the ledger's."""
    made = JSONTranscoder()
    for transcoding in (UUIDAsHex(), DecimalAsStr(), DatetimeAsISO()):
        made.register(transcoding)
    register_ledger_transcodings(made)
    return made


@pytest.fixture
def keys() -> MemoryKeys:
    return MemoryKeys()


@pytest.fixture
def sealer(keys: MemoryKeys) -> FieldSealer:
    return FieldSealer(keys, transcoder())  # type: ignore[arg-type]


PERSONAL = {
    "complainant": Person(NAME, phone=PHONE).as_dict(),
    "representative": Representative(
        Person("Ottoline Featherstonehaugh", email="Otto@Example.org"),
        "daughter",
        ConsentBasis.GIVEN,
    ).as_dict(),
    "summary": f"{NAME} says the carers missed four visits",
    "accessibility_needs": ["large print"],
    "advocate_notes": "",
    "previous_value": None,
    "empty_list": [],
    "already": ERASED,
}


def test_each_personal_field_is_sealed_under_its_own_subjects_key(
    sealer: FieldSealer, keys: MemoryKeys
) -> None:
    sealed = sealer.seal(PERSONAL, case_id=CASE, version=1, topic=TOPIC)
    assert NAME not in json.dumps(sealed)
    assert PHONE not in json.dumps(sealed)
    complainant = str(subject_id_for(CASE, SubjectRole.COMPLAINANT))
    representative = str(subject_id_for(CASE, SubjectRole.REPRESENTATIVE))
    for name in ("complainant", "summary", "accessibility_needs"):
        assert set(sealed[name]) == {SEALED, "subject"}
        assert sealed[name]["subject"] == complainant
    assert sealed["representative"]["subject"] == representative
    for name in ("advocate_notes", "previous_value", "empty_list", "already"):
        assert sealed[name] == PERSONAL[name]  # nothing personal: stored as it is
    assert sealer.unseal(sealed, case_id=CASE, version=1, topic=TOPIC) == PERSONAL
    # Their identity for matching repeat complainants is normalised, never the raw details.
    assert keys.identities[UUID(complainant)] == Identity(
        ("phone:7700900461", "name:zebedee quartermaine|")
    )
    assert keys.identities[UUID(representative)] == Identity(
        ("email:otto@example.org", "name:ottoline featherstonehaugh|")
    )


def test_sealing_the_same_value_twice_gives_different_ciphertexts(sealer: FieldSealer) -> None:
    first = sealer.seal({"notes": "the same"}, case_id=CASE, version=3, topic=TOPIC)
    second = sealer.seal({"notes": "the same"}, case_id=CASE, version=3, topic=TOPIC)
    assert first["notes"][SEALED] != second["notes"][SEALED]


@pytest.mark.parametrize(
    "elsewhere",
    [
        {"case_id": uuid4()},
        {"version": 2},
        {"topic": "complaints_ledger.domain.complaint:Complaint.EvidenceRecorded"},
    ],
    ids=["another case", "another version", "another event type"],
)
def test_a_sealed_field_opens_only_where_it_was_sealed(
    sealer: FieldSealer, elsewhere: dict[str, Any]
) -> None:
    sealed = sealer.seal({"summary": "private"}, case_id=CASE, version=1, topic=TOPIC)
    where = {"case_id": CASE, "version": 1, "topic": TOPIC, **elsewhere}
    with pytest.raises(IntegrityFailureError) as caught:
        sealer.unseal(sealed, **where)
    assert caught.value.field == "summary"


def test_a_sealed_field_renamed_or_altered_does_not_open(sealer: FieldSealer) -> None:
    sealed = sealer.seal({"summary": "s", "notes": "n"}, case_id=CASE, version=1, topic=TOPIC)
    swapped = {"summary": sealed["notes"], "notes": sealed["summary"]}
    with pytest.raises(IntegrityFailureError):
        sealer.unseal(swapped, case_id=CASE, version=1, topic=TOPIC)
    blob = bytearray(base64.b64decode(sealed["notes"][SEALED]))
    blob[-1] ^= 1
    altered = {"notes": {**sealed["notes"], SEALED: base64.b64encode(blob).decode()}}
    with pytest.raises(IntegrityFailureError):
        sealer.unseal(altered, case_id=CASE, version=1, topic=TOPIC)


def test_a_field_whose_key_was_destroyed_reads_erased(
    sealer: FieldSealer, keys: MemoryKeys
) -> None:
    sealed = sealer.seal(PERSONAL, case_id=CASE, version=1, topic=TOPIC)
    keys.erase(CASE, SubjectRole.COMPLAINANT)
    opened = sealer.unseal(sealed, case_id=CASE, version=1, topic=TOPIC)
    assert opened["complainant"] == opened["summary"] == opened["accessibility_needs"] == ERASED
    assert opened["representative"] == PERSONAL["representative"]


def test_identities_are_normalised_email_then_phone_then_name_and_address() -> None:
    person = {"email": " Jo@Example.ORG ", "phone": "07700 900461", "name": "Jo  BLOGGS"}
    identity = identity_of({**person, "address": "1 High St"})
    assert identity is not None
    assert identity.identifiers == (
        "email:jo@example.org",
        "phone:7700900461",
        "name:jo bloggs|1 high st",
    )
    assert identity_of({"phone": "+44 7700 900461"}) == identity_of({"phone": "07700 900461"})
    assert identity_of({"name": "", "phone": ""}) is None
    assert identity_of("not a person") is None


# --------------------------------------------------------------------------- the mapper


def received_case() -> Complaint:
    when = datetime(2026, 6, 1, 9, tzinfo=UTC)
    return Complaint.receive(
        Stamp(when, when, Actor("o.khan", "Northshire Council"), "rx-1"),
        builders.intake(
            channel=Channel.PHONE,
            receiving_organisation="Northshire Council",
            about_organisation="Sunrise Home Care Ltd",
            complainant=Person(NAME, phone=PHONE),
            summary=f"{NAME} says the carers missed four visits",
        ),
        complaint_id=CASE,
    )


def test_the_mapper_seals_events_and_snapshots_and_opens_them_again(keys: MemoryKeys) -> None:
    made = transcoder()
    mapper = PersonalDataMapper(made, sealer=FieldSealer(keys, made))  # type: ignore[arg-type]
    case = received_case()
    (event,) = case.collect_events()
    snapshot = Complaint.Snapshot.take(case)
    stored_event, stored_snapshot = mapper.to_stored_event(event), mapper.to_stored_event(snapshot)
    for stored in (stored_event, stored_snapshot):
        assert NAME.encode() not in stored.state
        assert b"900461" not in stored.state
    assert mapper.to_domain_event(stored_event) == event
    loaded = mapper.to_domain_event(stored_snapshot).mutate(None)
    assert (loaded.id, loaded.version, loaded.personal) == (case.id, case.version, case.personal)
    assert event.personal["complainant"]["name"] == NAME  # the event itself is left as it was
    assert snapshot.state["personal"]["complainant"]["name"] == NAME

    # Stored before sealing existed: the personal part in the clear still loads.
    plain = mapper.to_stored_event(event)
    state = json.loads(plain.state)
    state["personal"] = event.personal
    legacy = StoredEvent(CASE, 1, plain.topic, json.dumps(state, default=str).encode())
    assert mapper.to_domain_event(legacy).personal == event.personal


def test_processes_racing_to_make_the_keyring_all_get_the_same_one(tmp_path: Path) -> None:
    path = tmp_path / "keyring.json"
    results: list[Keyring] = []
    threads = [
        threading.Thread(target=lambda: results.append(create_keyring_once(path))) for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 8
    assert {r.current for r in results} == {load_keyring(path).current}
    assert {r.pseudonym_key for r in results} == {load_keyring(path).pseudonym_key}
    assert [p.name for p in tmp_path.iterdir()] == ["keyring.json"]  # no staging file left
