"""Request bodies: the new complaint (application/intake.py), and the types every command body
shares.

Field names are the HTTP contract. Texts, instants and days follow the input policy
(`complaints_ledger.inputs`). Unknown fields are refused, so a typo is a 422, not a silently
ignored value.
"""

from __future__ import annotations

from complaints_ledger.application.catalogue.body import MAX_WORKING_DAYS, Body, CommandBody
from complaints_ledger.application.intake import ComplaintCreate
from complaints_ledger.inputs import Day, Instant, Name, Text

__all__ = [
    "MAX_WORKING_DAYS",
    "Body",
    "CommandBody",
    "ComplaintCreate",
    "Day",
    "Instant",
    "Name",
    "Text",
]
