"""The view database under its first module path, kept for plug-in projections written against it.

New code imports it from `complaints_ledger.persistence.view_db`.
"""

from complaints_ledger.persistence.view_db import ViewDatabase

__all__ = ["ViewDatabase"]
