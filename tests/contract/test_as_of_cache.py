"""As-of builds are a bounded cache, on both stores: past the count or row limit the least
recently read build is dropped (tables and all), a build somebody is reading is never dropped,
the clean-up removes what it is asked to, and builds made before the cache existed are adopted."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from complaints_ledger.persistence.store_url import parse_store_url
from complaints_ledger.persistence.view_db import ViewDatabase
from complaints_ledger.readside.as_of_cache import AsOfCache
from complaints_ledger.readside.as_of_limits import AsOfLimits
from complaints_ledger.readside.as_of_reads import views_as_of
from complaints_ledger.readside.runner import ReadModelRunner, as_of_namespace
from projections import audit_trail
from tests.contract.test_readside_runtime import START, seed

PROJECTION = audit_trail.PROJECTION
ROOMY = AsOfLimits(max_builds=20, max_rows=1_000_000)


def instant(hours: int) -> datetime:
    return START + timedelta(hours=hours, minutes=30)


def events_table(at: datetime) -> str:
    return f"{as_of_namespace(at)}_audit_trail_events"


def read(db: ViewDatabase, at: datetime, limits: AsOfLimits = ROOMY) -> int:
    """Events in the audit trail as recorded at `at`, read through the cache."""
    with views_as_of(db, PROJECTION, at, limits) as namespace:
        return sum(1 for _ in audit_trail.export_rows(db, namespace=namespace))


def listed(db: ViewDatabase) -> list[str]:
    """The instants the cache holds, least recently read first."""
    return [build.instant for build in AsOfCache(db).builds()]


def test_past_the_count_limit_the_least_recently_read_build_is_dropped(
    store_url: str, db: ViewDatabase
) -> None:
    seed(store_url, 3)
    first, second, third = instant(1), instant(5), instant(9)
    two = AsOfLimits(max_builds=2, max_rows=1_000_000)
    assert read(db, first, two) == 2
    assert read(db, second, two) == 6
    assert read(db, first, two) == 2, "read again: now the more recently used"
    assert read(db, third, two) == 10
    assert listed(db) == [first.isoformat(), third.isoformat()]
    assert not db.table_exists(events_table(second)), "its tables went with it"
    assert db.table_exists(events_table(first))
    assert ReadModelRunner(db).tracking.get(f"audit_trail@{as_of_namespace(second)}") is None
    assert read(db, second, two) == 6, "asked again, it is built again"


def test_past_the_row_limit_older_builds_are_dropped(store_url: str, db: ViewDatabase) -> None:
    seed(store_url, 3)
    few_rows = AsOfLimits(max_builds=20, max_rows=20)
    read(db, instant(5), few_rows)  # 6 events of 2 cases: 10 rows in the three tables
    assert listed(db) == [instant(5).isoformat()]
    read(db, instant(6), few_rows)  # 7 events of 2 cases: 21 rows in all, over the limit
    builds = AsOfCache(db).builds()
    assert [(b.instant, b.rows) for b in builds] == [(instant(6).isoformat(), 11)]


def test_a_build_being_read_is_not_dropped(store_url: str, db: ViewDatabase) -> None:
    seed(store_url, 2)
    other = ViewDatabase(parse_store_url(store_url))
    try:
        with views_as_of(db, PROJECTION, instant(3), ROOMY) as namespace:
            cleaned = AsOfCache(other).clean()
            assert [b.instant for b in cleaned.in_use] == [instant(3).isoformat()]
            assert cleaned.dropped == []
            assert len(list(audit_trail.export_rows(db, namespace=namespace))) == 4
        cleaned = AsOfCache(other).clean()
        assert [b.instant for b in cleaned.dropped] == [instant(3).isoformat()]
        assert not db.table_exists(events_table(instant(3)))
    finally:
        other.close()


def test_a_reader_in_another_process_keeps_its_build(store_url: str, db: ViewDatabase) -> None:
    seed(store_url, 2)
    script = textwrap.dedent(
        f"""
        import sys, time
        from datetime import datetime
        from complaints_ledger.persistence.store_url import parse_store_url
        from complaints_ledger.persistence.view_db import ViewDatabase
        from complaints_ledger.readside.as_of_limits import AsOfLimits
        from complaints_ledger.readside.as_of_reads import views_as_of
        from projections import audit_trail
        db = ViewDatabase(parse_store_url({store_url!r}))
        with views_as_of(db, audit_trail.PROJECTION, datetime.fromisoformat(
            {instant(3).isoformat()!r}), AsOfLimits()):
            print("reading", flush=True)
            sys.stdin.readline()
        """
    )
    reader = subprocess.Popen(  # noqa: S603 - this interpreter, the script above
        [sys.executable, "-c", script],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert reader.stdout is not None
        assert reader.stdin is not None
        assert reader.stdout.readline().strip() == "reading"
        cleaned = AsOfCache(db).clean()
        assert [b.instant for b in cleaned.in_use] == [instant(3).isoformat()]
        assert db.table_exists(events_table(instant(3)))
        reader.stdin.write("done\n")
        reader.stdin.flush()
        assert reader.wait(timeout=30) == 0
    finally:
        if reader.poll() is None:
            reader.kill()
    assert [b.instant for b in AsOfCache(db).clean().dropped] == [instant(3).isoformat()]


def test_clean_older_than_drops_only_builds_not_read_since(
    store_url: str, db: ViewDatabase
) -> None:
    seed(store_url, 2)
    read(db, instant(1))
    time.sleep(1.1)
    read(db, instant(5))
    cleaned = AsOfCache(db).clean(unused_for=timedelta(seconds=1))
    assert [b.instant for b in cleaned.dropped] == [instant(1).isoformat()]
    assert listed(db) == [instant(5).isoformat()]
    assert not db.table_exists(events_table(instant(1)))


def test_builds_made_before_the_cache_existed_are_adopted_and_evicted(
    store_url: str, db: ViewDatabase
) -> None:
    seed(store_url, 3)
    runner = ReadModelRunner(db)
    for hours in (1, 5, 9):  # as earlier versions made them: tables and tracking rows only
        runner.rebuild(PROJECTION, as_of=instant(hours))
    assert [(b.instant, b.rows) for b in AsOfCache(db).builds()] == [
        (instant(1).isoformat(), 4),  # rows: events, and one row per case in two tables
        (instant(5).isoformat(), 10),
        (instant(9).isoformat(), 16),
    ]
    cleaned = AsOfCache(db).evict(AsOfLimits(max_builds=1, max_rows=1_000_000))
    assert [b.instant for b in cleaned.dropped] == [instant(1).isoformat(), instant(5).isoformat()]
    assert not db.table_exists(events_table(instant(1)))
    assert db.table_exists(events_table(instant(9)))


def test_the_build_a_reader_asked_for_is_kept_even_over_the_limits(
    store_url: str, db: ViewDatabase
) -> None:
    seed(store_url, 2)
    limits = AsOfLimits(max_builds=1, max_rows=1)
    assert read(db, instant(5), limits) == 6
    assert read(db, instant(1), limits) == 2
    assert listed(db) == [instant(1).isoformat()]


def test_readers_at_once_each_read_their_whole_build_while_others_evict(
    store_url: str, db: ViewDatabase
) -> None:
    seed(store_url, 3)
    hours = (1, 2, 3, 5, 6, 9)
    expected = {hour: read(db, instant(hour)) for hour in hours}
    AsOfCache(db).clean()
    tight = AsOfLimits(max_builds=1, max_rows=1_000_000)
    answers: dict[int, list[int]] = {hour: [] for hour in hours}

    def reader(hour: int) -> None:
        db = ViewDatabase(parse_store_url(store_url))
        try:
            for _ in range(3):
                answers[hour].append(read(db, instant(hour), tight))
        finally:
            db.close()

    with ThreadPoolExecutor(max_workers=len(hours)) as pool:
        list(pool.map(reader, hours))  # re-raises the first failure, if any
    assert answers == {hour: [count] * 3 for hour, count in expected.items()}
    AsOfCache(db).evict(tight)  # nobody is reading now
    assert len(listed(db)) == 1


def test_a_table_left_by_an_earlier_version_goes_with_its_build(
    store_url: str, db: ViewDatabase
) -> None:
    seed(store_url, 1)
    leftover = f"{as_of_namespace(instant(1))}_audit_trail_old_events"
    db.execute(f"CREATE TABLE {leftover} (id INTEGER)")
    read(db, instant(1))
    [build] = AsOfCache(db).builds()
    assert leftover in build.tables
    AsOfCache(db).clean()
    assert not db.table_exists(leftover)
    assert not db.table_exists(events_table(instant(1)))
