"""A checked body's answers as a GOV.UK summary list ("Check your answers"): one row per question
of the form, the value as the person would say it, and a Change link back to the question."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from markupsafe import Markup, escape

from complaints_ledger.domain.calendars import UK_TIME_ZONE
from complaints_ledger.web.formatting import long_date
from complaints_ledger.web.forms import FormField, Kind

NOT_GIVEN = "Not given"


def answer_rows(
    fields: Iterable[FormField], answers: Mapping[str, Any], change: str, context: str = ""
) -> list[dict[str, Any]]:
    """Summary list rows of `fields` from the body's JSON `answers`; a group's fields are rows of
    their own (an optional group left out is one row, "Not given"). Each Change link names its
    question in full for screen readers ("change the representative: full name")."""
    rows: list[dict[str, Any]] = []
    for each in fields:
        value = answers.get(each.name)
        named = f"{context}{each.label}"
        if each.kind == Kind.GROUP and value is not None:
            rows += answer_rows(each.children, value, change, f"{named}: ")
            continue
        rows.append(
            {
                "key": {"text": each.label},
                "value": {"html": answer_html(each, value)},
                "actions": {
                    "items": [
                        {"href": change, "text": "Change", "visuallyHiddenText": named.lower()}
                    ]
                },
            }
        )
    return rows


def answer_html(each: FormField, value: Any) -> Markup:
    """The answer as the page shows it: choices by their text, dates and times in UK words,
    lists one on each line."""
    if value is None or value in ([], ""):
        return Markup("<span class='govuk-hint app-not-given'>{}</span>").format(NOT_GIVEN)
    if isinstance(value, list):
        return Markup("<br>").join(escape(_text(each, item)) for item in value)
    return Markup("<br>").join(escape(line) for line in _text(each, value).splitlines())


def _text(each: FormField, value: Any) -> str:
    choices = dict(each.options)
    if each.kind == Kind.YES_NO:
        return "Yes" if value else "No"
    if str(value) in choices:
        return choices[str(value)]
    if each.kind == Kind.DATE:
        return long_date(str(value))
    if each.kind == Kind.INSTANT:
        moment = datetime.fromisoformat(str(value)).astimezone(UK_TIME_ZONE)
        return f"{long_date(moment.date())}, {moment:%H:%M} (UK time)"
    return str(value)
