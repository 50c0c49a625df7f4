"""Rendering read views (see complaints_ledger.application.case_view) as text for people, with rich.

The write model holds what events hold; control characters in them are shown escaped here, as
the read side shows them (readside/storable.py), so none reaches the terminal to be obeyed."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from complaints_ledger.cli.tables import readable
from complaints_ledger.readside.storable import storable_text

WIDE_ENOUGH = 140


def make_console() -> Console:
    """A console for stdout; when it is not a terminal, wide enough for the tables."""
    console = Console(highlight=False, emoji=False)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console = Console(highlight=False, emoji=False, width=WIDE_ENOUGH)
    return console


def line(console: Console, text: str, style: str | None = None) -> None:
    """One line of plain text, never wrapped or read as markup (ids stay copyable)."""
    console.print(Text(storable_text(text), style=style or ""), soft_wrap=True)


def short_instant(value: str | None) -> str:
    """An RFC 3339 instant shown in UTC to the second: 2026-05-01 12:00:05Z."""
    if value is None:
        return "-"
    return datetime.fromisoformat(value).astimezone(UTC).strftime("%Y-%m-%d %H:%M:%SZ")


def details(data: dict[str, Any]) -> str:
    """An event's payload, one `key: value` per line, empty values left out; whole, since a
    history is the record an auditor reads (`history --json` gives the exact stored form)."""
    lines = [
        f"{key.replace('_', ' ')}: {_value(value)}"
        for key, value in data.items()
        if value not in (None, "", [], {})
    ]
    return storable_text("\n".join(lines))


def _value(value: Any) -> str:
    if isinstance(value, dict | list):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return str(value)


def _grid(rows: list[tuple[str, str]]) -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    for label, value in rows:
        grid.add_row(label, Text(storable_text(value)))
    return grid


def _person(case: dict[str, Any]) -> str:
    complainant = (case.get("complainant") or {}).get("name") or "-"
    representative = case.get("representative")
    if not representative:
        return complainant
    person = representative["person"]["name"]
    relationship, consent = representative["relationship"], representative["consent"]
    return f"{complainant}, represented by {person} ({relationship}, {consent})"


def case_header(console: Console, case: dict[str, Any], as_of: datetime | None) -> None:
    when = f" as recorded at {as_of.isoformat()}" if as_of else ""
    line(console, f"Case {case['id']}{when}", "bold")
    received_by = case["receiving_organisation"]
    handled = case["organisation"]
    if received_by != handled:
        handled += f" (received by {received_by})"
    rows = [
        ("Kind / status", f"{case['kind']} · {case['status']} · stage {case['stage']}"),
        ("Regime", case["regime"]),
        ("Handled by", handled),
        ("About", f"{case['about']['organisation']}: {case['about']['service']}"),
        ("Received", f"{short_instant(case['received_at'])} via {case['channel']}"),
        ("Subjects", ", ".join(case["subjects"])),
        ("Complainant", _person(case)),
        ("Outcome", case["outcome"] or "-"),
        ("Version", str(case["version"])),
    ]
    console.print(_grid(rows))


def events_table(events: list[dict[str, Any]]) -> Table:
    """Three columns, so that an 80-column terminal leaves the details room: the event (its type,
    when it was recorded and happened, by whom) and then what it says."""
    table = Table(title="Events", title_justify="left", expand=False)
    for name in ("#", "Event", "Details"):
        table.add_column(name)
    for event in events:
        actor = event["actor"]
        about = Text(event["type"], style="bold")
        about.append(f"\nrecorded {short_instant(event['recorded_at'])}")
        about.append(f"\noccurred {short_instant(event['occurred_at'])}")
        about.append(f"\nby {actor.get('principal')} ({actor.get('role')})")
        table.add_row(str(event["version"]), about, Text(details(event["data"])))
    table = readable(table)
    table.columns[0].no_wrap = True
    table.columns[1].min_width = 30
    return table


def deadlines_table(deadlines: list[dict[str, Any]]) -> Table:
    table = Table(title="Deadlines", title_justify="left")
    for name in ("Deadline", "Due", "Status", "Met at", "Statutory"):
        table.add_column(name, no_wrap=True)
    table.add_column("Rule", overflow="fold")
    styles = {"missed": "red", "open": "yellow", "met": "green"}
    for deadline in deadlines:
        status = deadline["status"]
        table.add_row(
            deadline["name"],
            deadline["due"],
            Text(status, style=styles.get(status, "")),
            short_instant(deadline["met_at"]),
            "yes" if deadline["statutory"] else "no",
            Text(deadline["rule"]),
        )
    return readable(table)


def explanations(console: Console, deadlines: list[dict[str, Any]]) -> None:
    for deadline in deadlines:
        console.print(Text.assemble((f"{deadline['name']}: ", "bold"), deadline["explanation"]))


def time_limit(console: Console, check: dict[str, Any]) -> None:
    verdict = "in time" if check["in_time"] else "LATE"
    if not check["in_time"]:
        verdict += " (blocks handling until accepted)" if check["blocking"] else " (a warning)"
    console.print(Text.assemble(("Time limit: ", "bold"), f"{verdict}. ", check["explanation"]))
