"""Learning register: every lesson with its case's context and action plan; and the public
'you said, we did' feed of lessons shared with partners.

Views hold no personal data: the case context is organisation, kind, service, subjects and the
outcome; lessons and actions are written by staff and stored outside the `personal` part of their
events. Action status (open / done / overdue) depends on `today`, so queries compute it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import orjson

from complaints_ledger.domain.clocks import uk_local_date
from complaints_ledger.domain.correction_types import read_fact
from complaints_ledger.persistence.view_db import ViewDatabase
from complaints_ledger.readside.read_model import ReadModel, Table
from complaints_ledger.readside.records import EventRecord, subjects_json, utc_text
from complaints_ledger.readside.views import Views, physical_name

CASES = Table(
    "cases",
    {
        "case_id": "text",
        "organisation": "text",  # the handling organisation: the one that accepted a referral
        "kind": "text",
        "service": "text",
        "subjects": "text",  # JSON list
        "outcome": "text",  # of the latest response
    },
    key=("case_id",),
    indexes=(("organisation",),),
)
LESSONS = Table(
    "lessons",
    {
        "case_id": "text",
        "lesson_id": "text",
        "theme": "text",
        "lesson": "text",
        "action": "text",
        "shared_with_partners": "boolean",
        "recorded_at": "text",  # when the lesson was recorded (occurred_at), UTC
        "recorded_on": "text",  # its UK local date
    },
    key=("case_id", "lesson_id"),
)
ACTIONS = Table(
    "actions",
    {
        "case_id": "text",
        "action_id": "text",
        "description": "text",
        "owner": "text",
        "due_on": "text",
        "planned_on": "text",
        "completed_at": "text",
        "completed_on": "text",
    },
    key=("case_id", "action_id"),
)
CORRECTED_CASE_FIELDS = frozenset({"service", "subjects", "kind"})


# ---- handlers ----------------------------------------------------------------------------------


def _on_received(event: EventRecord, views: Views) -> None:
    data = event.data
    views.put(
        CASES,
        {
            "case_id": event.case_id,
            "organisation": data["receiving_organisation"],
            "kind": data["kind"],
            "service": data["service"],
            "subjects": subjects_json(data["subjects"]),
        },
    )


def _update_case(event: EventRecord, views: Views, changes: dict[str, Any]) -> None:
    views.update(CASES, (event.case_id,), changes)


def _on_referral_accepted(event: EventRecord, views: Views) -> None:
    _update_case(event, views, {"organisation": event.data["organisation"]})


def _on_response_sent(event: EventRecord, views: Views) -> None:
    _update_case(event, views, {"outcome": event.data["outcome"]})


def _on_fact_corrected(event: EventRecord, views: Views) -> None:
    field = event.data["field"]
    if field not in CORRECTED_CASE_FIELDS:
        return
    value = read_fact(field, event.data["new_value"])
    _update_case(event, views, {field: subjects_json(value) if field == "subjects" else value})


def _on_lesson_recorded(event: EventRecord, views: Views) -> None:
    data = event.data
    views.put(
        LESSONS,
        {
            "case_id": event.case_id,
            "lesson_id": data["lesson_id"],
            "theme": data["theme"],
            "lesson": data["lesson"],
            "action": data["action"],
            "shared_with_partners": bool(data["shared_with_partners"]),
            "recorded_at": utc_text(event.occurred_at),
            "recorded_on": uk_local_date(event.occurred_at).isoformat(),
        },
    )


def _on_action_planned(event: EventRecord, views: Views) -> None:
    data = event.data
    views.put(
        ACTIONS,
        {
            "case_id": event.case_id,
            "action_id": data["action_id"],
            "description": data["description"],
            "owner": data["owner"],
            "due_on": data["due_on"],
            "planned_on": uk_local_date(event.occurred_at).isoformat(),
        },
    )


def _on_action_completed(event: EventRecord, views: Views) -> None:
    action = views.get(ACTIONS, event.case_id, event.data["action_id"])
    if action is not None:
        action["completed_at"] = utc_text(event.occurred_at)
        action["completed_on"] = uk_local_date(event.occurred_at).isoformat()
        views.put(ACTIONS, action)


PROJECTION = ReadModel(
    name="learning_register",
    version=2,  # 2: stored values escaped by the read side (docs/projections.md)
    tables=(CASES, LESSONS, ACTIONS),
    handlers={
        "Received": _on_received,
        "ReferralAccepted": _on_referral_accepted,
        "ResponseSent": _on_response_sent,
        "FactCorrected": _on_fact_corrected,
        "LessonRecorded": _on_lesson_recorded,
        "ActionPlanned": _on_action_planned,
        "ActionCompleted": _on_action_completed,
    },
    description="Lessons with their case's context and actions; the 'you said, we did' feed.",
)


# ---- queries -----------------------------------------------------------------------------------

LESSON_COLUMNS = tuple(LESSONS.columns)
CASE_COLUMNS = ("organisation", "kind", "service", "subjects", "outcome")
ACTION_COLUMNS = tuple(ACTIONS.columns)


def action_status(action: dict[str, Any], today: date) -> str:
    """`done` once completed (on or before `today`), `overdue` after its due date, else `open`."""
    completed_on = action["completed_on"]
    if completed_on is not None and date.fromisoformat(completed_on) <= today:
        return "done"
    return "overdue" if date.fromisoformat(action["due_on"]) < today else "open"


def _lesson_filter(
    organisation: str | None, theme: str | None, shared_only: bool
) -> tuple[str, list[Any]]:
    clauses: list[str] = ["1 = 1"]
    params: list[Any] = []
    if organisation is not None:
        clauses.append("c.organisation = ?")
        params.append(organisation)
    if theme is not None:
        clauses.append("LOWER(l.theme) = LOWER(?)")
        params.append(theme)
    if shared_only:
        clauses.append("l.shared_with_partners = ?")
        params.append(True)
    return " AND ".join(clauses), params


def _lesson_rows(
    db: ViewDatabase, where: str, params: list[Any], namespace: str
) -> list[dict[str, Any]]:
    lessons = physical_name(PROJECTION, LESSONS, namespace)
    cases = physical_name(PROJECTION, CASES, namespace)
    columns = [f"l.{c}" for c in LESSON_COLUMNS] + [f"c.{c}" for c in CASE_COLUMNS]
    rows = db.execute(
        f"SELECT {', '.join(columns)} FROM {lessons} l JOIN {cases} c "  # noqa: S608
        f"ON c.case_id = l.case_id WHERE {where} ORDER BY l.recorded_at, l.case_id, l.lesson_id",
        params,
    )
    found = [dict(zip(LESSON_COLUMNS + CASE_COLUMNS, row, strict=True)) for row in rows]
    for lesson in found:
        lesson["shared_with_partners"] = bool(lesson["shared_with_partners"])
        lesson["subjects"] = orjson.loads(lesson["subjects"])
    return found


def _actions_by_case(
    db: ViewDatabase, where: str, params: list[Any], namespace: str
) -> dict[str, list[dict[str, Any]]]:
    lessons = physical_name(PROJECTION, LESSONS, namespace)
    cases = physical_name(PROJECTION, CASES, namespace)
    actions = physical_name(PROJECTION, ACTIONS, namespace)
    rows = db.execute(
        f"SELECT {', '.join(ACTION_COLUMNS)} FROM {actions} WHERE case_id IN "  # noqa: S608
        f"(SELECT l.case_id FROM {lessons} l JOIN {cases} c ON c.case_id = l.case_id "
        f"WHERE {where}) ORDER BY case_id, planned_on, action_id",
        params,
    )
    by_case: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        action = dict(zip(ACTION_COLUMNS, row, strict=True))
        by_case.setdefault(action.pop("case_id"), []).append(action)
    return by_case


def lessons(
    db: ViewDatabase,
    *,
    organisation: str | None = None,
    theme: str | None = None,
    shared_only: bool = False,
    today: date,
    namespace: str = "rm",
) -> list[dict[str, Any]]:
    """Every lesson (oldest first) with its case's context and its case's actions.

    Each lesson: case_id, lesson_id, theme, lesson, action, shared_with_partners, recorded_at,
    recorded_on, organisation, kind, service, subjects, outcome, actions. Each action:
    action_id, description, owner, due_on, planned_on, completed_at, completed_on, status.
    `theme` matches regardless of case.
    """
    where, params = _lesson_filter(organisation, theme, shared_only)
    found = _lesson_rows(db, where, params, namespace)
    actions = _actions_by_case(db, where, params, namespace)
    for lesson in found:
        lesson["actions"] = [
            {**action, "status": action_status(action, today)}
            for action in actions.get(lesson["case_id"], [])
        ]
    return found


def you_said_we_did(
    db: ViewDatabase, *, organisation: str | None = None, namespace: str = "rm"
) -> list[dict[str, Any]]:
    """The public feed: lessons shared with partners, newest month first.

    Each entry: organisation, service, theme, you_said {kind, subjects, outcome},
    we_did (the lesson's action, then the descriptions of the case's completed actions), month.
    No case ids, owners, names or free text from the complainant.
    """
    where, params = _lesson_filter(organisation, None, shared_only=True)
    found = _lesson_rows(db, where, params, namespace)
    actions = _actions_by_case(db, where, params, namespace)
    feed = [
        {
            "organisation": lesson["organisation"],
            "service": lesson["service"],
            "theme": lesson["theme"],
            "you_said": {
                "kind": lesson["kind"],
                "subjects": lesson["subjects"],
                "outcome": lesson["outcome"],
            },
            "we_did": [
                lesson["action"],
                *(
                    action["description"]
                    for action in actions.get(lesson["case_id"], [])
                    if action["completed_at"] is not None
                ),
            ],
            "month": lesson["recorded_on"][:7],
        }
        for lesson in found
    ]
    feed.sort(key=lambda entry: (entry["organisation"], entry["service"], entry["theme"]))
    feed.sort(key=lambda entry: entry["month"], reverse=True)
    return feed
