"""One case's chain checked against its stored events (the audit page's Integrity column), on
both stores: untouched it holds; an edited event is altered, a deleted one missing, an edited
chain hash breaks the chain there; the versions after a fault follow the record and hold."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from complaints_ledger.application.context import CommandContext
from complaints_ledger.application.ledger import ComplaintsLedger
from complaints_ledger.domain.values import Actor
from complaints_ledger.integrity.case_chain import ALTERED, CHAIN, HOLDS, MISSING, case_chain
from complaints_ledger.integrity.keys import generate_key
from complaints_ledger.integrity.log_sealer import LEAVES, LogSealer
from complaints_ledger.persistence.view_db import ViewDatabase
from complaints_ledger.settings import Settings
from tests import builders
from tests.contract.test_integrity import tamper

COUNCIL = builders.COUNCIL


@pytest.fixture
def sealed_case(store_url: str, tmp_path: Path) -> Iterator[tuple[ViewDatabase, UUID]]:
    with ComplaintsLedger(Settings(store=store_url)) as ledger:
        officer = Actor("o.khan", COUNCIL)
        case_id = ledger.receive(builders.intake(), CommandContext(officer))
        ledger.acknowledge(case_id, CommandContext(officer))
        ledger.start_investigation(case_id, CommandContext(officer), investigator="o.khan")
    db = ViewDatabase(Settings(store=store_url).store_url)
    LogSealer(db).checkpoint(generate_key(tmp_path / "key.pem"))
    yield db, case_id
    db.close()


def statuses(db: ViewDatabase, case_id: UUID) -> dict[int, str]:
    return {v: sealed.status for v, sealed in case_chain(LogSealer(db), str(case_id)).items()}


def position_of(db: ViewDatabase, case_id: UUID, version: int) -> int:
    return case_chain(LogSealer(db), str(case_id))[version].position


def test_an_untouched_case_holds(sealed_case: Any) -> None:
    db, case_id = sealed_case
    assert statuses(db, case_id) == {1: HOLDS, 2: HOLDS, 3: HOLDS}
    indexes = [s.leaf_index for s in case_chain(LogSealer(db), str(case_id)).values()]
    assert indexes == sorted(indexes)


def test_an_edited_event_is_altered_and_the_next_still_holds(sealed_case: Any) -> None:
    db, case_id = sealed_case
    tamper(db, "UPDATE EVENTS SET state = ? WHERE POS = ?", b"{}", position_of(db, case_id, 2))
    assert statuses(db, case_id) == {1: HOLDS, 2: ALTERED, 3: HOLDS}


def test_a_deleted_event_is_missing(sealed_case: Any) -> None:
    db, case_id = sealed_case
    tamper(db, "DELETE FROM EVENTS WHERE POS = ?", position_of(db, case_id, 1))
    assert statuses(db, case_id) == {1: MISSING, 2: HOLDS, 3: HOLDS}


def test_an_edited_chain_hash_breaks_the_chain_there(sealed_case: Any) -> None:
    db, case_id = sealed_case
    with db.transaction():
        db.execute(
            f"UPDATE {LEAVES} SET chain_hash = ? WHERE case_id = ? AND version = 2",
            ("00" * 32, str(case_id)),
        )
    assert statuses(db, case_id) == {1: HOLDS, 2: CHAIN, 3: CHAIN}
