"""The staff pages, who may open each, and the service navigation that lists them for the
signed-in person: only the pages their role may open, the one shown marked as current."""

from __future__ import annotations

from dataclasses import dataclass

from complaints_ledger.access.policy import AGGREGATE_READERS, LOGGERS, READ_LOG_READERS
from complaints_ledger.access.sessions import Session
from complaints_ledger.domain.values import Role

# Those who log and deal with their organisation's cases: officers, managers and Healthwatch.
WORKLIST_ROLES = LOGGERS
# Who runs the installation: organisations, accounts, tokens, keys, projections (the CLI's role).
ADMIN_ROLES = frozenset({Role.ADMIN})
EVERYONE = frozenset(Role)
# Those who audit: managers and auditors, as the API's read audit (who read a case).
INTEGRITY_ROLES = READ_LOG_READERS


@dataclass(frozen=True)
class StaffPage:
    href: str
    text: str
    roles: frozenset[Role]
    home: bool = False  # signing in lands here, for the roles that may open it


STAFF_PAGES = (
    StaffPage("/worklist", "Worklist", WORKLIST_ROLES, home=True),
    StaffPage("/log-complaint", "Log a complaint", LOGGERS),  # the API's policy: who may log
    StaffPage("/dashboards", "Dashboards", AGGREGATE_READERS, home=True),
    StaffPage("/learning", "Learning register", AGGREGATE_READERS),
    StaffPage("/learning/you-said-we-did", "You said, we did", EVERYONE),
    StaffPage("/reports/annual", "Annual report", AGGREGATE_READERS),
    StaffPage("/integrity", "Integrity", INTEGRITY_ROLES),
    StaffPage("/letter-templates", "Letter templates", frozenset({Role.MANAGER})),
    StaffPage("/admin", "Admin", ADMIN_ROLES, home=True),
)


def home_page(role: Role) -> str:
    """Where a person lands after signing in: the first home page their role may open (the
    worklist, the dashboards, the admin pages), or the start page."""
    return next((page.href for page in STAFF_PAGES if page.home and role in page.roles), "/")


def navigation_for(session: Session | None, path: str) -> list[dict[str, object]]:
    """Service navigation items (GOV.UK's `navigation` parameter); `current` on the page at
    `path` sets aria-current="page", `active` marks the section of a page under it."""
    if session is None:
        return []
    return [
        {
            "href": page.href,
            "text": page.text,
            "current": page.href == path,
            "active": page.href == _section_of(path),
        }
        for page in STAFF_PAGES
        if session.role in page.roles
    ]


def _section_of(path: str) -> str | None:
    """The staff page that `path` is a step or sub-page of (`/log-complaint/check`): the one
    with the longest address above it; None for a staff page itself or any other page."""
    if any(page.href == path for page in STAFF_PAGES):
        return None
    above = [page.href for page in STAFF_PAGES if path.startswith(page.href + "/")]
    return max(above, key=len, default=None)
