"""The personal-data commands as an operator runs them, on both stores: subject find and export,
erase, litigation holds, the retention run, master key rotation, keys init and the partner feed.

Each test has its own keyring, so rotating it touches no other test's data."""

from __future__ import annotations

import json
import stat
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from typer.testing import CliRunner, Result

from complaints_ledger.application.context import CommandContext
from complaints_ledger.application.ledger import ComplaintsLedger
from complaints_ledger.cli.main import app
from complaints_ledger.domain.complaint import Complaint
from complaints_ledger.domain.privacy import SubjectRole, subject_id_for
from complaints_ledger.domain.values import Actor, Channel, Person, Role
from complaints_ledger.settings import Settings
from tests import builders
from tests.builders import assert_one_error_line

COUNCIL = "Northshire Council"
OFFICER = Actor("o.khan", COUNCIL)
RECEIVED = datetime(2026, 6, 1, 9, tzinfo=UTC)  # Monday 1 June 2026
WITHDRAWN = RECEIVED + timedelta(days=2)  # retention (10 years) ends on 3 June 2036
CANARY_NAME = "Zebedee Canary-Quill"
CANARY_PHONE = "07700 900123"
OTHER_PHONE = "07700 900456"


@dataclass(frozen=True)
class Store:
    url: str
    keyring: Path
    signing_key: Path

    def cli(self, *args: str) -> Result:
        env = {
            "COMPLAINTS_LEDGER_KEYRING_FILE": str(self.keyring),
            "COMPLAINTS_LEDGER_SIGNING_KEY_FILE": str(self.signing_key),
            "COLUMNS": "200",
        }
        return CliRunner().invoke(app, ["--store", self.url, *args], env=env)

    def ledger(self, now: datetime = RECEIVED) -> ComplaintsLedger:
        settings = Settings(store=self.url, keyring_file=self.keyring, snapshot_interval=0)
        return ComplaintsLedger(settings, clock=lambda: now)

    def receive(
        self,
        name: str = CANARY_NAME,
        phone: str = CANARY_PHONE,
        key: str = "A",
        email: str | None = None,
        organisation: str = COUNCIL,
    ) -> tuple[UUID, UUID]:
        """A complaint from `name`, recorded on 1 June 2026: its id and its complainant's."""
        intake = builders.intake(
            channel=Channel.PHONE,
            receiving_organisation=organisation,
            about_organisation="Sunrise Home Care Ltd",
            complainant=Person(name, email=email, phone=phone, address="1 Mill Lane, Northshire"),
            summary=f"{name} says carers missed four visits.",
        )
        with closing(self.ledger()) as ledger:
            case_id = ledger.receive(intake, CommandContext(OFFICER), case_key=key)
        return case_id, subject_id_for(case_id, SubjectRole.COMPLAINANT)

    def withdraw(self, case_id: UUID) -> None:
        with closing(self.ledger(WITHDRAWN)) as ledger:
            ledger.withdraw(case_id, CommandContext(OFFICER), reason="resolved by phone")

    def export(self, subject: UUID) -> dict[str, Any]:
        result = self.cli("subject", "export", str(subject), "--by", "dpo.smith")
        assert result.exit_code == 0, result.output
        document: dict[str, Any] = json.loads(result.stdout)
        return document


@pytest.fixture
def store(store_url: str, tmp_path: Path) -> Store:
    return Store(store_url, tmp_path / "keyring.json", tmp_path / "signing-key.pem")


@pytest.fixture
def sqlite_store(sqlite_url: str, tmp_path: Path) -> Store:
    return Store(sqlite_url, tmp_path / "keyring.json", tmp_path / "signing-key.pem")


def complainant_name(document: dict[str, Any]) -> str:
    """The name the complaint was received with, or `[erased]` (the whole field is erased)."""
    complainant = document["personal_data"][0]["fields"]["complainant"]
    return str(complainant["name"] if isinstance(complainant, dict) else complainant)


# --------------------------------------------------------------------------- find, export, erase


def test_any_one_of_a_persons_details_finds_them(store: Store) -> None:
    _, subject = store.receive(email="Zeb@Example.org")
    for details in (
        ("--email", "zeb@example.org"),
        ("--phone", CANARY_PHONE),
        ("--name", CANARY_NAME, "--address", "1 Mill Lane, Northshire"),
    ):
        found = store.cli("subject", "find", *details, "--json")
        assert found.exit_code == 0, found.output
        assert [row["subject_id"] for row in json.loads(found.stdout)] == [str(subject)], details


def test_find_export_then_erase(store: Store) -> None:
    case_id, subject = store.receive()

    found = store.cli("subject", "find", "--phone", "+44 7700 900123")
    assert found.exit_code == 0, found.output
    assert all(str(shown) in found.stdout for shown in (subject, case_id, "complainant"))
    listed = json.loads(store.cli("subject", "find", "--phone", CANARY_PHONE, "--json").stdout)
    assert [row["subject_id"] for row in listed] == [str(subject)]
    assert listed[0]["erased_at"] is None
    both = store.cli("subject", "find", "--email", "nobody@example.org", "--phone", CANARY_PHONE)
    assert str(subject) in both.stdout, "each detail given is looked up"
    other = store.cli("subject", "find", "--phone", OTHER_PHONE)
    assert "no data subject has these details" in other.stdout

    before = store.export(subject)
    assert before["status"] == "held"
    assert complainant_name(before) == CANARY_NAME

    erase = partial(store.cli, "erase", str(subject))
    assert_one_error_line(erase("--reason", "asked", "--by", " "), "field: by")
    assert_one_error_line(erase("--reason", " ", "--by", "A. Admin"), "field: reason")
    erased = erase("--reason", "erasure request", "--by", "A. Admin")
    assert erased.exit_code == 0, erased.output
    erasure_line = f"erased the complainant of case {case_id} (subject {subject}); the case is"
    assert erased.stdout == f"{erasure_line} now at version 2\n"
    [*_, erasure] = json.loads(store.cli("history", str(case_id), "--json").stdout)["events"]
    assert erasure["type"] == "SubjectErased"
    assert erasure["actor"] == {"principal": "A. Admin", "organisation": COUNCIL, "role": "admin"}

    again = erase("--reason", "erasure request", "--by", "A. Admin")
    assert_one_error_line(again, f"data subject {subject} was already erased")

    after = store.export(subject)
    assert after["status"] == "erased"
    assert after["erased"]["reason"] == "erasure request"
    assert complainant_name(after) == "[erased]"
    assert all(secret not in json.dumps(after) for secret in (CANARY_NAME, CANARY_PHONE))
    nobody = store.cli("subject", "find", "--phone", CANARY_PHONE)
    assert nobody.exit_code == 0, nobody.output
    assert "no data subject has these details" in nobody.stdout


def test_erase_finishes_an_interrupted_erasure(store: Store) -> None:
    """The erasure was recorded but the process stopped before the key was destroyed."""
    case_id, subject = store.receive()
    admin = CommandContext(Actor("A. Admin", COUNCIL, Role.ADMIN))
    with closing(store.ledger(datetime.now(UTC))) as ledger:
        erase = partial(Complaint.erase_subject, subject_id=subject, reason="asked")
        ledger._execute(case_id, admin, erase)  # the erasure is recorded; the key is not destroyed
    finished = store.cli("erase", str(subject), "--reason", "asked", "--by", "A. Admin")
    assert finished.exit_code == 0, finished.output
    assert "finished an earlier, interrupted erasure of the complainant" in finished.stdout
    assert "case version 2" in finished.stdout
    assert store.export(subject)["status"] == "erased"


def test_export_to_a_file_is_readable_only_by_its_owner(store: Store, tmp_path: Path) -> None:
    _, subject = store.receive()
    out = tmp_path / "sar.json"
    out.write_text("old")
    out.chmod(0o644)
    result = store.cli("subject", "export", str(subject), "--by", "dpo.smith", "--output", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert f"wrote {out}" in result.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    document = json.loads(out.read_text())
    assert complainant_name(document) == CANARY_NAME
    # The export itself is a read of the case, recorded before the data left the ledger.
    [read] = [r for r in document["reads"] if r["what"].startswith("subject access export")]
    assert read["principal"] == "dpo.smith"
    assert read["purpose"] == "subject access request"


# --------------------------------------------------------------------------- litigation holds


def test_a_litigation_hold_blocks_erasure_until_lifted(store: Store) -> None:
    case, subject = store.receive()
    case_id = str(case)
    placed = store.cli("hold", "place", case_id, "--reason", "claim 42 pending", "--by", "A. Admin")
    assert placed.exit_code == 0, placed.output
    assert f"litigation hold placed on case {case_id}" in placed.stdout

    blocked = store.cli("erase", str(subject), "--reason", "asked", "--by", "A. Admin")
    assert_one_error_line(blocked, "litigation hold", "claim 42 pending")
    assert complainant_name(store.export(subject)) == CANARY_NAME
    assert store.export(subject)["case"]["litigation_hold"]["reason"] == "claim 42 pending"

    lifted = store.cli("hold", "lift", case_id, "--reason", "claim settled", "--by", "A. Admin")
    assert lifted.exit_code == 0, lifted.output
    assert f"litigation hold lifted from case {case_id}" in lifted.stdout
    again = store.cli("hold", "lift", case_id, "--reason", "twice", "--by", "A. Admin")
    assert_one_error_line(again, "not under a litigation hold")

    erased = store.cli("erase", str(subject), "--reason", "asked", "--by", "A. Admin")
    assert erased.exit_code == 0, erased.output
    assert complainant_name(store.export(subject)) == "[erased]"


# --------------------------------------------------------------------------- retention


def test_retention_erases_only_when_due(store: Store) -> None:
    case_id, subject = store.receive()
    store.withdraw(case_id)

    early = store.cli("retention", "run", "--dry-run", "--today", "2036-06-02")
    assert early.exit_code == 0, early.output
    assert str(case_id) not in early.stdout
    assert "1 case checked as of 2036-06-02: 0 erased, 0 would erase, 0 held" in early.stdout
    assert "nothing was erased" in early.stdout

    due = store.cli("retention", "run", "--dry-run", "--today", "2036-06-03")
    assert due.exit_code == 0, due.output
    line = next(line for line in due.stdout.splitlines() if str(case_id) in line)
    assert "would erase" in line
    assert all(day in line for day in ("2026-06-03", "2036-06-03"))  # withdrawn on, due on
    assert "1 would erase" in due.stdout
    assert complainant_name(store.export(subject)) == CANARY_NAME, "a dry run erases nothing"

    run = store.cli("retention", "run", "--today", "2036-06-03", "--json")
    assert run.exit_code == 0, run.output
    report = json.loads(run.stdout)
    assert report["counts"] == {"erased": 1, "would erase": 0, "held": 0}
    assert [d["case_id"] for d in report["decisions"]] == [str(case_id)]
    assert complainant_name(store.export(subject)) == "[erased]"

    second = store.cli("retention", "run", "--today", "2036-06-03")
    assert second.exit_code == 0, second.output
    assert "0 erased, 0 would erase, 0 held (nothing is due)" in second.stdout


def test_retention_leaves_a_held_case_alone(store: Store) -> None:
    case_id, subject = store.receive()
    store.withdraw(case_id)
    hold = ("hold", "place", str(case_id), "--reason", "inquest", "--by", "A. Admin")
    assert store.cli(*hold).exit_code == 0
    run = store.cli("retention", "run", "--today", "2040-01-01")
    assert run.exit_code == 0, run.output
    line = next(line for line in run.stdout.splitlines() if str(case_id) in line)
    assert all(shown in line for shown in ("held", "inquest"))
    assert "0 erased, 0 would erase, 1 held" in run.stdout
    assert complainant_name(store.export(subject)) == CANARY_NAME


def test_retention_for_one_organisation_leaves_the_others_cases_alone(store: Store) -> None:
    other = "Southshire Council"
    for name in (COUNCIL, other):
        assert store.cli("org", "add", name, "--kind", "council").exit_code == 0
    ours, _ = store.receive()
    theirs, their_subject = store.receive(key="B", organisation=other)
    for case_id in (ours, theirs):
        store.withdraw(case_id)
    run = store.cli("retention", "run", "--today", "2040-01-01", "--org", COUNCIL, "--json")
    assert run.exit_code == 0, run.output
    report = json.loads(run.stdout)
    assert ([d["case_id"] for d in report["decisions"]], report["cases_checked"]) == (
        [str(ours)],
        1,
    )
    assert complainant_name(store.export(their_subject)) == CANARY_NAME
    everyone = store.cli("retention", "run", "--dry-run", "--today", "2040-01-01", "--json")
    assert [d["case_id"] for d in json.loads(everyone.stdout)["decisions"]] == [str(theirs)]
    unknown = store.cli("retention", "run", "--dry-run", "--org", "Nowhere Council")
    assert_one_error_line(unknown, "no organisation 'Nowhere Council' is registered", "org")


# --------------------------------------------------------------------------- keys


def keyring_secrets(keyring: Path) -> list[str]:
    document = json.loads(keyring.read_text())
    return [*document["master_keys"].values(), document["pseudonym_key"]]


def test_rotation_keeps_personal_data_readable(store: Store) -> None:
    _, subject = store.receive()
    old_key = json.loads(store.keyring.read_text())["current"]
    status = store.cli("keys", "status")
    assert status.exit_code == 0, status.output
    assert f"current master key {old_key}" in status.stdout

    rotated = store.cli("keys", "rotate")
    assert rotated.exit_code == 0, rotated.output
    new_key = json.loads(store.keyring.read_text())["current"]
    assert new_key != old_key
    assert f"new master key {new_key}" in rotated.stdout
    assert "re-wrapped 1 subject key with it" in rotated.stdout
    assert f"retired {old_key}" in rotated.stdout
    assert complainant_name(store.export(subject)) == CANARY_NAME

    after = store.cli("keys", "status")
    assert new_key in after.stdout
    assert old_key not in after.stdout
    [row] = [line for line in after.stdout.splitlines() if line.startswith("│")]
    assert [cell.strip() for cell in row.split("│")[1:4]] == [new_key, "current", "1"]
    assert stat.S_IMODE(store.keyring.stat().st_mode) == 0o600
    for output in (status.output, rotated.output, after.output):
        assert not any(secret in output for secret in keyring_secrets(store.keyring))


def test_rotate_keep_old_then_retire(store: Store) -> None:
    _, subject = store.receive()
    old_key = json.loads(store.keyring.read_text())["current"]
    kept = store.cli("keys", "rotate", "--keep-old")
    assert kept.exit_code == 0, kept.output
    assert f"kept {old_key}" in kept.stdout
    assert old_key in store.cli("keys", "status").stdout
    retired = store.cli("keys", "retire")
    assert retired.exit_code == 0, retired.output
    assert f"retired {old_key}" in retired.stdout
    assert old_key not in store.cli("keys", "status").stdout
    assert "nothing to retire" in store.cli("keys", "retire").stdout
    assert complainant_name(store.export(subject)) == CANARY_NAME


def test_keys_init_creates_a_private_keyring_when_missing(sqlite_url: str, tmp_path: Path) -> None:
    store = Store(sqlite_url, tmp_path / "new" / "keyring.json", tmp_path / "signing-key.pem")
    made = store.cli("keys", "init", "--if-missing")
    assert made.exit_code == 0, made.output
    public = made.stdout.strip()
    assert len(made.stdout.splitlines()) == 1, "stdout is the public key alone"
    assert f"keyring written to {store.keyring}" in made.stderr
    assert stat.S_IMODE(store.keyring.stat().st_mode) == 0o600
    assert not any(secret in made.output for secret in keyring_secrets(store.keyring))
    keyring = store.keyring.read_bytes()

    again = store.cli("keys", "init", "--if-missing")
    assert again.exit_code == 0, again.output
    assert again.stdout.strip() == public
    assert "written" not in again.stderr
    refused = store.cli("keys", "init")
    assert refused.exit_code == 2, "an existing signing key is never overwritten"
    assert store.keyring.read_bytes() == keyring, "an existing keyring is never replaced"

    store.keyring.unlink()
    only_keyring = store.cli("keys", "init", "--if-missing")
    assert only_keyring.exit_code == 0, only_keyring.output
    assert only_keyring.stdout.strip() == public
    assert store.keyring.exists()


def test_keys_init_refuses_a_broken_keyring(sqlite_store: Store) -> None:
    sqlite_store.keyring.write_text("{}")
    assert_one_error_line(sqlite_store.cli("keys", "init", "--if-missing"), "is not a keyring")
    assert sqlite_store.keyring.read_text() == "{}"
    assert not sqlite_store.signing_key.exists(), "nothing is made when the keyring is broken"


# --------------------------------------------------------------------------- partner feed


def test_case_facts_carry_pseudonyms_not_people(store: Store) -> None:
    _, repeat = store.receive(key="first")
    store.receive(key="second")  # the same person again
    store.receive("Other Person", OTHER_PHONE, key="third")

    def feed(audience: str) -> list[dict[str, Any]]:
        result = store.cli("report", "case-facts", "--audience", audience, "--json")
        assert result.exit_code == 0, result.output
        assert CANARY_NAME not in result.stdout
        assert CANARY_PHONE not in result.stdout
        rows: list[dict[str, Any]] = json.loads(result.stdout)
        assert "case_id" not in rows[0]
        return rows

    healthwatch = [row["complainant"] for row in feed("Healthwatch Northshire")]
    assert len(healthwatch) == 3
    assert len(set(healthwatch)) == 2, "one person's two cases share a pseudonym"
    provider = [row["complainant"] for row in feed("Sunrise Home Care Ltd")]
    assert not set(provider) & set(healthwatch), "each partner gets its own pseudonyms"

    assert store.cli("erase", str(repeat), "--reason", "asked", "--by", "A. Admin").exit_code == 0
    assert (
        sorted(row["complainant"] for row in feed("Healthwatch Northshire")).count("[erased]") == 1
    )
    none = store.cli("report", "case-facts", "--audience", "x", "--organisation", "Elsewhere")
    assert none.exit_code == 0, none.output
    assert "nothing to show" in none.stdout


# --------------------------------------------------------------------------- mistakes


UNKNOWN = str(UUID(int=7))
WHY_AND_WHO = ["--reason", "r", "--by", "b"]


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["erase", "not-a-uuid", *WHY_AND_WHO], ["'not-a-uuid' is not a data subject id"]),
        (["erase", UNKNOWN, *WHY_AND_WHO], [f"no data subject {UNKNOWN}"]),
        (["subject", "export", "1234", "--by", "dpo"], ["'1234' is not a data subject id"]),
        (["subject", "export", UNKNOWN, "--by", "dpo"], [f"no data subject {UNKNOWN}"]),
        (["subject", "find"], ["give at least one of --email, --phone, --name"]),
        (["subject", "find", "--address", "1 Mill Lane"], ["--address", "--name"]),
        (["subject", "find", "--phone", "none"], ["--phone 'none' has no digits"]),
        (["hold", "place", "nope", *WHY_AND_WHO], ["'nope' is not a complaint id"]),
        (["hold", "lift", UNKNOWN, *WHY_AND_WHO], [f"no complaint {UNKNOWN}"]),
        (["retention", "run", "--today", "3 June 2036"], ["--today '3 June 2036'", "YYYY-MM-DD"]),
        (["report", "case-facts", "--audience", " "], ["--audience"]),
        (["keys", "status"], ["no keyring at", "keys init"]),
        (["keys", "rotate"], ["no keyring at", "keys init"]),
    ],
)
def test_mistakes_get_one_line_and_exit_2(
    sqlite_store: Store, args: list[str], fragments: list[str]
) -> None:
    assert_one_error_line(sqlite_store.cli(*args), *fragments)
