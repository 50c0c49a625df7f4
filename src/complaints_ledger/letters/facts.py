"""The facts of a case a letter template is filled with: plain strings, lists and dicts only
(the sandbox gives templates no other objects), from the case as the reader may see it (people
as pseudonyms for those who see no identities), its clocks and its events.

`SAMPLE_FACTS` has the same shape: a template is tried against it before it is saved, so a
misspelt placeholder is refused then, not when a letter is written.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from complaints_ledger.domain.calendars import UK_TIME_ZONE
from complaints_ledger.domain.jurisdiction import ombudsmen_for
from complaints_ledger.domain.values import Ombudsman, RegimeId

View = Mapping[str, Any]  # a case as application/case_view.py shows it
Facts = dict[str, Any]

# Name, website and telephone of each ombudsman, for the letters' signposting.
OMBUDSMAN_CONTACTS: dict[Ombudsman, tuple[str, str, str]] = {
    Ombudsman.LGSCO: (
        "Local Government and Social Care Ombudsman",
        "www.lgo.org.uk",
        "0300 061 0614",
    ),
    Ombudsman.PHSO: (
        "Parliamentary and Health Service Ombudsman",
        "www.ombudsman.org.uk",
        "0345 015 4033",
    ),
    Ombudsman.SPSO: ("Scottish Public Services Ombudsman", "www.spso.org.uk", "0800 377 7330"),
    Ombudsman.PSOW: ("Public Services Ombudsman for Wales", "www.ombudsman.wales", "0300 790 0203"),
    Ombudsman.NIPSO: (
        "Northern Ireland Public Services Ombudsman",
        "www.nipso.org.uk",
        "0800 34 34 24",
    ),
    Ombudsman.HOUSING_OMBUDSMAN: (
        "Housing Ombudsman Service",
        "www.housing-ombudsman.org.uk",
        "0300 111 3000",
    ),
}
# Where a regime's complaints may go to more than one ombudsman, the one its letters name: adult
# social care in England goes to the LGSCO (the PHSO takes the NHS's).
FIRST_CHOICE = (Ombudsman.LGSCO, Ombudsman.HOUSING_OMBUDSMAN)


def ombudsman_for(regime: RegimeId) -> Ombudsman:
    bodies = ombudsmen_for(regime)
    return next((body for body in FIRST_CHOICE if body in bodies), min(bodies))


def letter_day(value: date) -> str:
    """As a letter gives a date: "4 June 2026"."""
    return f"{value.day} {value:%B %Y}"


def _day_of(text: str | None) -> str:
    if not text:
        return ""
    if "T" in text:
        return letter_day(datetime.fromisoformat(text).astimezone(UK_TIME_ZONE).date())
    return letter_day(date.fromisoformat(text))


def _words(value: str | None) -> str:
    return (value or "").replace("_", " ")


def case_facts(view: View, events: Sequence[Mapping[str, Any]], today: date) -> Facts:
    """The facts of the case `view` with its history `events` (history_entry_view, oldest first)."""
    complainant = view.get("complainant") or {}
    return {
        "organisation": view["organisation"],
        "today": letter_day(today),
        "case": {
            "reference": view["id"][:8].upper(),
            "received": _day_of(view["received_at"]),
            "service": view["about"]["service"],
            "about": view["about"]["organisation"],
            "subjects": list(view["subjects"]),
            "stage": str(view["stage"]),
            "regime": view["regime"],
        },
        "complainant": {
            "name": str(complainant.get("name") or ""),
            "address": str(complainant.get("address") or ""),
            "email": str(complainant.get("email") or ""),
        },
        "acknowledgement": _acknowledgement(events),
        "extension": _extension(events),
        "response": _response(view, events),
        "actions": [
            {"description": action["description"], "due": _day_of(action["due_on"])}
            for action in view["actions"]
            if action["completed_at"] is None
        ],
        "ombudsman": _ombudsman(RegimeId(view["regime"])),
    }


def _latest(events: Sequence[Mapping[str, Any]], kind: str) -> Mapping[str, Any] | None:
    return next((event for event in reversed(events) if event["type"] == kind), None)


def _acknowledgement(events: Sequence[Mapping[str, Any]]) -> Facts:
    acknowledged = _latest(events, "Acknowledged")
    data = acknowledged["data"] if acknowledged else {}
    return {
        "date": _day_of(acknowledged["occurred_at"]) if acknowledged else "",
        "discussion_offered": bool(data.get("discussion_offered", True)),
    }


def _extension(events: Sequence[Mapping[str, Any]]) -> Facts:
    extended = _latest(events, "DeadlineExtended")
    data = extended["data"] if extended else {}
    return {
        "reason": str(data.get("reason") or ""),
        "working_days": str(data.get("working_days") or ""),
        "date": _day_of(extended["occurred_at"]) if extended else "",
    }


def _response(view: View, events: Sequence[Mapping[str, Any]]) -> Facts:
    sent = _latest(events, "ResponseSent")
    data = sent["data"] if sent else {}
    personal = data.get("personal") or {}
    statutory = "stage_2_response" if view["stage"] == 2 else "response"  # noqa: PLR2004
    due = {deadline["name"]: deadline["due"] for deadline in view["deadlines"]}
    likely = due.get("internal_response_target") or due.get(statutory)
    return {
        "due": _day_of(likely),
        "latest": _day_of(due.get(statutory)),
        "date": _day_of(sent["occurred_at"]) if sent else "",
        "outcome": _words(data.get("outcome") or view.get("outcome")),
        "remedies": [_words(remedy) for remedy in data.get("remedies", [])],
        "summary": str(personal.get("summary") or ""),
        "signed_by": str(data.get("signed_by") or ""),
    }


def _ombudsman(regime: RegimeId) -> Facts:
    name, website, phone = OMBUDSMAN_CONTACTS[ombudsman_for(regime)]
    return {"name": name, "website": website, "phone": phone}


SAMPLE_FACTS: Facts = {
    "organisation": "Example Council",
    "today": "4 June 2026",
    "case": {
        "reference": "0A1B2C3D",
        "received": "1 June 2026",
        "service": "home care",
        "about": "Example Care Ltd",
        "subjects": ["missed visits"],
        "stage": "1",
        "regime": "england-2009",
    },
    "complainant": {"name": "Sam Sample", "address": "1 High Street", "email": "sam@example.org"},
    "acknowledgement": {"date": "2 June 2026", "discussion_offered": True},
    "extension": {"reason": "We are waiting for records.", "working_days": "10", "date": ""},
    "response": {
        "due": "29 June 2026",
        "latest": "30 November 2026",
        "date": "",
        "outcome": "partly upheld",
        "remedies": ["apology"],
        "summary": "We read the care records.",
        "signed_by": "Director of Adult Social Care",
    },
    "actions": [{"description": "Retrain the carers", "due": "1 July 2026"}],
    "ombudsman": _ombudsman(RegimeId.ENGLAND_2009),
}
