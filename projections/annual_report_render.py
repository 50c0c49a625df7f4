"""The annual report as Markdown (to publish), CSV (long format: section, measure, key, value)
and JSON. Each takes the dict that `projections.annual_report.annual_report` returns.
`report_sections` lays the report out in titled tables, which the Markdown and the web
interface's report page both print."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import orjson

from complaints_ledger.readside.csv_cells import csv_cell

CSV_HEADER = ("section", "measure", "key", "value")
REGS_MEASURES = (
    ("complaints_received", "Complaints received"),
    ("complaints_refused", "Complaints refused: not dealt with under the Regulations (reg 8)"),
    ("responses_sent", "Complaints responded to"),
    ("well_founded", "Complaints decided well-founded (upheld or partly upheld)"),
    ("responses_within_notified_period", "Responses within the period the complainant was told"),
    ("responses_outside_notified_period", "Responses outside the period the complainant was told"),
    ("referred_to_ombudsman", "Complaints the organisation was told were referred to an ombudsman"),
    ("ombudsman_remedies_asked", "Remedies the ombudsman asked for"),
    ("overdue_remedies_at_year_end", "Ombudsman remedies overdue at the year's end"),
    ("actions_planned", "Actions planned"),
    ("actions_completed", "Actions completed"),
)
KO41_MEASURES = ("brought_forward", "new", "resolved", "carried_forward")
KO41_BREAKDOWNS = (
    ("outcomes", "Outcomes of resolved complaints", "Outcome"),
    ("resolutions", "How resolved complaints ended", "Ended by"),
    ("by_subject", "New complaints by subject (each subject once per complaint)", "Subject"),
    ("by_service", "New complaints by service", "Service"),
    ("by_complainant_status", "New complaints by complainant status", "Made by"),
    ("by_age_band", "New complaints by age band", "Age band"),
)
ACTION_COLUMNS = (
    ("description", "Action"),
    ("planned_on", "Planned"),
    ("due_on", "Due"),
    ("completed_on", "Completed"),
    ("status", "Status at year end"),
)


# ---- JSON and CSV ------------------------------------------------------------------------------


def render_json(report: dict[str, Any]) -> str:
    return orjson.dumps(report, option=orjson.OPT_INDENT_2).decode() + "\n"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _cells(key: str, value: Any) -> Iterator[tuple[str, str]]:
    """(key path, value) for every scalar inside `value`; list items are numbered from 1."""
    if isinstance(value, dict):
        for name, inner in value.items():
            yield from _cells(f"{key}.{name}" if key else str(name), inner)
    elif isinstance(value, list):
        for number, inner in enumerate(value, start=1):
            yield from _cells(f"{key}.{number}" if key else str(number), inner)
    else:
        yield key, _text(value)


def csv_rows(report: dict[str, Any]) -> Iterator[tuple[str, str, str, str]]:
    for section, content in report.items():
        if not isinstance(content, dict):
            yield "report", section, "", _text(content)
            continue
        for measure, value in content.items():
            for key, text in _cells("", value):
                yield section, measure, key, text


def render_csv(report: dict[str, Any]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    writer.writerows(tuple(map(csv_cell, row)) for row in csv_rows(report))
    return buffer.getvalue()


# ---- Sections (the Markdown and the web's HTML both lay these out) ---------------------------


@dataclass(frozen=True)
class ReportTable:
    """One table of the report: its heading (none for a section's first table), column
    headings, rows (the first cell names the row) and a note printed under it."""

    header: tuple[str, ...]
    rows: list[tuple[Any, ...]]
    title: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class ReportSection:
    title: str
    tables: list[ReportTable]


def _counts_table(
    title: str, first: str, counts: dict[str, int], counted: str = "Complaints"
) -> ReportTable:
    rows: list[tuple[Any, ...]] = [(key.replace("_", " "), n) for key, n in counts.items()]
    return ReportTable((first, counted), rows, title)


def period_text(period: dict[str, Any]) -> str:
    """ "1 April 2026 to 31 March 2027, in UK local time (Europe/London)"."""
    start = datetime.fromisoformat(period["start"]).date()
    last: date = datetime.fromisoformat(period["end"]).date() - timedelta(days=1)
    return (
        f"{start.day} {start:%B %Y} to {last.day} {last:%B %Y}, in UK local time "
        f"({period['time_zone']})"
    )


def _regs_section(regs: dict[str, Any]) -> ReportSection:
    others = regs["other_feedback_received"]
    rows: list[tuple[Any, ...]] = [(label, regs[key]) for key, label in REGS_MEASURES]
    rows += [
        (f"{kind.capitalize()}s received (reported separately)", n) for kind, n in others.items()
    ]
    actions = [tuple(a[key] for key, _ in ACTION_COLUMNS) for a in regs["actions"]]
    return ReportSection(
        "Annual report under regulations 16-18 (SI 2009/309)",
        [
            ReportTable(
                ("Measure", "Number"),
                rows,
                note=f"Well-founded means: {regs['well_founded_definition']}",
            ),
            _counts_table("Subjects of complaints received", "Subject", regs["subjects"]),
            _counts_table(
                "Complaints refused, by ground of reg 8(1)", "Ground", regs["refused_by_ground"]
            ),
            _counts_table("Ombudsman decisions", "Decision", regs["ombudsman_decisions"]),
            _counts_table(
                "Ombudsman remedies at the year's end", "Status", regs["ombudsman_remedies"]
            ),
            ReportTable(tuple(t for _, t in ACTION_COLUMNS), actions, "Actions taken or planned"),
            _counts_table("Themes of lessons learnt", "Theme", regs["learning_themes"], "Lessons"),
        ],
    )


def _ko41_section(ko41: dict[str, Any]) -> ReportSection:
    header = tuple(key.replace("_", " ").capitalize() for key in KO41_MEASURES)
    return ReportSection(
        "KO41-style counts",
        [
            ReportTable(header, [tuple(ko41[key] for key in KO41_MEASURES)]),
            *(_counts_table(title, first, ko41[key]) for key, title, first in KO41_BREAKDOWNS),
        ],
    )


def report_sections(report: dict[str, Any]) -> list[ReportSection]:
    """The report's sections in print order: regs 16-18, then the KO41-style counts."""
    return [_regs_section(report["regs_16_18"]), _ko41_section(report["ko41"])]


def definitions(report: dict[str, Any]) -> list[tuple[str, str]]:
    """(term, meaning) of every definition the report's counts rest on."""
    return [(name.replace("_", " "), text) for name, text in report["definitions"].items()]


# ---- Markdown ----------------------------------------------------------------------------------


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return " ".join(text.split()).replace("|", "\\|")


def _markdown_table(table: ReportTable) -> list[str]:
    lines = [f"### {table.title}", ""] if table.title else []
    if not table.rows:
        lines += ["None.", ""]
    else:
        aligns = ["---" if n == 0 else "---:" for n in range(len(table.header))]
        lines += [f"| {' | '.join(table.header)} |", f"| {' | '.join(aligns)} |"]
        lines += [f"| {' | '.join(_cell(v) for v in row)} |" for row in table.rows]
        lines.append("")
    return [*lines, *([table.note, ""] if table.note else [])]


def _markdown_section(section: ReportSection) -> list[str]:
    return [
        f"## {section.title}",
        "",
        *(line for table in section.tables for line in _markdown_table(table)),
    ]


def render_markdown(report: dict[str, Any]) -> str:
    lines = [
        f"# Complaints annual report {report['year']}: {report['organisation']}",
        "",
        f"Reporting year: {period_text(report['period'])}.",
        "",
        *([f"As recorded at {report['as_of']}.", ""] if report.get("as_of") else []),
        *(line for section in report_sections(report) for line in _markdown_section(section)),
        "## Definitions",
        "",
        *(f"- **{term}**: {text}" for term, text in definitions(report)),
    ]
    return "\n".join(lines) + "\n"
