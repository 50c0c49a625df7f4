"""Opening the read side from the CLI and making sure a read model is current before use."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from complaints_ledger.readside.db import ViewDatabase
from complaints_ledger.readside.projection import Projection
from complaints_ledger.readside.runner import LIVE, ProjectionRunner, as_of_namespace
from complaints_ledger.settings import Settings


@contextmanager
def open_views(settings: Settings) -> Iterator[ViewDatabase]:
    db = ViewDatabase(settings.store_url)
    try:
        yield db
    finally:
        db.close()


def current_namespace(db: ViewDatabase, projection: Projection, as_of: datetime | None) -> str:
    """Bring the live views up to date, or build them as of a past instant; say which to read."""
    runner = ProjectionRunner(db)
    if as_of is None:
        runner.catch_up(projection)
        return LIVE
    namespace = as_of_namespace(as_of)
    built = runner.tracking.get(f"{projection.name}@{namespace}")
    if built is None or built.version != projection.version or built.position < runner.log.head():
        runner.rebuild(projection, as_of=as_of)
    return namespace
