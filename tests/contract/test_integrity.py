"""Tamper evidence on both stores: an untouched ledger verifies; flipping a byte, deleting or
swapping rows is caught and named; bundles verify offline and fail after any edit; a later
checkpoint is proved consistent with an earlier one."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from complaints_ledger.application.ledger import ComplaintsLedger
from complaints_ledger.demo import (
    SimulatedClock,
    first_recorded_at,
    plan_dataset,
    register_organisations,
    write_plan,
)
from complaints_ledger.integrity.bundle import export_bundle, verify_bundle
from complaints_ledger.integrity.keys import generate_key, public_key_text
from complaints_ledger.integrity.leaves import Leaf, as_uuid
from complaints_ledger.integrity.log_sealer import LogSealer
from complaints_ledger.integrity.verify import verify, verify_since
from complaints_ledger.persistence.view_db import ViewDatabase
from complaints_ledger.settings import Settings

TODAY = datetime(2026, 11, 20, tzinfo=UTC).date()


def load(url: str, cases: int, seed: int = 7) -> None:
    clock = SimulatedClock(datetime.now(UTC))
    with ComplaintsLedger(Settings(store=url), clock=clock) as ledger:
        plan = plan_dataset(seed, cases, TODAY)
        register_organisations(
            ledger, clock, first_recorded_at(plan, clock.now) - timedelta(days=1)
        )
        write_plan(ledger, clock, plan)


@pytest.fixture
def key(tmp_path: Path) -> Ed25519PrivateKey:
    return generate_key(tmp_path / "signing-key.pem")


@pytest.fixture
def sealed(store_url: str, key: Ed25519PrivateKey) -> Iterator[tuple[ViewDatabase, LogSealer]]:
    load(store_url, 12)
    db = ViewDatabase(Settings(store=store_url).store_url)
    sealer = LogSealer(db)
    sealer.checkpoint(key)
    yield db, sealer
    db.close()


def tamper(db: ViewDatabase, statement: str, *params: Any) -> None:
    """Edit the event table as a superuser would (statements use POS and EVENTS placeholders)."""
    sql = statement.replace("EVENTS", db.dialect.events_table).replace(
        "POS", db.dialect.position_column
    )
    with db.transaction():
        db.execute(sql, params)


def flip_byte(db: ViewDatabase, position: int, offset: int) -> None:
    [(state,)] = db.execute(
        f"SELECT state FROM {db.dialect.events_table} WHERE {db.dialect.position_column} = ?",
        (position,),
    )
    edited = bytearray(state)
    edited[offset % len(edited)] ^= 0x01
    tamper(db, "UPDATE EVENTS SET state = ? WHERE POS = ?", bytes(edited), position)


def positions(db: ViewDatabase) -> list[int]:
    rows = db.execute(f"SELECT {db.dialect.position_column} FROM {db.dialect.events_table}")
    return sorted(int(p) for (p,) in rows)


def test_an_untouched_ledger_verifies(sealed: Any, key: Ed25519PrivateKey) -> None:
    db, sealer = sealed
    report = verify(sealer, public_key_text(key))
    assert report.ok, [str(f) for f in report.findings]
    assert report.events == report.leaves == len(positions(db))
    assert report.checkpoints == 1


@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
@given(pick=st.integers(0, 10_000), offset=st.integers(0, 10_000))
def test_one_flipped_byte_anywhere_is_caught_and_named(
    sealed: Any, key: Ed25519PrivateKey, pick: int, offset: int
) -> None:
    db, sealer = sealed
    position = positions(db)[pick % len(positions(db))]
    flip_byte(db, position, offset)
    try:
        report = verify(sealer, public_key_text(key))
        altered = [f for f in report.findings if f.problem == "altered"]
        assert [f.position for f in altered] == [position]
        assert altered[0].case_id is not None
        assert altered[0].version is not None
        assert any(f.problem == "checkpoint" for f in report.findings)
    finally:
        flip_byte(db, position, offset)  # restore for the next example
    assert verify(sealer, public_key_text(key)).ok


def test_a_deleted_row_is_caught_and_named(sealed: Any, key: Ed25519PrivateKey) -> None:
    db, sealer = sealed
    position = positions(db)[len(positions(db)) // 2]
    tamper(db, "DELETE FROM EVENTS WHERE POS = ?", position)
    report = verify(sealer, public_key_text(key))
    assert [(f.problem, f.position) for f in report.findings if f.problem == "missing"] == [
        ("missing", position)
    ]
    assert not report.ok


def test_two_swapped_rows_are_caught_and_named(sealed: Any, key: Ed25519PrivateKey) -> None:
    db, sealer = sealed
    first, second = positions(db)[3], positions(db)[-4]
    rows = {
        p: db.execute(
            f"SELECT state FROM {db.dialect.events_table} WHERE {db.dialect.position_column} = ?",
            (p,),
        )[0][0]
        for p in (first, second)
    }
    tamper(db, "UPDATE EVENTS SET state = ? WHERE POS = ?", rows[second], first)
    tamper(db, "UPDATE EVENTS SET state = ? WHERE POS = ?", rows[first], second)
    report = verify(sealer, public_key_text(key))
    assert sorted(f.position for f in report.findings if f.problem == "altered") == [first, second]


def test_editing_an_event_and_its_cached_leaf_together_is_still_caught(
    sealed: Any, key: Ed25519PrivateKey
) -> None:
    db, sealer = sealed
    position = positions(db)[5]
    flip_byte(db, position, 40)
    [(state,)] = db.execute(
        f"SELECT state FROM {db.dialect.events_table} WHERE {db.dialect.position_column} = ?",
        (position,),
    )
    [(case, version, topic)] = db.execute(
        "SELECT l.case_id, l.version, e.topic FROM integrity_leaves l "
        f"JOIN {db.dialect.events_table} e ON e.{db.dialect.position_column} = l.position "
        "WHERE l.position = ?",
        (position,),
    )
    forged = Leaf(position, as_uuid(case), int(version), topic, bytes(state)).hash.hex()
    with db.transaction():
        db.execute(
            "UPDATE integrity_leaves SET leaf_hash = ? WHERE position = ?", (forged, position)
        )
    report = verify(sealer, public_key_text(key))
    assert {f.problem for f in report.findings} >= {"checkpoint", "chain"}


def test_a_bundle_verifies_offline_and_fails_after_any_edit(
    sealed: Any, key: Ed25519PrivateKey
) -> None:
    db, sealer = sealed
    [(case_id,)] = db.execute(
        "SELECT case_id FROM integrity_leaves GROUP BY case_id "
        "ORDER BY COUNT(*) DESC, case_id LIMIT 1"
    )
    bundle = export_bundle(sealer, UUID(case_id), sealer.latest_checkpoint())
    public = public_key_text(key)
    assert verify_bundle(bundle, public) == []
    assert verify_bundle(bundle, public_key_text(Ed25519PrivateKey.generate())) != []
    edits = {
        "state": lambda b: b["events"][1].__setitem__("state", b["events"][0]["state"]),
        "proof": lambda b: b["events"][0]["inclusion_proof"].__setitem__(0, "00" * 32),
        "index": lambda b: b["events"][0].__setitem__(
            "leaf_index", b["events"][0]["leaf_index"] + 1
        ),
        "root": lambda b: b["checkpoint"].__setitem__("root", "11" * 32),
        "size": lambda b: b["checkpoint"].__setitem__(
            "tree_size", b["checkpoint"]["tree_size"] * 2
        ),
        "dropped": lambda b: b["events"].pop(1),
        "version": lambda b: b["events"][0].__setitem__("version", 7),
    }
    for name, edit in edits.items():
        changed = copy.deepcopy(bundle)
        edit(changed)
        assert verify_bundle(changed, public) != [], name


def test_a_later_checkpoint_extends_an_earlier_one(
    store_url: str, sealed: Any, key: Ed25519PrivateKey
) -> None:
    _, sealer = sealed
    earlier = sealer.latest_checkpoint()
    load(store_url, 3, seed=99)
    later = sealer.checkpoint(key)
    assert later.tree_size > earlier.tree_size
    public = public_key_text(key)
    assert verify_since(sealer, earlier, public) == []
    assert verify_since(sealer, replace(earlier, root="22" * 32), public) != []
