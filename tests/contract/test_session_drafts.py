"""Session drafts on both stores (what a person entered in a form of several pages): only the
session's own cookie reads its draft, the table holds it sealed, and it goes when the session
ends (signed out, timed out, or every session of the account ended)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from complaints_ledger.access.session_drafts import DRAFTS_TABLE
from complaints_ledger.access.sessions import SessionStore
from complaints_ledger.persistence.store_url import parse_store_url
from complaints_ledger.persistence.view_db import ViewDatabase
from tests.builders import SimulatedClock as Clock
from tests.contract.test_sessions import JO
from tests.contract.test_sessions import clock as clock  # noqa: PLC0414 - the fixture
from tests.contract.test_sessions import sessions as sessions  # noqa: PLC0414 - the fixture

DRAFT = {"values": {"complainant-name": ["Pat Example"]}, "done": ["arrival"]}


def stored(store_url: str) -> list[tuple[object, ...]]:
    db = ViewDatabase(parse_store_url(store_url))
    try:
        return [tuple(row) for row in db.execute(f"SELECT * FROM {DRAFTS_TABLE}")]
    finally:
        db.close()


def test_a_draft_is_read_back_by_its_own_session_only(
    sessions: SessionStore, store_url: str
) -> None:
    cookie, _ = sessions.start(JO)
    other, _ = sessions.start(JO)
    sessions.keep_draft(cookie, "log-complaint", DRAFT)
    assert sessions.draft(cookie, "log-complaint") == DRAFT
    assert sessions.draft(other, "log-complaint") == {}
    assert sessions.draft(cookie, "another-form") == {}
    assert sessions.draft(cookie[:-2] + "xx", "log-complaint") == {}
    assert "Pat" not in repr(stored(store_url))  # sealed: the table alone reads as nothing
    sessions.keep_draft(cookie, "log-complaint", {"done": []})  # replaced whole
    assert sessions.draft(cookie, "log-complaint") == {"done": []}
    sessions.discard_draft(cookie, "log-complaint")
    assert sessions.draft(cookie, "log-complaint") == {}


@pytest.mark.parametrize(
    "ending",
    [
        lambda sessions, cookie, clock: sessions.end(cookie),
        lambda sessions, cookie, clock: sessions.end_all_for(JO.principal),
        lambda sessions, cookie, clock: (clock.advance(hours=1), sessions.resume(cookie)),
    ],
    ids=["signed out", "all sessions ended", "idle timeout"],
)
def test_a_draft_goes_with_its_session(
    sessions: SessionStore,
    store_url: str,
    clock: Clock,
    ending: Callable[[SessionStore, str, Clock], object],
) -> None:
    cookie, _ = sessions.start(JO)
    sessions.keep_draft(cookie, "log-complaint", DRAFT)
    ending(sessions, cookie, clock)
    assert stored(store_url) == []
    assert sessions.draft(cookie, "log-complaint") == {}


def test_the_draft_of_a_session_that_timed_out_unseen_goes_with_the_next_draft_kept(
    sessions: SessionStore, store_url: str, clock: Clock
) -> None:
    forgotten, _ = sessions.start(JO)
    sessions.keep_draft(forgotten, "log-complaint", DRAFT)
    clock.advance(hours=11)  # longer than any session lives; its cookie is never seen again
    cookie, _ = sessions.start(JO)
    sessions.keep_draft(cookie, "log-complaint", {"done": []})
    assert len(stored(store_url)) == 1
    assert sessions.draft(cookie, "log-complaint") == {"done": []}
