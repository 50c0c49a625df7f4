"""The integrity page's "Verify now": the same `verify` as `complaints-ledger verify`, run in a
thread of its own so that a long run never holds a request.

One run at a time per server process: asking again while one runs shows that run. Each run has
its own connection to the store (closed when it ends), reports how many events it has read as
it goes, and ends with the report or with the error that stopped it; the page shows whichever
it has on each refresh.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime

import structlog

from complaints_ledger.integrity.log_sealer import LogSealer
from complaints_ledger.integrity.verify import Report, verify
from complaints_ledger.persistence.store_url import StoreURL
from complaints_ledger.persistence.view_db import ViewDatabase

logger = structlog.get_logger(__name__)


@dataclass
class VerificationRun:
    started_by: str
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    read: int = 0  # events read so far, of `head`
    head: int = 0
    report: Report | None = None
    failure: str | None = None
    finished_at: datetime | None = None
    ended: threading.Event = field(default_factory=threading.Event)

    @property
    def running(self) -> bool:
        return not self.ended.is_set()

    def progress(self, read: int, head: int) -> None:
        self.read, self.head = read, head

    def finish(self, report: Report | None, failure: str | None = None) -> None:
        self.report, self.failure = report, failure
        self.finished_at = datetime.now(UTC)
        self.ended.set()


class Verifications:
    """The latest run of this process (`app.state.verifications`)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.latest: VerificationRun | None = None

    def start(
        self, store_url: StoreURL, public_key: str | None, started_by: str
    ) -> VerificationRun:
        """A new run, or the one still running."""
        with self._lock:
            if self.latest is not None and self.latest.running:
                return self.latest
            run = VerificationRun(started_by)
            self.latest = run
        threading.Thread(
            target=_run, args=(run, store_url, public_key), name="web-verify", daemon=True
        ).start()
        return run


def _run(run: VerificationRun, store_url: StoreURL, public_key: str | None) -> None:
    try:
        db = ViewDatabase(store_url)
    except Exception as error:  # the store is down: the page says so
        logger.exception("verification could not connect")
        run.finish(None, f"the store could not be reached ({type(error).__name__})")
        return
    try:
        run.finish(verify(LogSealer(db), public_key, run.progress))
    except Exception as error:  # whatever stopped it is shown, never a run that seems to hang
        logger.exception("verification failed")
        run.finish(None, f"the verification stopped: {type(error).__name__}: {error}")
    finally:
        db.close()
