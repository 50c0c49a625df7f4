"""The staff pages, who may open each, and the service navigation that lists them for the
signed-in person: only the pages their role may open, the one shown marked as current."""

from __future__ import annotations

from dataclasses import dataclass

from complaints_ledger.access.policy import LOGGERS, READ_LOG_READERS
from complaints_ledger.access.sessions import Session
from complaints_ledger.domain.values import Role

# Those who log and deal with their organisation's cases: officers, managers and Healthwatch.
WORKLIST_ROLES = LOGGERS
# Those who audit: managers and auditors, as the API's read audit (who read a case).
INTEGRITY_ROLES = READ_LOG_READERS


@dataclass(frozen=True)
class StaffPage:
    href: str
    text: str
    roles: frozenset[Role]
    landing: bool = True  # where signing in may take its roles


STAFF_PAGES = (
    StaffPage("/worklist", "Worklist", WORKLIST_ROLES),
    StaffPage("/integrity", "Integrity", INTEGRITY_ROLES, landing=False),
)


def home_page(role: Role) -> str:
    """Where a person lands after signing in: the first staff page their role may open (the
    worklist), or the start page."""
    return next((page.href for page in STAFF_PAGES if role in page.roles and page.landing), "/")


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
