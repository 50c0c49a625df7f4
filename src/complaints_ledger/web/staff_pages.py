"""The staff pages, who may open each, and the service navigation that lists them for the
signed-in person: only the pages their role may open, the one shown marked as current."""

from __future__ import annotations

from dataclasses import dataclass

from complaints_ledger.access.policy import LOGGERS
from complaints_ledger.access.sessions import Session
from complaints_ledger.domain.values import Role

# Those who log and deal with their organisation's cases: officers, managers and Healthwatch.
WORKLIST_ROLES = LOGGERS


@dataclass(frozen=True)
class StaffPage:
    href: str
    text: str
    roles: frozenset[Role]


STAFF_PAGES = (
    StaffPage("/worklist", "Worklist", WORKLIST_ROLES),
    StaffPage("/letter-templates", "Letter templates", frozenset({Role.MANAGER})),
)


def home_page(role: Role) -> str:
    """Where a person lands after signing in: the first staff page their role may open (the
    worklist), or the start page."""
    return next((page.href for page in STAFF_PAGES if role in page.roles), "/")


def navigation_for(session: Session | None, path: str) -> list[dict[str, object]]:
    """Service navigation items (GOV.UK's `navigation` parameter); `current` on the page at
    `path` sets aria-current="page"."""
    if session is None:
        return []
    return [
        {"href": page.href, "text": page.text, "current": page.href == path}
        for page in STAFF_PAGES
        if session.role in page.roles
    ]
