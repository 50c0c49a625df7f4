"""The dashboards page over HTTP, on both stores: its numbers are the API's dashboard document
and annual report; each number that counts cases links to a list of exactly those cases; each
table's CSV is the table; "as recorded at" shows the earlier state; a bad instant is a 400
error page; roles without access are refused; another organisation's numbers never show."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from complaints_ledger.api.app import create_app
from complaints_ledger.application.ledger import ComplaintsLedger
from complaints_ledger.domain.calendars import UK_TIME_ZONE
from complaints_ledger.domain.values import Role
from complaints_ledger.settings import Settings
from tests import builders
from tests.api.test_read_models_api import TODAY as DEMO_TODAY
from tests.api.test_read_models_api import world
from tests.api.test_web_worklist import sign_in
from tests.dashboard_cases import BEFORE_SEPTEMBER, COUNCIL, PROVIDER, YEAR, dashboard_story
from tests.html_tables import Cell, tables_in

__all__ = ["world"]  # the demo world of the read-model API tests
HTML = {"Accept": "text/html"}
CASE_ROW = re.compile(r'data-case-id="([0-9a-f-]{36})"')


@pytest.fixture
def client(store_url: str, tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(store=store_url, signing_key_file=tmp_path / "no-key.pem")
    with TestClient(
        create_app(settings, background_sealing=False), base_url="http://localhost"
    ) as c:
        yield c


@pytest.fixture
def cases(store_url: str) -> dict[str, UUID]:
    return dashboard_story(store_url)


def as_of_fields(moment: datetime) -> dict[str, str]:
    local = moment.astimezone(UK_TIME_ZONE)
    return {
        "as_of-day": str(local.day),
        "as_of-month": str(local.month),
        "as_of-year": str(local.year),
        "as_of-time": f"{local:%H:%M}",
    }


def page_instant(moment: datetime) -> datetime:
    """The instant the as-of control reads from `as_of_fields(moment)`: the minute's end."""
    local = moment.astimezone(UK_TIME_ZONE)
    return datetime.combine(local.date(), time(local.hour, local.minute, 59), tzinfo=UK_TIME_ZONE)


def dashboards(client: TestClient, status: int = 200, **params: str) -> str:
    answer = client.get("/dashboards", params={"year": str(YEAR), **params}, headers=HTML)
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("text/html")
    return answer.text


def api(client: TestClient, path: str, role: Role = Role.OFFICER, **params: str) -> Any:
    tokens = client.app.state.store.tokens  # type: ignore[attr-defined]
    headers = builders.bearer(tokens, role, COUNCIL, principal=f"{role}-api")
    answer = client.get(path, params=params, headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


def body(table: list[list[Cell]]) -> list[list[str]]:
    return [[cell.text for cell in row] for row in table[1:]]


def number(value: float | None) -> str:
    if value is None:
        return "none"
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def month_name(month: str) -> str:
    return f"{date.fromisoformat(month + '-01'):%b %Y}"


def in_year(month: str) -> bool:
    return f"{YEAR}-04" <= month <= f"{YEAR + 1}-03"


def expected_rows(document: dict[str, Any]) -> list[list[str]]:
    return [
        [
            row["service"],
            row["regime"],
            month_name(row["month"]),
            str(row["received"]),
            number(row["within_target_percent"]),
            str(row["overdue_now"]),
            number(row["median_working_days_to_acknowledge"]),
            number(row["median_working_days_to_respond"]),
        ]
        for row in document["rows"]
        if in_year(row["month"])
    ]


def expected_months(document: dict[str, Any]) -> list[list[str]]:
    return [
        [
            month_name(total["month"]),
            str(total["received"]),
            number(total["within_target_percent"]),
            str(total["overdue_now"]),
        ]
        for total in document["totals"]["by_month"]
        if in_year(total["month"])
    ]


def test_the_numbers_are_the_apis(client: TestClient, cases: dict[str, UUID]) -> None:
    sign_in(client, Role.OFFICER)
    tables = tables_in(dashboards(client))
    document = api(client, "/dashboards/timeliness")
    assert body(tables["table-timeliness"]) == expected_rows(document)
    assert body(tables["table-timeliness-by-month"]) == expected_months(document)
    report = api(client, "/reports/annual", organisation=COUNCIL, year=str(YEAR))
    subjects = {row[0]: int(row[1]) for row in body(tables["table-subjects"])}
    assert subjects == report["ko41"]["by_subject"] == {"charges": 2, "home care": 3}
    outcomes = {row[0]: int(row[1]) for row in body(tables["table-outcomes"])}
    assert outcomes == {
        name.replace("_", " ").capitalize(): count
        for name, count in report["ko41"]["outcomes"].items()
    }
    assert outcomes["Upheld"] == outcomes["Not upheld"] == 1


def drill_ids(client: TestClient, href: str | None) -> list[str]:
    assert href is not None
    assert href.startswith("/dashboards/cases?")
    answer = client.get(href, headers=HTML)
    assert answer.status_code == 200, answer.text
    return CASE_ROW.findall(answer.text)


def test_each_count_lists_exactly_the_cases_it_counts(
    client: TestClient, cases: dict[str, UUID]
) -> None:
    sign_in(client, Role.OFFICER)
    tables = tables_in(dashboards(client))
    months = {row[0].text: row for row in tables["table-timeliness-by-month"][1:]}
    may, june, september = months["May 2025"], months["Jun 2025"], months["Sep 2025"]
    assert drill_ids(client, may[1].href) == [str(cases["answered"]), str(cases["ignored"])]
    # `ignored` is counted once per overdue deadline, and listed as often
    overdue = drill_ids(client, may[3].href)
    assert set(overdue) == {str(cases["ignored"])}
    assert len(overdue) == int(may[3].text) >= 1
    assert drill_ids(client, june[1].href) == [str(cases["charging"])]  # not the concern
    assert june[3].href is None  # 0 is not a link
    assert drill_ids(client, september[1].href) == [str(cases["later"])]
    for row in tables["table-timeliness"][1:]:
        for cell in (row[3], row[5]):
            listed = drill_ids(client, cell.href) if cell.text != "0" else []
            assert len(listed) == int(cell.text)
    subjects = {row[0].text: row[1] for row in tables["table-subjects"][1:]}
    assert set(drill_ids(client, subjects["charges"].href)) == {
        str(cases["answered"]),
        str(cases["charging"]),
    }
    outcomes = {row[0].text: row[1] for row in tables["table-outcomes"][1:]}
    assert drill_ids(client, outcomes["Upheld"].href) == [str(cases["answered"])]  # closed
    assert drill_ids(client, outcomes["Not upheld"].href) == [str(cases["charging"])]  # withdrawn


@pytest.mark.parametrize("table", ["timeliness-by-month", "timeliness", "subjects", "outcomes"])
def test_each_tables_csv_is_the_table(
    client: TestClient, cases: dict[str, UUID], table: str
) -> None:
    sign_in(client, Role.MANAGER)
    shown = tables_in(dashboards(client))[f"table-{table}"]
    answer = client.get(f"/dashboards/{table}.csv", params={"year": str(YEAR)})
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert answer.headers["content-disposition"] == (
        f'attachment; filename="{table}-northshire-county-council-2025-26.csv"'
    )
    rows = list(csv.reader(io.StringIO(answer.text)))
    assert rows == [[cell.text for cell in row] for row in shown]
    assert len(rows) > 1


def test_as_recorded_at_shows_the_earlier_state_read_only(
    client: TestClient, cases: dict[str, UUID]
) -> None:
    sign_in(client, Role.OFFICER)
    fields = as_of_fields(BEFORE_SEPTEMBER)
    page = dashboards(client, **fields)
    assert "You are looking at the dashboards as they were recorded at" in page
    assert "<title>Dashboards as recorded at Fri 1 Aug 2025, 12:00 BST" in page
    tables = tables_in(page)
    instant = page_instant(BEFORE_SEPTEMBER).isoformat()
    then = api(client, "/dashboards/timeliness", as_of=instant)
    assert body(tables["table-timeliness"]) == expected_rows(then)
    months = [row[0] for row in body(tables["table-timeliness-by-month"])]
    assert months == ["May 2025", "Jun 2025"]  # `later` was received in September
    outcomes = {row[0]: row[1] for row in body(tables["table-outcomes"])}
    assert outcomes["Not upheld"] == "0"  # `charging` was answered in September
    june = tables["table-timeliness-by-month"][2]
    assert "as_of-day=1" in (june[1].href or "")  # the list is as recorded then too
    assert drill_ids(client, june[1].href) == [str(cases["charging"])]
    now = tables_in(dashboards(client))
    assert [row[0] for row in body(now["table-timeliness-by-month"])][-1] == "Sep 2025"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"as_of-day": "31", "as_of-month": "2", "as_of-year": "2026"}, "Enter a real date"),
        ({"as_of-day": "1", "as_of-month": "1", "as_of-year": "2099"}, "in the past"),
        (
            {"as_of-day": "1", "as_of-month": "6", "as_of-year": "2025", "as_of-time": "25:00"},
            "hours and minutes",
        ),
    ],
)
def test_a_bad_instant_is_an_error_summary(
    client: TestClient, cases: dict[str, UUID], fields: dict[str, str], message: str
) -> None:
    sign_in(client, Role.OFFICER)
    page = dashboards(client, 400, **fields)
    assert "<title>Error: Dashboards" in page
    assert "govuk-error-summary" in page
    assert message in page
    assert "As recorded in the past" not in page
    assert f'value="{fields["as_of-year"]}"' in page  # what was entered is kept


def test_a_year_or_organisation_not_offered_is_an_error(
    client: TestClient, cases: dict[str, UUID]
) -> None:
    sign_in(client, Role.ANALYST)
    page = dashboards(client, 400, organisation="Nobody Council", year="1999")
    assert "Choose an organisation from the list" in page
    assert "Choose a reporting year from the list" in page
    assert "No figures for this year." in page  # shown for the current year instead, empty
    assert "app-chart__svg" not in page


@pytest.mark.parametrize("role", [Role.REGULATOR, Role.ADMIN])
def test_roles_without_figures_are_not_permitted(
    client: TestClient, cases: dict[str, UUID], role: Role
) -> None:
    sign_in(client, role)
    for path in (
        "/dashboards",
        "/dashboards/timeliness.csv",
        "/dashboards/cases?measure=received&month=2025-05",
    ):
        answer = client.get(path, headers=HTML)
        assert answer.status_code == 403
        assert "You cannot see this page" in answer.text
        assert "home care" not in answer.text
    assert 'href="/dashboards"' not in answer.text


def test_signed_out_you_are_sent_to_sign_in(client: TestClient) -> None:
    answer = client.get("/dashboards", headers=HTML, follow_redirects=False)
    assert (answer.status_code, answer.headers["location"]) == (303, "/sign-in")


def test_another_organisations_numbers_are_not_shown(
    client: TestClient, cases: dict[str, UUID]
) -> None:
    sign_in(client, Role.OFFICER)
    page = dashboards(client)
    assert PROVIDER not in page
    assert "Organisation" not in tables_in(page)["table-timeliness"][0][0].text
    may = tables_in(page)["table-timeliness-by-month"][2]
    assert may[1].text == "1"  # June: `charging` only, not the provider's `elsewhere`
    refused = client.get("/dashboards", params={"organisation": PROVIDER}, headers=HTML)
    assert refused.status_code == 403
    assert "may see the figures of Northshire County Council only" in refused.text
    elsewhere = client.get(
        "/dashboards/cases",
        params={"measure": "received", "month": "2025-06", "organisation": PROVIDER},
        headers=HTML,
    )
    assert elsewhere.status_code == 403
    assert str(cases["elsewhere"]) not in elsewhere.text


def test_an_analyst_sees_every_organisation_and_lists_only_their_own(
    client: TestClient, cases: dict[str, UUID]
) -> None:
    sign_in(client, Role.ANALYST)
    everyone = tables_in(dashboards(client))["table-timeliness"]
    assert everyone[0][0].text == "Organisation"
    assert {row[0].text for row in everyone[1:]} == {COUNCIL, PROVIDER}
    assert all(cell.href is None for row in everyone[1:] for cell in row)  # no lists of others
    document = api(client, "/dashboards/timeliness", role=Role.ANALYST)
    assert [row[1:] for row in body(everyone)] == expected_rows(document)
    reports = [
        api(client, "/reports/annual", Role.ANALYST, organisation=name, year=str(YEAR))
        for name in (COUNCIL, PROVIDER)
    ]
    summed = {
        subject: sum(report["ko41"]["by_subject"].get(subject, 0) for report in reports)
        for report in reports
        for subject in report["ko41"]["by_subject"]
    }
    subjects = tables_in(dashboards(client))["table-subjects"]
    assert {row[0]: int(row[1]) for row in body(subjects)} == summed
    assert summed["home care"] == 4  # the provider's `elsewhere` with the council's three
    page = dashboards(client, organisation=PROVIDER)
    assert f"{PROVIDER}, 2025-26" in page
    provider = api(client, "/dashboards/timeliness", role=Role.ANALYST, organisation=PROVIDER)
    assert body(tables_in(page)["table-timeliness"]) == expected_rows(provider) != []


def test_the_drill_down_keeps_the_dashboards_choices(
    client: TestClient, cases: dict[str, UUID]
) -> None:
    sign_in(client, Role.OFFICER)
    may = tables_in(dashboards(client))["table-timeliness-by-month"][1]
    query = dict(parse_qsl(urlsplit(may[1].href or "").query))
    assert query == {
        "measure": "received",
        "month": "2025-05",
        "organisation": COUNCIL,
        "year": "2025",
    }
    answer = client.get("/dashboards/cases?measure=nothing", headers=HTML)
    assert answer.status_code == 404


def test_the_charts_are_accessible_svg_without_script_or_style(
    client: TestClient, cases: dict[str, UUID]
) -> None:
    sign_in(client, Role.OFFICER)
    page = dashboards(client)
    charts = re.findall(r"<svg[^>]*>", page)
    assert len(charts) == 4
    for tag in charts:
        chart_id = re.search(r'id="([^"]+)"', tag)[1]  # type: ignore[index]
        assert 'role="img"' in tag
        assert f'aria-labelledby="{chart_id}-title"' in tag
        assert f'<title id="{chart_id}-title">' in page
        assert f'<desc id="{chart_id}-desc">' in page
    assert "<script" not in page.split("<svg", 1)[1].rsplit("</svg>", 1)[0]
    assert "<style" not in page
    assert " style=" not in page
    ids = re.findall(r' id="([^"]+)"', page)
    assert len(ids) == len(set(ids)), "no id twice in the page"
    assert 'href="/dashboards" aria-current="page"' in page


def test_over_the_demo_world_every_count_lists_as_many_entries(
    world: tuple[TestClient, ComplaintsLedger],
) -> None:
    """Every kind of case the demo tells (referrals, Wales, refusals, reopenings): each linked
    number of the council's dashboards is the length of its list, on every table."""
    client, _ = world
    client.base_url = "http://localhost"  # type: ignore[assignment]  # a cookie for this machine
    sign_in(client, Role.MANAGER)
    year = str(DEMO_TODAY.year if DEMO_TODAY.month >= 4 else DEMO_TODAY.year - 1)
    tables = tables_in(dashboards(client, year=year))
    linked = [cell for table in tables.values() for row in table[1:] for cell in row if cell.href]
    assert len(linked) > 10, "the demo fills the dashboards"
    for cell in linked:
        answer = client.get(cell.href or "", headers=HTML)
        assert answer.status_code == 200, cell
        assert len(CASE_ROW.findall(answer.text)) == int(cell.text), cell
    client.cookies.clear()
    sign_in(client, Role.ANALYST)
    assert "Riverside City Council" in dashboards(client, year=year)
