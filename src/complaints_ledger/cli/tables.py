"""Tables that read in an 80-column terminal: cells wrap instead of being cut short with "…",
headers wrap at their words, and values print as text, never as Python reprs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from enum import Enum
from typing import Any

from rich import box
from rich.table import Table
from rich.text import Text


def readable(table: Table) -> Table:
    """`table` made to fit: every column wraps (folding a word longer than its column) and
    headers split at spaces. The rules between columns stay: they keep a wrapped cell legible
    (and scripts split rows at them)."""
    for column in table.columns:
        column.no_wrap = False
        column.overflow = "fold"
        if isinstance(column.header, str):
            column.header = column.header.replace("_", " ")
    return table


def cell(value: object) -> Text:
    """One value as the text a reader expects; Text, not markup, since values quote stored data."""
    return Text(_plain(value))


def _plain(value: object) -> str:
    if isinstance(value, Mapping):
        return "; ".join(f"{key}: {_plain(item)}" for key, item in value.items())
    if isinstance(value, (list, tuple, set, frozenset)):
        return ", ".join(_plain(item) for item in value)
    return _scalar(value)


def _scalar(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        text = "yes" if value else "no"
    elif isinstance(value, Enum):
        text = str(value.value)
    elif isinstance(value, datetime):
        text = value.isoformat(timespec="minutes")
    elif isinstance(value, date):
        text = value.isoformat()
    else:
        text = str(value)
    return text


# Short headers for the read models' counting columns, so that numbers, not headers, set the
# widths of an 80-column table (the JSON keeps the full names).
LABELS = {
    "received": "in",
    "acknowledged_on_time": "ack ok",
    "acknowledged_late": "ack late",
    "responded_on_time": "resp ok",
    "responded_late": "resp late",
    "overdue_now": "over due",
    "within_target_percent": "% in target",
    "at_risk": "at risk",
    "median_working_days_to_respond": "median days",
    "working_days_overdue": "days over",
}


def rows_table(rows: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> Table:
    """A readable table of `columns` from each row (a missing value is an empty cell). Columns
    of numbers keep their width and align right; the text columns wrap into what is left."""
    listed = list(rows)
    table = readable(Table(*(LABELS.get(column, column) for column in columns)))
    # A report has many narrow columns: no rules and one space between them leave the room.
    table.box, table.pad_edge, table.padding = box.SIMPLE_HEAD, False, (0, 1, 0, 0)
    for column, name in zip(table.columns, columns, strict=True):
        values = [row.get(name) for row in listed]
        if all(_is_number(value) for value in values):
            words = str(column.header).split()
            column.header = "\n".join(words)  # no_wrap would keep a header on one line
            column.no_wrap, column.justify = True, "right"
            column.min_width = max([len(_plain(v)) for v in values] + [len(w) for w in words])
    for row in listed:
        table.add_row(*(cell(row.get(column)) for column in columns))
    return table


def _is_number(value: object) -> bool:
    return value is None or (isinstance(value, (int, float)) and not isinstance(value, bool))
