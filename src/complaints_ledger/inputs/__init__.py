"""What may enter the ledger: one policy for texts, instants and days, for every door."""

from complaints_ledger.inputs.moments import (
    Day,
    Instant,
    LedgerDay,
    LedgerInstant,
    ReportingYear,
    outside_lifetime,
    refuse_future,
)
from complaints_ledger.inputs.text import Name, Text, TextPolicyError, clean_line, clean_text

__all__ = [
    "Day",
    "Instant",
    "LedgerDay",
    "LedgerInstant",
    "Name",
    "ReportingYear",
    "Text",
    "TextPolicyError",
    "clean_line",
    "clean_text",
    "outside_lifetime",
    "refuse_future",
]
