"""The dashboards' GET parameters: the organisation (for roles that see several), the reporting
year, and "as it was recorded at" (web/as_of_form.py), read and checked; a value the page does
not offer is an error for its field, and the page is then shown without it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from starlette.datastructures import QueryParams

from complaints_ledger.domain.calendars import uk_local_date
from complaints_ledger.web.as_of_form import PARTS, TIME, AsOfChoice, read_as_of
from complaints_ledger.web.dashboard_data import reporting_year_of

FIRST_YEAR = 2000  # the year list starts at the earliest figures, never before this


@dataclass(frozen=True)
class DashboardQuery:
    organisation: str | None  # None: all the organisations the person may see
    year: int
    today: date  # the day "overdue" is judged on: today, or the as-of instant's day
    as_of: AsOfChoice
    errors: dict[str, str] = field(default_factory=dict)

    def filters(self) -> list[tuple[str, str]]:
        """The filter form's choices: organisation and year."""
        chosen = [("organisation", self.organisation)] if self.organisation else []
        return [*chosen, ("year", str(self.year))]

    def as_of_fields(self) -> dict[str, str]:
        """The as-of control's fields, when they name an instant the page is shown at."""
        if self.as_of.instant is None:
            return {}
        return {name: value for name in (*PARTS, TIME) if (value := self.as_of.entered[name])}

    def kept(self) -> list[tuple[str, str]]:
        """The parameters every link of the page keeps: its organisation, year and instant."""
        return self.filters() + list(self.as_of_fields().items())


def read_query(
    params: QueryParams, now: datetime, organisations: list[str] | None, own: str
) -> DashboardQuery:
    """`organisations`: the choices of a person who sees several (None: only their `own`, and
    an organisation asked for is then checked by the policy, as the API does)."""
    as_of = read_as_of(params, now)
    errors = dict(as_of.errors)
    today = uk_local_date(as_of.instant or now)
    organisation = params.get("organisation", "").strip() or None
    if organisations is None:
        organisation = organisation or own
    elif organisation is not None and organisation not in organisations:
        errors["organisation"] = "Choose an organisation from the list"
        organisation = None
    year = reporting_year_of(today)
    asked = params.get("year", "").strip()
    if asked:
        if asked.isdigit() and FIRST_YEAR <= int(asked) <= year:
            year = int(asked)
        else:
            errors["year"] = "Choose a reporting year from the list"
    return DashboardQuery(organisation, year, today, as_of, errors)


def year_choices(months: list[str], today: date) -> list[int]:
    """The reporting years from the earliest month with figures to the current one, newest
    first."""
    current = reporting_year_of(today)
    earliest = min(
        (reporting_year_of(date.fromisoformat(f"{m}-01")) for m in months), default=current
    )
    return list(range(current, max(earliest, FIRST_YEAR) - 1, -1))
