"""The ledger, the token store, the web's accounts and sessions and the letter templates,
opened when the API starts or, if the store does not answer then, as soon as it does.

Opening them creates their tables, so it needs the store. A server that refused to start
without it would turn a database restart into an outage of the API: under `serve --workers N`
uvicorn replaces a worker that dies, and a replacement that fails to start stops the whole
server. Instead the API starts, answers 503 `store-unavailable` (readiness too) and a
supervised thread keeps trying (every 2 s at most) until both are open.
"""

from __future__ import annotations

import threading
from typing import TypeVar

import structlog

from complaints_ledger.access import TokenStore
from complaints_ledger.access.policy import Policy
from complaints_ledger.access.sessions import SessionStore
from complaints_ledger.access.users import UserStore
from complaints_ledger.application.ledger import Clock, ComplaintsLedger
from complaints_ledger.domain.errors import StoreUnavailableError
from complaints_ledger.letters.template_store import TemplateStore
from complaints_ledger.readside.supervision import Heartbeat, run_supervised
from complaints_ledger.settings import Settings

logger = structlog.get_logger(__name__)

OPENER_STALL_SECONDS = 60.0
# One attempt is one connection: cheap enough to try often, so the API is back within seconds.
RETRY_AT_MOST_EVERY_SECONDS = 2.0
START_UP_WAIT_SECONDS = 5.0
T = TypeVar("T")


class OpenedStore:
    """What the routes need from the store; each accessor raises StoreUnavailableError (a 503)
    until the store has been opened."""

    def __init__(self, settings: Settings, clock: Clock) -> None:
        self.settings, self.clock = settings, clock
        self._ledger: ComplaintsLedger | None = None
        self._tokens: TokenStore | None = None
        self._users: UserStore | None = None
        self._sessions: SessionStore | None = None
        self._letter_templates: TemplateStore | None = None
        self._policy: Policy | None = None
        self._last_error = "not opened yet"
        self._done = threading.Event()  # stop trying: opened, failed for good, or closing
        self._settled = threading.Event()  # opened, or failed for good
        self._fatal: Exception | None = None
        self.heartbeat = Heartbeat("store opener", stall_seconds=OPENER_STALL_SECONDS)

    def open(self, wait_seconds: float = START_UP_WAIT_SECONDS) -> None:
        """Start opening in a supervised thread; wait up to `wait_seconds` for it (so a store
        that is up is open before the first request, and a silent one cannot hold start-up, and
        with it SIGTERM, for long). A configuration error is raised here, not retried."""
        thread = threading.Thread(target=self._keep_trying, name="store opener", daemon=True)
        self.heartbeat.thread = thread
        thread.start()
        self._settled.wait(wait_seconds)
        if self._fatal is not None:
            raise self._fatal

    @property
    def ledger(self) -> ComplaintsLedger:
        return self._opened(self._ledger)

    @property
    def tokens(self) -> TokenStore:
        return self._opened(self._tokens)

    @property
    def users(self) -> UserStore:
        return self._opened(self._users)

    @property
    def sessions(self) -> SessionStore:
        return self._opened(self._sessions)

    @property
    def letter_templates(self) -> TemplateStore:
        return self._opened(self._letter_templates)

    @property
    def policy(self) -> Policy:
        return self._opened(self._policy)

    def close(self) -> None:
        self._done.set()
        if self.heartbeat.thread is not None:
            self.heartbeat.thread.join(timeout=5)
        for opened in (
            self._letter_templates,
            self._sessions,
            self._users,
            self._tokens,
            self._ledger,
        ):
            if opened is not None:
                opened.close()

    def _opened(self, value: T | None) -> T:
        if value is None:
            raise StoreUnavailableError(
                f"the store has not been opened yet: {self._last_error}", field="store"
            )
        return value

    def _keep_trying(self) -> None:
        run_supervised(
            self.heartbeat,
            self._open_once,
            pause=self._done.set,
            stopping=self._done,
            longest_backoff=RETRY_AT_MOST_EVERY_SECONDS,
        )

    def _open_once(self) -> None:
        if self._done.is_set():
            return
        try:
            if self._ledger is None:
                self._ledger = ComplaintsLedger(self.settings, clock=self.clock)
            if self._tokens is None:
                self._tokens = TokenStore.for_settings(self.settings)
            if self._users is None:
                self._users = UserStore(self.settings.store_url, clock=self.clock)
            if self._sessions is None:
                self._sessions = SessionStore.for_settings(self.settings, self.clock)
            if self._letter_templates is None:
                self._letter_templates = TemplateStore(self.settings.store_url, clock=self.clock)
        except StoreUnavailableError as error:
            if self.heartbeat.failures_in_a_row == 0:
                logger.warning(
                    "store unavailable at start-up; opening it in the background",
                    error=error.message,
                )
            self._last_error = error.message
            raise  # supervised: tried again after a back-off
        except Exception as error:  # a configuration error: open() raises it; no retry
            self._fatal = error
            self._last_error = f"{type(error).__name__}: {error}"
            logger.exception("the store cannot be opened", error=self._last_error)
            self._done.set()
            self._settled.set()
            return
        self._policy = Policy(self._ledger)
        self._settled.set()
        logger.info("store opened", store=self.settings.store_url.redacted)
