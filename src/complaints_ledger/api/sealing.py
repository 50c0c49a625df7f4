"""Sealing inside the API process: a background thread seals new events and signs a checkpoint
every few seconds, so a checkpoint is never far behind what the API wrote."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import structlog
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from complaints_ledger.domain.errors import LedgerError
from complaints_ledger.integrity.keys import load_key
from complaints_ledger.integrity.sealer import Sealer
from complaints_ledger.readside.db import ViewDatabase
from complaints_ledger.settings import Settings

logger = structlog.get_logger(__name__)


def signing_key(settings: Settings) -> Ed25519PrivateKey | None:
    """The checkpoint key if the operator created one (`complaints-ledger keys init`)."""
    if not settings.signing_key_file.exists():
        logger.warning(
            "no signing key: events are sealed but no checkpoint is signed",
            path=str(settings.signing_key_file),
        )
        return None
    return load_key(settings.signing_key_file)


class BackgroundSealer:
    def __init__(self, settings: Settings, key: Ed25519PrivateKey | None, interval: float) -> None:
        self.settings, self.key, self.interval = settings, key, interval
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, name="sealer", daemon=True)

    @classmethod
    @contextmanager
    def running(cls, settings: Settings, key: Ed25519PrivateKey | None) -> Iterator[None]:
        """Seal every `api_seal_seconds` while the block runs."""
        sealer = cls(settings, key, settings.api_seal_seconds)
        sealer.start()
        try:
            yield
        finally:
            sealer.stop()

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=self.interval + 5)

    def _run(self) -> None:
        db = ViewDatabase(self.settings.store_url)
        try:
            while not self.stopping.wait(self.interval):
                self.seal_once(db)
        finally:
            db.close()

    def seal_once(self, db: ViewDatabase) -> None:
        try:
            sealer = Sealer(db)
            if self.key is None:
                sealer.seal()
            else:
                sealer.checkpoint(self.key)
        except LedgerError as error:  # keep sealing next time; the store may be back by then
            logger.warning("sealing failed", error=str(error))
