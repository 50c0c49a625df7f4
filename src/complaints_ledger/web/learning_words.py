"""'You said, we did' in plain words: what people raised (the kind of case, what it was about,
what the organisation found) beside what changed, from the partner feed's entries, which hold
no case ids, names or words of the complainant's."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from itertools import groupby
from typing import Any

Entry = dict[str, Any]
FOUND = {
    "upheld": "We agreed: the {kind} was upheld.",
    "partly_upheld": "We agreed in part: the {kind} was partly upheld.",
    "not_upheld": "We looked into it and did not uphold the {kind}.",
}
NOT_ANSWERED = "We have not answered it yet."


def listed(words: Sequence[str]) -> str:
    """["a", "b", "c"] -> "a, b and c"."""
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


def you_said(entry: Entry) -> str:
    """ "A complaint about charging and communication." """
    said = entry["you_said"]
    subjects = [subject.replace("_", " ") for subject in said["subjects"]]
    about = f" about {listed(subjects)}" if subjects else ""
    article = "An" if said["kind"][:1] in "aeiou" else "A"
    return f"{article} {said['kind']}{about}."


def what_we_found(entry: Entry) -> str:
    said = entry["you_said"]
    outcome = said["outcome"]
    return FOUND[outcome].format(kind=said["kind"]) if outcome in FOUND else NOT_ANSWERED


def month_name(month: str) -> str:
    """ "2026-11" -> "November 2026"."""
    return f"{date.fromisoformat(month + '-01'):%B %Y}"


def feed_by_month(feed: Sequence[Entry]) -> list[dict[str, Any]]:
    """The feed's entries (newest month first, as the read model orders them) in months, each
    entry with its plain words."""
    return [
        {
            "month": month_name(month),
            "entries": [
                {
                    **entry,
                    "you_said_text": you_said(entry),
                    "found": what_we_found(entry),
                }
                for entry in entries
            ],
        }
        for month, entries in groupby(feed, key=lambda entry: entry["month"])
    ]
