"""Reading a read model now or as of a past instant, through the bounded cache of as-of builds."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from complaints_ledger.persistence.view_db import ViewDatabase
from complaints_ledger.readside.as_of_cache import AsOfCache
from complaints_ledger.readside.as_of_limits import AsOfLimits
from complaints_ledger.readside.as_of_readers import reading
from complaints_ledger.readside.read_model import ReadModel
from complaints_ledger.readside.runner import (
    Progress,
    ReadModelRunner,
    RebuildSummary,
    as_of_namespace,
    current_namespace,
    tracking_name,
)
from complaints_ledger.readside.tracking import Position


@contextmanager
def views_as_of(
    db: ViewDatabase, projection: ReadModel, as_of: datetime | None, limits: AsOfLimits
) -> Iterator[str]:
    """The namespace to read: the live views brought up to date, or the views as recorded at
    `as_of`, built if need be and kept from the cache's clean-up until the block has run."""
    if as_of is None:
        yield current_namespace(db, projection, None)
        return
    name = tracking_name(projection, as_of_namespace(as_of))
    with reading(db, name):
        runner = ReadModelRunner(db)
        before = runner.tracking.get(name)
        namespace = runner.ensure_built_as_of(projection, as_of)
        _note_use(AsOfCache(db), runner, name, before, limits)
        yield namespace


def rebuild_as_of(
    runner: ReadModelRunner,
    projection: ReadModel,
    as_of: datetime,
    limits: AsOfLimits,
    progress: Progress | None = None,
) -> RebuildSummary:
    """`projections rebuild --as-of`: build afresh, list the build, keep the cache in bounds."""
    name = tracking_name(projection, as_of_namespace(as_of))
    with reading(runner.db, name):
        summary = runner.rebuild(projection, as_of=as_of, progress=progress)
        _note_use(AsOfCache(runner.db), runner, name, None, limits)
    return summary


def _note_use(
    cache: AsOfCache,
    runner: ReadModelRunner,
    name: str,
    before: Position | None,
    limits: AsOfLimits,
) -> None:
    """List a build made (or brought on) by this call and drop what no longer fits; or only
    note that a listed build was read again."""
    cache.ensure()
    built = runner.tracking.get(name)
    if built is None:  # halted before its first page: nothing to list
        return
    if built != before:
        cache.record(built)
        cache.evict(limits, keep=name)
    elif cache.get(name) is None:  # built before the list existed, and read now
        cache.record(built)
    else:
        cache.touch(name)
