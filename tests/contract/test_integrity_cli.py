"""The integrity commands as an auditor runs them, on both stores: keys, checkpoint, verify (exit 1
naming what was altered), export and verify-bundle (offline), and verify --since."""

from __future__ import annotations

import json
from pathlib import Path
from uuid import UUID

import pytest
from typer.testing import CliRunner, Result

from complaints_ledger.cli.main import app
from complaints_ledger.persistence.view_db import ViewDatabase
from complaints_ledger.settings import Settings


def cli(store: str, key_file: Path, *args: str) -> Result:
    env = {"COMPLAINTS_LEDGER_SIGNING_KEY_FILE": str(key_file), "COLUMNS": "200"}
    return CliRunner().invoke(app, ["--store", store, *args], env=env)


@pytest.fixture
def signed_demo(store_url: str, tmp_path: Path) -> tuple[str, Path, str]:
    """A demo store with a signing key: its URL, the key file and the public key."""
    key_file = tmp_path / "key.pem"
    assert cli(store_url, key_file, "demo", "--complaints", "8").exit_code == 0
    made = cli(store_url, key_file, "keys", "init")
    assert made.exit_code == 0, made.output
    return store_url, key_file, made.stdout.strip()


def first_case(store: str) -> str:
    db = ViewDatabase(Settings(store=store).store_url)
    try:
        [(case_id,)] = db.execute(
            f"SELECT originator_id FROM {db.dialect.events_table} WHERE topic LIKE ? LIMIT 1",
            ("%Complaint.Received",),
        )
    finally:
        db.close()
    return str(UUID(str(case_id)))


def test_the_auditors_round_trip(signed_demo: tuple[str, Path, str], tmp_path: Path) -> None:
    store, key_file, public = signed_demo
    assert cli(store, key_file, "keys", "public").stdout.strip() == public
    again = cli(store, key_file, "keys", "init")
    assert again.exit_code == 2, "an existing key is never overwritten"
    signed = cli(store, key_file, "checkpoint")
    assert signed.exit_code == 0, signed.output
    earlier = tmp_path / "earlier.json"
    earlier.write_text(signed.stdout)
    verified = cli(store, key_file, "verify")
    assert verified.exit_code == 0, verified.output
    assert verified.stdout.startswith("OK ")
    bundle = tmp_path / "bundle.json"
    exported = cli(store, key_file, "export", first_case(store), "--out", str(bundle))
    assert exported.exit_code == 0, exported.output
    offline = CliRunner().invoke(app, ["verify-bundle", str(bundle), "--public-key", public])
    assert offline.exit_code == 0, offline.output
    edited = json.loads(bundle.read_text())
    edited["events"][0]["topic"] += "x"
    bundle.write_text(json.dumps(edited))
    tampered = CliRunner().invoke(app, ["verify-bundle", str(bundle), "--public-key", public])
    assert tampered.exit_code == 1
    assert "FAIL version 1" in tampered.stderr
    assert cli(store, key_file, "demo", "--complaints", "8").exit_code == 0
    assert cli(store, key_file, "checkpoint").exit_code == 0
    since = cli(store, key_file, "verify", "--since", str(earlier))
    assert since.exit_code == 0, since.output


def test_verify_exits_1_naming_the_altered_event(signed_demo: tuple[str, Path, str]) -> None:
    store, key_file, _ = signed_demo
    assert cli(store, key_file, "checkpoint").exit_code == 0
    db = ViewDatabase(Settings(store=store).store_url)
    table, position = db.dialect.events_table, db.dialect.position_column
    try:
        with db.transaction():
            db.execute(f"UPDATE {table} SET topic = topic || 'x' WHERE {position} = 5")
    finally:
        db.close()
    result = cli(store, key_file, "verify")
    assert result.exit_code == 1
    assert "FAIL altered" in result.stderr
    assert "position 5" in result.stderr


def test_mistakes_get_one_line_and_exit_2(
    signed_demo: tuple[str, Path, str], tmp_path: Path
) -> None:
    store, key_file, public = signed_demo
    for args in (
        ("export", "not-a-uuid", "--out", str(tmp_path / "b.json")),
        ("export", "00000000-0000-0000-0000-000000000001", "--out", str(tmp_path / "b.json")),
        ("verify", "--since", str(tmp_path / "missing.json")),
    ):
        result = cli(store, key_file, *args)
        assert result.exit_code == 2, (args, result.output)
        assert len(result.stderr.strip().splitlines()) == 1
        assert "Traceback" not in result.output
    no_key = cli(store, tmp_path / "nowhere.pem", "checkpoint")
    assert no_key.exit_code == 2
    assert "keys init" in no_key.stderr
    bad_public = CliRunner().invoke(
        app, ["verify-bundle", str(tmp_path / "none.json"), "--public-key", public]
    )
    assert bad_public.exit_code == 2


def attacker_truncates(store: str, keep_leaves: int) -> None:
    """Delete every event past the first `keep_leaves` leaves, their leaves and every checkpoint
    covering them, and wind the sealer back, as a superuser covering their tracks would."""
    db = ViewDatabase(Settings(store=store).store_url)
    table, position = db.dialect.events_table, db.dialect.position_column
    try:
        [(last_kept,)] = db.execute(
            "SELECT position FROM integrity_leaves WHERE leaf_index = ?", (keep_leaves - 1,)
        )
        with db.transaction():
            db.execute(f"DELETE FROM {table} WHERE {position} > ?", (last_kept,))
            db.execute("DELETE FROM integrity_leaves WHERE leaf_index >= ?", (keep_leaves,))
            db.execute("DELETE FROM integrity_checkpoints WHERE tree_size > ?", (keep_leaves,))
            db.execute(
                "UPDATE readside_positions SET position = ?, events = ? WHERE name = ?",
                (last_kept, keep_leaves, "integrity_sealer"),
            )
    finally:
        db.close()


def add_events(store: str, key_file: Path, name: str) -> None:
    added = cli(store, key_file, "org", "add", name, "--kind", "council")
    assert added.exit_code == 0, added.output


def test_deleting_the_newest_events_with_the_only_checkpoint_is_not_ok(
    signed_demo: tuple[str, Path, str],
) -> None:
    store, key_file, _ = signed_demo
    signed = cli(store, key_file, "checkpoint")
    assert signed.exit_code == 0, signed.output
    size = json.loads(signed.stdout)["tree_size"]
    attacker_truncates(store, size - 3)
    result = cli(store, key_file, "verify")
    assert result.exit_code == 3, result.output
    assert "WARN" in result.stderr
    assert "covered by no signed checkpoint (the largest verified one covers 0)" in result.stderr


def test_deleting_back_into_a_signed_range_leaves_events_no_checkpoint_covers(
    signed_demo: tuple[str, Path, str],
) -> None:
    store, key_file, _ = signed_demo
    first = json.loads(cli(store, key_file, "checkpoint").stdout)["tree_size"]
    add_events(store, key_file, "Eastvale Borough Council")
    add_events(store, key_file, "Westvale Borough Council")
    second = json.loads(cli(store, key_file, "checkpoint").stdout)["tree_size"]
    assert second > first + 1
    attacker_truncates(store, second - 1)
    result = cli(store, key_file, "verify")
    assert result.exit_code == 3, result.output
    assert f"the largest verified one covers {first}" in result.stderr


def test_the_checkpoint_the_auditor_kept_catches_a_truncation_at_a_checkpoint(
    signed_demo: tuple[str, Path, str], tmp_path: Path
) -> None:
    store, key_file, _ = signed_demo
    first = json.loads(cli(store, key_file, "checkpoint").stdout)["tree_size"]
    add_events(store, key_file, "Eastvale Borough Council")
    kept = tmp_path / "kept.json"
    kept.write_text(cli(store, key_file, "checkpoint").stdout)
    attacker_truncates(store, first)
    assert cli(store, key_file, "verify").exit_code == 0, "undetectable without outside evidence"
    result = cli(store, key_file, "verify", "--since", str(kept))
    assert result.exit_code == 1, result.output
    assert "covers leaves the log no longer has" in result.stderr


def test_events_recorded_after_the_last_checkpoint_warn_until_signed(
    signed_demo: tuple[str, Path, str], tmp_path: Path
) -> None:
    store, key_file, _ = signed_demo
    kept = tmp_path / "kept.json"
    kept.write_text(cli(store, key_file, "checkpoint").stdout)
    add_events(store, key_file, "Eastvale Borough Council")
    unsigned = cli(store, key_file, "verify")
    assert unsigned.exit_code == 3, unsigned.output
    assert unsigned.stdout.startswith("OK "), "nothing differs"
    assert "WARN 1 of" in unsigned.stderr
    following = cli(store, key_file, "projections", "run", "--once")
    assert following.exit_code == 0, following.output
    signed = cli(store, key_file, "verify", "--since", str(kept))
    assert signed.exit_code == 0, signed.output
    assert "the held checkpoint" in signed.stdout
