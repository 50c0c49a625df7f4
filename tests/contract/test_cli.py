"""The command line on both stores: demo, history (text, JSON, --as-of), deadlines, errors."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path
from uuid import UUID

import pytest
from typer.testing import CliRunner, Result

from complaints_ledger.application.ledger import ComplaintsLedger
from complaints_ledger.cli.main import app
from complaints_ledger.demo import SimulatedClock, plan_dataset, summarise, write_plan
from complaints_ledger.domain.values import Status
from complaints_ledger.settings import Settings
from tests.builders import assert_one_error_line

DEMO_SIZE = 40
UUID_PATTERN = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def cli(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})


def load_demo(url: str, *, complaints: int = DEMO_SIZE, seed: int = 2026) -> Result:
    result = cli("demo", "--complaints", str(complaints), "--seed", str(seed), "--store", url)
    assert result.exit_code == 0, result.output
    return result


def case_ids(url: str) -> list[UUID]:
    ledger = ComplaintsLedger(Settings(store=url))
    try:
        return list(ledger.complaint_ids())
    finally:
        ledger.close()


def busiest_case(url: str) -> tuple[UUID, list[datetime]]:
    """The case with the most events, and when each of its events was recorded."""
    ledger = ComplaintsLedger(Settings(store=url))
    try:
        histories = {i: ledger.history(i) for i in ledger.complaint_ids()}
    finally:
        ledger.close()
    case_id = max(histories, key=lambda i: (len(histories[i]), str(i)))
    return case_id, [entry.recorded_at for entry in histories[case_id]]


# --------------------------------------------------------------------------- demo + reading


def test_demo_then_history_and_deadlines(store_url: str) -> None:
    result = load_demo(store_url)
    assert f"{DEMO_SIZE} cases" in result.stdout
    ids = case_ids(store_url)
    assert len(ids) == DEMO_SIZE
    shown = set(UUID_PATTERN.findall(result.stdout))
    assert shown, "the summary shows example commands with real ids"
    assert shown <= {str(i) for i in ids}
    case_id, _ = busiest_case(store_url)

    text = cli("--store", store_url, "history", str(case_id))
    assert text.exit_code == 0, text.output
    assert f"Case {case_id}" in text.stdout
    assert "Received" in text.stdout

    document = json.loads(cli("--store", store_url, "history", str(case_id), "--json").stdout)
    assert document["case"]["id"] == str(case_id)
    versions = [event["version"] for event in document["events"]]
    assert versions == list(range(1, document["case"]["version"] + 1))
    assert document["events"][0]["type"] == "Received"
    recorded = [datetime.fromisoformat(e["recorded_at"]) for e in document["events"]]
    assert recorded == sorted(recorded)

    deadlines = cli("--store", store_url, "deadlines", str(case_id), "--today", "2026-11-22")
    assert deadlines.exit_code == 0, deadlines.output
    assert "Time limit" in deadlines.stdout
    assert "deadlines as of 2026-11-22" in deadlines.stdout


def test_as_of_before_the_case_existed_is_an_error(store_url: str) -> None:
    load_demo(store_url)
    case_id, recorded = busiest_case(store_url)
    before = (recorded[0] - timedelta(days=1)).strftime("%Y-%m-%dT%H:%MZ")
    result = cli("--store", store_url, "history", str(case_id), "--as-of", before)
    assert_one_error_line(result, f"no complaint {case_id}", "field: id")


def test_as_of_mid_way_shows_fewer_events(store_url: str) -> None:
    load_demo(store_url)
    case_id, recorded = busiest_case(store_url)
    middle = len(recorded) // 2
    # An RFC 3339 instant with an offset, exactly when the middle event was recorded.
    as_of = recorded[middle - 1].astimezone(timezone(timedelta(hours=1))).isoformat()
    then = cli("--store", store_url, "history", str(case_id), "--as-of", as_of, "--json")
    now = cli("--store", store_url, "history", str(case_id), "--json")
    assert then.exit_code == now.exit_code == 0, then.output
    then_doc, now_doc = json.loads(then.stdout), json.loads(now.stdout)
    assert len(then_doc["events"]) == middle < len(now_doc["events"])
    assert then_doc["case"]["version"] == middle
    assert datetime.fromisoformat(then_doc["as_of"]) == recorded[middle - 1]  # the instant asked
    assert now_doc["as_of"] is None  # as recorded now
    assert now_doc["events"][:middle] == then_doc["events"]
    text = cli("--store", store_url, "history", str(case_id), "--as-of", as_of)
    assert "as recorded at" in text.stdout


def test_as_of_accepts_z_and_minutes(sqlite_url: str) -> None:
    load_demo(sqlite_url)
    case_id, recorded = busiest_case(sqlite_url)
    after = (recorded[-1] + timedelta(minutes=2)).strftime("%Y-%m-%dT%H:%MZ")
    result = cli("--store", sqlite_url, "history", str(case_id), "--as-of", after, "--json")
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)["events"]) == len(recorded)


def test_same_seed_gives_the_same_cases(store_url: str, tmp_path: Path) -> None:
    other = f"sqlite:///{tmp_path.as_posix()}/other.db"
    load_demo(store_url, seed=99)
    load_demo(other, seed=99)
    first, second = case_ids(store_url), case_ids(other)
    assert first == second
    assert _event_types(store_url) == _event_types(other)


def _event_types(url: str) -> dict[UUID, list[str]]:
    ledger = ComplaintsLedger(Settings(store=url))
    try:
        return {i: [e.type for e in ledger.history(i)] for i in ledger.complaint_ids()}
    finally:
        ledger.close()


def test_demo_twice_writes_nothing_new(store_url: str) -> None:
    load_demo(store_url)
    before = _event_types(store_url)
    again = load_demo(store_url, complaints=5, seed=1)
    assert "already holds complaints: nothing written" in again.stdout
    assert f"{DEMO_SIZE} cases" in again.stdout
    assert _event_types(store_url) == before


def test_demo_store_option_also_works_before_the_command(sqlite_url: str) -> None:
    result = cli("--store", sqlite_url, "demo", "--complaints", "3")
    assert result.exit_code == 0, result.output
    assert len(case_ids(sqlite_url)) == 3


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["history", "not-a-uuid"], ["'not-a-uuid' is not a complaint id", "field: id"]),
        (["deadlines", "1234"], ["'1234' is not a complaint id"]),
        (["history", str(UUID(int=5))], [f"no complaint {UUID(int=5)}", "field: id"]),
        (["deadlines", str(UUID(int=5))], [f"no complaint {UUID(int=5)}"]),
        (["history", str(UUID(int=5)), "--as-of", "2026-05-01T12:00"], ["has no timezone"]),
        (["history", str(UUID(int=5)), "--as-of", "2026-05-01"], ["has no timezone"]),
        (["history", str(UUID(int=5)), "--as-of", "yesterday"], ["not an RFC 3339 instant"]),
        (["deadlines", str(UUID(int=5)), "--today", "22/11/2026"], ["YYYY-MM-DD"]),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    sqlite_url: str, args: list[str], fragments: list[str]
) -> None:
    assert_one_error_line(cli("--store", sqlite_url, *args), *fragments)


@pytest.mark.parametrize(
    "args",
    [
        ["--store", "mysql://ledger@localhost/ledger", "history", str(UUID(int=5))],
        ["demo", "--store", "mysql://ledger@localhost/ledger"],
        ["--store", "sqlite:///", "deadlines", str(UUID(int=5))],
    ],
)
def test_bad_store_url_is_one_line_and_exit_2(args: list[str]) -> None:
    assert_one_error_line(cli(*args), "field: store")


def test_console_script_reports_errors_without_a_traceback() -> None:
    script = Path(sys.executable).with_name("complaints-ledger")
    if not script.exists():
        pytest.skip(f"{script} is not installed")
    result = subprocess.run(  # noqa: S603 - our own console script
        [str(script), "--store", "oracle://x/y", "history", str(UUID(int=5))],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("error: unsupported store URL")
    assert len(result.stderr.strip().splitlines()) == 1


# --------------------------------------------------------------------------- the dataset


def test_default_demo_dataset_looks_like_the_real_world(sqlite_url: str) -> None:
    anchor = datetime.now(UTC).date()
    plan = plan_dataset(2026, 300, anchor)
    cutoff = datetime.combine(anchor, time(0), UTC)
    assert all(step.recorded_at < cutoff for case in plan.cases for step in case)
    assert all(step.occurred_at <= step.recorded_at for case in plan.cases for step in case)
    clock = SimulatedClock(datetime.now(UTC))
    ledger = ComplaintsLedger(Settings(store=sqlite_url), clock=clock)
    try:
        assert write_plan(ledger, clock, plan) == plan.steps
        summary = summarise(ledger, anchor)
    finally:
        ledger.close()
    assert summary.cases == 300
    assert 0.7 < summary.kinds["complaint"] / 300 < 0.9
    assert summary.kinds["concern"] > 0
    assert summary.kinds["compliment"] > 0
    assert set(summary.regimes) == {"england-2009", "lgsco-code", "spso-mchp",
                                    "housing-ombudsman-code", "wales-2014", "ni-hsc"}  # fmt: skip
    assert set(summary.nations) == {"england", "scotland", "wales", "northern-ireland"}
    assert len(summary.by_organisation) >= 8
    statuses = Counter[str]()
    for counts in summary.by_organisation.values():
        statuses.update(counts)
    assert statuses[Status.CLOSED] > statuses[Status.WITHDRAWN] > 0
    assert summary.open_cases > 10
    assert summary.open_overdue > 0
    assert summary.referrals > 0
    assert summary.stage_2 > 0
    assert sum(summary.ombudsman_referrals.values()) > 5
    assert sum(summary.ombudsman_decisions.values()) > 0


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_planned_step_obeys_the_domain(sqlite_url: str, seed: int) -> None:
    """A step that a rule refuses is a bug in the generator: DemoPlanError, never hidden."""
    anchor = date(2026, 11, 22) + timedelta(days=seed * 41)  # different calendars and seasons
    plan = plan_dataset(seed, 200, anchor)
    clock = SimulatedClock(datetime.now(UTC))
    ledger = ComplaintsLedger(Settings(store=sqlite_url, snapshot_interval=0), clock=clock)
    try:
        assert write_plan(ledger, clock, plan) == plan.steps
    finally:
        ledger.close()
