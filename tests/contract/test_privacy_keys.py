"""The keys behind personal data, on both stores (issue 6): master key rotation, a missing or
outdated keyring, and a subject key copied onto another subject's row.

Each test has a keyring of its own (rotation rewrites the file), not the session's.
"""

from __future__ import annotations

import os
import shutil
import stat
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest

from complaints_ledger.application.context import CommandContext
from complaints_ledger.application.ledger import ComplaintsLedger
from complaints_ledger.domain.complaint import Complaint
from complaints_ledger.domain.errors import IntegrityFailureError, InvalidValueError
from complaints_ledger.domain.privacy import ERASED, SubjectRole, subject_id_for
from complaints_ledger.domain.values import (
    Channel,
    ConsentBasis,
    Person,
    Representative,
    Stamp,
)
from complaints_ledger.persistence.subject_table import TABLE as SUBJECTS_TABLE
from complaints_ledger.persistence.view_db import ViewDatabase
from complaints_ledger.privacy.erasure import erase_subject
from complaints_ledger.privacy.keyring import load_keyring
from complaints_ledger.privacy.rotation import retire_master_keys, rotate_master_key
from tests import builders
from tests.builders import COUNCIL, MANAGER, OFFICER, T0, SimulatedClock, intake

START = T0


@pytest.fixture
def clock() -> SimulatedClock:
    return SimulatedClock(step=timedelta(minutes=1))


@pytest.fixture
def keyring_file(tmp_path: Path) -> Path:
    return tmp_path / "keys" / "keyring.json"


@pytest.fixture
def ledger_settings(keyring_file: Path) -> dict[str, Any]:
    """This test's keyring and no key cache, so that every read unwraps the stored key again."""
    return {"keyring_file": keyring_file, "key_cache_seconds": 0, "snapshot_interval": 0}


def receive(ledger: ComplaintsLedger, name: str, *, represented: bool = False) -> UUID:
    son = Representative(Person(f"{name} Junior"), "son", ConsentBasis.GIVEN)
    named = intake(
        complainant=Person(name, email=f"{name.split(maxsplit=1)[0].lower()}@example.org"),
        summary=f"{name}: carers missed four visits",
        representative=son if represented else None,
    )
    return ledger.receive(named, CommandContext(OFFICER))


def complainant_name(ledger: ComplaintsLedger, case_id: UUID) -> Any:
    complainant = ledger.get(case_id).personal["complainant"]
    return complainant if complainant == ERASED else complainant["name"]


# --------------------------------------------------------------------------- rotation


def test_after_rotation_everything_reads_and_only_the_new_key_is_kept(
    open_ledger: Callable[..., ComplaintsLedger], keyring_file: Path, tmp_path: Path
) -> None:
    ledger = open_ledger()
    represented = receive(ledger, "Ada Quill", represented=True)
    plain = receive(ledger, "Bea Fenwick")
    erased = receive(ledger, "Cy Marlowe")
    erase_subject(
        ledger, subject_id_for(erased, SubjectRole.COMPLAINANT), CommandContext(MANAGER), reason="r"
    )
    # Another process, which read the keyring before rotation. (The file is dated in the past
    # first, so that the rewrite is noticed whatever the file system's timestamp granularity.)
    os.utime(keyring_file, (1, 1))
    running = open_ledger()
    assert complainant_name(running, plain) == "Bea Fenwick"
    old_keyring = load_keyring(keyring_file)
    old_copy = tmp_path / "old-keyring.json"
    shutil.copy2(keyring_file, old_copy)
    assert ledger.subject_keys.master_keys_in_use() == {old_keyring.current: 3}

    result = rotate_master_key(ledger.subject_keys, retire_old=True)

    assert result.rewrapped == 3  # two subjects of one case, one of another; none erased
    assert result.retired == (old_keyring.current,)
    new_keyring = load_keyring(keyring_file)
    assert set(new_keyring.master_keys) == {result.new_master_key} == {new_keyring.current}
    assert new_keyring.pseudonym_key == old_keyring.pseudonym_key  # pseudonyms stay stable
    assert stat.S_IMODE(keyring_file.stat().st_mode) == 0o600
    assert ledger.subject_keys.master_keys_in_use() == {result.new_master_key: 3}
    assert [p.name for p in keyring_file.parent.iterdir()] == [keyring_file.name]

    # A fresh process reads every case; so do the running ones (they re-read the changed file),
    # and new subjects get keys wrapped by the new master key.
    for reader in (open_ledger(), running, ledger):
        assert complainant_name(reader, represented) == "Ada Quill"
        assert reader.get(represented).personal["representative"]["person"]["name"] == (
            "Ada Quill Junior"
        )
        assert complainant_name(reader, plain) == "Bea Fenwick"
        assert complainant_name(reader, erased) == ERASED
    later = receive(running, "Di Ormsby")
    assert complainant_name(open_ledger(), later) == "Di Ormsby"
    assert ledger.subject_keys.master_keys_in_use() == {result.new_master_key: 4}

    # The retired key alone opens nothing any more, and says why.
    with pytest.raises(InvalidValueError) as caught:
        open_ledger(keyring_file=old_copy).get(plain)
    assert caught.value.field == "keyring_file"
    assert result.new_master_key in caught.value.message
    assert old_keyring.current in caught.value.message


def test_rotation_without_retiring_keeps_both_keys_until_they_are_retired(
    open_ledger: Callable[..., ComplaintsLedger], keyring_file: Path, tmp_path: Path
) -> None:
    ledger = open_ledger()
    case_id = receive(ledger, "Ada Quill")
    old = load_keyring(keyring_file).current
    old_copy = tmp_path / "old-keyring.json"
    shutil.copy2(keyring_file, old_copy)

    result = rotate_master_key(ledger.subject_keys, retire_old=False)
    assert (result.rewrapped, result.retired) == (1, ())
    assert set(load_keyring(keyring_file).master_keys) == {old, result.new_master_key}
    assert complainant_name(open_ledger(), case_id) == "Ada Quill"
    with pytest.raises(InvalidValueError):  # already re-wrapped: the old key alone is not enough
        open_ledger(keyring_file=old_copy).get(case_id)

    retired, rewrapped = retire_master_keys(ledger.subject_keys)
    assert (retired, rewrapped) == ((old,), 0)
    assert set(load_keyring(keyring_file).master_keys) == {result.new_master_key}
    assert complainant_name(open_ledger(), case_id) == "Ada Quill"


# --------------------------------------------------------------------------- a missing keyring


def test_a_missing_keyring_over_stored_keys_is_an_error_not_a_new_keyring(
    open_ledger: Callable[..., ComplaintsLedger], keyring_file: Path, tmp_path: Path
) -> None:
    case_id = receive(open_ledger(), "Ada Quill")
    elsewhere = tmp_path / "elsewhere" / "keyring.json"

    # The ledger opens (the keyring is read on first use), then every use of a key fails.
    ledger = open_ledger(keyring_file=elsewhere)
    with pytest.raises(InvalidValueError) as reading:
        ledger.get(case_id)
    assert reading.value.field == "keyring_file"
    assert str(elsewhere) in reading.value.message
    with pytest.raises(InvalidValueError) as writing:
        receive(ledger, "Bea Fenwick")
    assert writing.value.field == "keyring_file"
    assert not elsewhere.exists()
    assert not elsewhere.parent.exists()
    assert len(list(ledger.complaint_ids())) == 1  # the refused receipt stored nothing

    assert complainant_name(open_ledger(), case_id) == "Ada Quill"  # the real keyring still works


def test_a_new_store_makes_its_keyring_private_on_first_use(
    open_ledger: Callable[..., ComplaintsLedger], keyring_file: Path
) -> None:
    ledger = open_ledger()
    assert not keyring_file.exists()
    receive(ledger, "Ada Quill")
    assert stat.S_IMODE(keyring_file.stat().st_mode) == 0o600
    assert len(load_keyring(keyring_file).master_keys) == 1


# --------------------------------------------------------------------------- copied keys


def test_a_wrapped_key_copied_onto_another_subject_does_not_unwrap(
    open_ledger: Callable[..., ComplaintsLedger], db: ViewDatabase
) -> None:
    ledger = open_ledger()
    source, target = receive(ledger, "Ada Quill"), receive(ledger, "Bea Fenwick")
    source_subject = subject_id_for(source, SubjectRole.COMPLAINANT)
    target_subject = subject_id_for(target, SubjectRole.COMPLAINANT)
    [(master_key_id, wrapped)] = db.execute(
        f"SELECT master_key_id, wrapped_key FROM {SUBJECTS_TABLE} WHERE subject_id = ?",
        (str(source_subject),),
    )
    with db.transaction():
        db.execute(
            f"UPDATE {SUBJECTS_TABLE} SET master_key_id = ?, wrapped_key = ? WHERE subject_id = ?",
            (master_key_id, wrapped, str(target_subject)),
        )

    with pytest.raises(IntegrityFailureError) as caught:
        open_ledger().get(target)
    assert caught.value.field == "subject_id"
    assert str(target_subject) in caught.value.message
    assert complainant_name(open_ledger(), source) == "Ada Quill"


# --------------------------------------------------------------------------- batches


def test_a_batch_of_new_cases_makes_its_keys_together_and_keeps_existing_ones(
    open_ledger: Callable[..., ComplaintsLedger], db: ViewDatabase
) -> None:
    """A bulk import puts many new cases at once: their subjects' keys are made together, a
    subject that already had a key keeps it, and every case reads back in another process."""
    writer = open_ledger()
    stamp = Stamp(START, START, OFFICER, "bulk")
    cases = [
        Complaint.receive(
            replace(stamp, correlation_id=f"bulk-{n}"),
            builders.intake(
                channel=Channel.LETTER,
                receiving_organisation=COUNCIL,
                about_organisation="Sunrise Home Care Ltd",
                complainant=Person(f"Bulk Person {n}", phone=f"07700 90010{n}"),
                summary="Carers missed visits",
                representative=Representative(Person(f"Rep {n}"), "son", ConsentBasis.GIVEN)
                if n % 2
                else None,
            ),
            complaint_id=uuid4(),
        )
        for n in range(5)
    ]
    first = subject_id_for(cases[0].id, SubjectRole.COMPLAINANT)
    _, existing_key = writer.subject_keys.key_for_writing(
        cases[0].id, SubjectRole.COMPLAINANT, None
    )

    writer.events.put([event for case in cases for event in case.collect_events()])

    reader = open_ledger()
    assert [reader.get(case.id).personal["complainant"]["name"] for case in cases] == [
        f"Bulk Person {n}" for n in range(5)
    ]
    assert reader.get(cases[1].id).personal["representative"]["person"]["name"] == "Rep 1"
    rows = db.execute(f"SELECT subject_id FROM {SUBJECTS_TABLE}")
    assert len(rows) == 5 + 2  # five complainants, two representatives
    assert reader.subject_keys.key_for_reading(first) == existing_key  # kept, not replaced
    found = reader.subject_keys.with_identity("phone:7700900103")
    assert [record.case_id for record in found] == [cases[3].id]
