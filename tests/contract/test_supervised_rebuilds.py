"""A rebuild started from the admin pages (readside/rebuilds.py), on both stores: it records its
progress and result; a failure is retried and the rebuild still finishes; failures that go on
give it up after MAX_ATTEMPTS, saying why; a rebuild not heard of for a while is interrupted."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from complaints_ledger.domain.errors import StoreUnavailableError
from complaints_ledger.persistence.store_url import parse_store_url
from complaints_ledger.persistence.view_db import ViewDatabase
from complaints_ledger.readside import rebuilds as rebuilds_module
from complaints_ledger.readside import supervision
from complaints_ledger.readside.discovery import available_projections
from complaints_ledger.readside.rebuilds import (
    MAX_ATTEMPTS,
    REBUILDS_TABLE,
    Rebuild,
    Rebuilds,
    RebuildState,
    SupervisedRebuild,
)
from complaints_ledger.readside.runner import ReadModelRunner, RebuildSummary

WORKLIST = available_projections()["worklist"]


@pytest.fixture
def db(store_url: str) -> Iterator[ViewDatabase]:
    opened = ViewDatabase(parse_store_url(store_url))
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture(autouse=True)
def no_back_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(supervision, "backoff_seconds", lambda *_args: 0.0)


def run(db: ViewDatabase, started_by: str = "ops@example.org") -> Rebuild:
    rebuild = Rebuilds(db).add(WORKLIST.name, started_by)
    job = SupervisedRebuild(db.store, WORKLIST, rebuild.id)
    job.start()
    job.thread.join(timeout=60)
    assert not job.thread.is_alive()
    found = Rebuilds(db).get(rebuild.id)
    assert found is not None
    return found


def test_a_rebuild_records_its_result(db: ViewDatabase) -> None:
    done = run(db)
    assert (done.state, done.started_by, done.percent) == (
        RebuildState.FINISHED,
        "ops@example.org",
        100,
    )
    assert "events in" in done.message
    assert Rebuilds(db).running(WORKLIST.name) is None
    assert ReadModelRunner(db).status(WORKLIST)[0] is not None  # built


def test_a_failure_is_retried_and_the_rebuild_finishes(
    db: ViewDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    real, calls = ReadModelRunner.rebuild, []

    def flaky(self: ReadModelRunner, *args: object, **kwargs: object) -> RebuildSummary:
        calls.append(1)
        if len(calls) < 3:
            raise StoreUnavailableError("the store went away")
        return real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ReadModelRunner, "rebuild", flaky)
    assert run(db).state == RebuildState.FINISHED
    assert len(calls) == 3


def test_failures_that_go_on_give_the_rebuild_up(
    db: ViewDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object, **_kwargs: object) -> RebuildSummary:
        raise StoreUnavailableError("the store went away")

    monkeypatch.setattr(ReadModelRunner, "rebuild", broken)
    given_up = run(db)
    assert given_up.state == RebuildState.FAILED
    assert given_up.message.startswith(f"attempt {MAX_ATTEMPTS} failed: StoreUnavailableError")


def test_a_rebuild_not_heard_of_for_long_is_interrupted(db: ViewDatabase) -> None:
    rebuilds = Rebuilds(db)
    rebuild = rebuilds.add(WORKLIST.name, "ops@example.org")
    assert rebuilds.running(WORKLIST.name) == rebuild
    long_ago = (datetime.now(UTC) - rebuilds_module.STALE_AFTER - timedelta(seconds=1)).isoformat()
    with db.transaction():
        db.execute(f"UPDATE {REBUILDS_TABLE} SET updated_at = ?", (long_ago,))
    stale = rebuilds.get(rebuild.id)
    assert stale is not None
    assert stale.state == RebuildState.INTERRUPTED
    assert rebuilds.running(WORKLIST.name) is None  # a new one may start
