"""Opening the read side from the CLI and making sure a read model is current before use."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from complaints_ledger.persistence.view_db import ViewDatabase
from complaints_ledger.settings import Settings


@contextmanager
def open_views(settings: Settings) -> Iterator[ViewDatabase]:
    db = ViewDatabase(settings.store_url)
    try:
        yield db
    finally:
        db.close()
