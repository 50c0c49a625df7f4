"""The annual report's GET form: which organisation (chosen from those with cases, for a role
that sees every organisation's figures; otherwise the person's own) and which reporting year
(2026 or 2026-27, from 1 April, as the API takes it), read and checked field by field."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import urlencode

from pydantic import TypeAdapter, ValidationError

from complaints_ledger.domain.calendars import uk_local_date
from complaints_ledger.inputs import ReportingYear
from complaints_ledger.persistence.view_db import ViewDatabase
from complaints_ledger.readside.runner import current_namespace
from complaints_ledger.web.learning_query import reporting_year_of
from projections import annual_report

YEAR = TypeAdapter(ReportingYear)
YEAR_FORM = "Enter the reporting year as the year it starts, like 2026, or as 2026-27"
MESSAGES = {
    "year": YEAR_FORM,
    "organisation": "Choose an organisation from the list",
}


@dataclass
class ReportAsked:
    """What the form was sent with, what is wrong with it (field id -> message), and the
    report once it is made."""

    own: str | None  # the person's organisation, when their role sees only its figures
    organisations: list[str]
    organisation: str
    year: str
    sent: bool
    errors: dict[str, str] = field(default_factory=dict)
    forbidden: bool = False  # the organisation asked for is not one the person may see
    report: dict[str, Any] | None = None

    @property
    def ready(self) -> bool:
        return self.sent and not self.errors

    @property
    def status(self) -> int:
        if self.forbidden:
            return HTTPStatus.FORBIDDEN
        return HTTPStatus.BAD_REQUEST if self.errors else HTTPStatus.OK

    def refuse(self, name: str, message: str) -> None:
        """The ledger's refusal of a field: the page's own words for it."""
        if name == "organisation":
            message = f"No complaints are recorded for {self.organisation}, so it has no report"
        self.errors[name] = MESSAGES["year"] if name == "year" else message

    def options(self) -> list[dict[str, Any]]:
        """The organisation select's items (GOV.UK's), the chosen one selected."""
        return [
            {"value": "", "text": "Choose an organisation", "selected": not self.organisation},
            *(
                {"value": name, "text": name, "selected": name == self.organisation}
                for name in self.organisations
            ),
        ]

    def query(self) -> str:
        """This report's parameters, for the addresses of its downloads and print view."""
        return urlencode({"organisation": self.organisation, "year": self.year})


def _year_error(text: str) -> str | None:
    if not text:
        return "Enter the reporting year, like 2026 or 2026-27"
    try:
        YEAR.validate_python(text)
    except ValidationError as error:
        detail = error.errors()[0]
        if detail["type"] == "out_of_range":
            return f"The reporting year {detail['msg']}"
        return YEAR_FORM
    return None


def read_report_form(
    params: Mapping[str, str], db: ViewDatabase, own: str | None, *, forbidden: bool
) -> ReportAsked:
    """The form's fields checked; `forbidden` when the policy refused the organisation asked
    for (the person's own is reported on instead)."""
    namespace = current_namespace(db, annual_report.PROJECTION, None)
    organisations = annual_report.organisations(db, namespace) if own is None else []
    organisation = params.get("organisation", "").strip()
    year = params.get("year", "").strip()
    sent = "organisation" in params or "year" in params
    today = uk_local_date(datetime.now().astimezone()).isoformat()
    asked = ReportAsked(
        own=own,
        organisations=organisations,
        organisation=own or organisation,
        year=year if sent else reporting_year_of(today),
        sent=sent,
    )
    if not sent:
        return asked
    if forbidden:
        asked.forbidden = True
        asked.errors["organisation"] = f"You can see the annual report of {own} only"
    elif own is None and organisation not in organisations:
        asked.errors["organisation"] = (
            MESSAGES["organisation"] if organisation else "Choose the organisation reporting"
        )
    if (message := _year_error(year)) is not None:
        asked.errors["year"] = message
    return asked
