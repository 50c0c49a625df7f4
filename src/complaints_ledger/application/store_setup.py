"""`db init`: the application creates its tables, then persistence sets up roles on them."""

from __future__ import annotations

from complaints_ledger.application.ledger import ComplaintsLedger
from complaints_ledger.persistence.store_roles import (
    InitReport,
    RolePlan,
    check_can_set_up,
    set_up_roles,
)
from complaints_ledger.settings import Settings


def init_database(settings: Settings, plan: RolePlan) -> InitReport:
    """Create the tables (as the owner), then the roles, grants, lock function and triggers.
    Safe to run again: everything is created if missing and re-granted."""
    store = settings.store_url
    check_can_set_up(store, plan)
    _create_tables(settings)
    return set_up_roles(store, plan)


def _create_tables(settings: Settings) -> None:
    """Construct the application once: the library creates its tables, types and functions.
    Snapshots on, so that their table exists for writers that take them."""
    interval = settings.snapshot_interval or 1
    ledger = ComplaintsLedger(settings.model_copy(update={"snapshot_interval": interval}))
    try:
        ledger.subject_keys.ensure_table()
    finally:
        ledger.close()
