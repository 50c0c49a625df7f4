"""Sealing inside the API process: a background thread seals new events and signs a checkpoint
every few seconds, so a checkpoint is never far behind what the API wrote."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import structlog
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from complaints_ledger.integrity.keys import load_key
from complaints_ledger.integrity.log_sealer import LogSealer
from complaints_ledger.persistence.view_db import ViewDatabase
from complaints_ledger.readside.supervision import Heartbeat, run_supervised
from complaints_ledger.settings import Settings

logger = structlog.get_logger(__name__)

STALL_FLOOR_SECONDS = 30.0
STALL_ROUNDS = 6


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
    """Seals (and signs) every `interval` seconds in a supervised thread: a store failure is
    logged, backed off and retried from the sealer's tracked position; its heartbeat shows in
    readiness and /metrics."""

    def __init__(self, settings: Settings, key: Ed25519PrivateKey | None, interval: float) -> None:
        self.settings, self.key, self.interval = settings, key, interval
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, name="sealer", daemon=True)
        self.heartbeat = Heartbeat("sealer", stall_seconds=stall_seconds(interval))
        self.heartbeat.thread = self.thread
        self._db: ViewDatabase | None = None

    @classmethod
    @contextmanager
    def running(
        cls, settings: Settings, key: Ed25519PrivateKey | None
    ) -> Iterator[BackgroundSealer]:
        """Seal every `api_seal_seconds` while the block runs."""
        sealer = cls(settings, key, settings.api_seal_seconds)
        sealer.start()
        try:
            yield sealer
        finally:
            sealer.stop()

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=self.interval + 5)

    def _run(self) -> None:
        try:
            run_supervised(
                self.heartbeat,
                self.seal_once,
                pause=lambda: self.stopping.wait(self.interval),
                stopping=self.stopping,
            )
            self._last_round()
        finally:
            if self._db is not None:
                self._db.close()

    def _last_round(self) -> None:
        """On shutdown, seal and sign what the API wrote since the last round, so that verify
        finds every event covered by a checkpoint."""
        try:
            self.seal_once()
        except Exception:  # shutting down: logged, the next start seals it
            logger.exception("last sealing round at shutdown failed")

    def seal_once(self) -> None:
        """One round: seal what is new and sign a checkpoint if the log grew. The connection is
        opened on first use and recovers by itself (ViewDatabase)."""
        if self._db is None:
            self._db = ViewDatabase(self.settings.store_url)
        sealer = LogSealer(self._db)
        if self.key is None:
            sealer.seal()
        else:
            sealer.checkpoint(self.key)


def stall_seconds(interval: float) -> float:
    """A sealer with no good round for this long is stalled (readiness fails)."""
    return max(STALL_FLOOR_SECONDS, STALL_ROUNDS * interval)
