"""JSON responses of case data, with the version as ETag; and If-Match parsing."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from fastapi.responses import JSONResponse

from complaints_ledger.api.problems import ApiProblemError
from complaints_ledger.application.case_view import case_view
from complaints_ledger.domain.calendars import AdjustedCalendar
from complaints_ledger.domain.complaint import Complaint

# Case data is personal data: no shared cache may keep it.
PRIVATE = {"Cache-Control": "no-store"}


def etag(version: int) -> str:
    return f'"{version}"'


def case_response(
    complaint: Complaint, today: date, calendar: AdjustedCalendar | None = None
) -> JSONResponse:
    return json_response(case_view(complaint, today, calendar), complaint.version)


def created_response(
    complaint: Complaint, today: date, location: str, calendar: AdjustedCalendar | None = None
) -> JSONResponse:
    document = {
        "id": str(complaint.id),
        "version": complaint.version,
        "case": case_view(complaint, today, calendar),
    }
    return json_response(document, complaint.version, status=201, location=location)


WITHHELD = (
    "The change is recorded; the case is not shown because its read could not be recorded "
    "(the store is unavailable). GET the case when the store is back."
)


def withheld_response(case_id: UUID, version: int, *, location: str | None = None) -> JSONResponse:
    """A committed change acknowledged without personal data: its read could not be recorded."""
    document = {"id": str(case_id), "version": version, "case": None, "withheld": WITHHELD}
    status = 201 if location is not None else 200
    return json_response(document, version, status=status, location=location)


def json_response(
    document: dict[str, Any], version: int, *, status: int = 200, location: str | None = None
) -> JSONResponse:
    headers = {**PRIVATE, "ETag": etag(version)}
    if location is not None:
        headers["Location"] = location
    return JSONResponse(document, status_code=status, headers=headers)


def expected_version(if_match: str | None) -> int | None:
    """`"7"`, `W/"7"` or `7` -> 7; `*` or no header -> None (any version)."""
    if if_match is None or if_match.strip() == "*":
        return None
    text = if_match.strip().removeprefix("W/").strip('"')
    if not text.isdigit() or len(text) > 18:  # noqa: PLR2004 - far beyond any real version
        raise ApiProblemError(
            400,
            "invalid-if-match",
            "Invalid If-Match",
            'If-Match must be one version, e.g. "3" (as the ETag gave it)',
            field="If-Match",
        )
    return int(text)
