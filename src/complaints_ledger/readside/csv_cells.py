"""Cells of every CSV export (audit trail, annual report): what a spreadsheet would run is not
written as it stands.

OWASP's CSV injection guidance: a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage
return (here also a line feed) may be run as a formula; it gets a leading `'`, which spreadsheets
show as text. A plain number (`-3`, `2.5`) is left as it is. Control characters are escaped by
the read side's stored-value rule (storable.py) first, so none reaches the file raw.
"""

from __future__ import annotations

import re
from typing import Any

from complaints_ledger.readside.storable import storable_text

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")
_PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def csv_cell(value: Any) -> str:
    """`value` as a CSV cell: `None` empty, text made storable and neutralised."""
    text = storable_text("" if value is None else str(value))
    if text.startswith(FORMULA_PREFIXES) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text
