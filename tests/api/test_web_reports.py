"""The annual report page over HTTP, on both stores: the form, the report as a page, its CSV
(the same counts as the page) and JSON (the API's document, byte for byte) downloads and the
print view; a bad year or organisation is an error summary (400), never a 500; the API's
policy: the roles that read figures, their own organisation's report unless their role sees
every organisation's (403 for another, as over the API); `/reports/annual` stays the API's
JSON for every client but a browser."""

from __future__ import annotations

import csv
import io
import re
from html import unescape
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from complaints_ledger.domain.values import Role
from tests import builders
from tests.api.test_web_worklist import HTML, sign_in
from tests.learning_cases import days_ago, reporting_year_label
from tests.worklist_cases import COUNCIL, PROVIDER

THIS_YEAR = reporting_year_label(days_ago(0))
ROW = re.compile(r'<th scope="row" class="govuk-table__header">([^<]*)</th>\s*<td[^>]*>(\d+)</td>')


@pytest.fixture
def client(web_client: TestClient) -> TestClient:
    return web_client


def report_page(client: TestClient, query: str, status: int = 200, path: str = "") -> str:
    answer = client.get(f"/reports/annual{path}?{query}", headers=HTML)
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("text/html")
    return answer.text


def api_report(client: TestClient, organisation: str, year: str) -> bytes:
    tokens = client.app.state.store.tokens  # type: ignore[attr-defined]
    answer = client.get(
        "/reports/annual",
        params={"organisation": organisation, "year": year},
        headers=builders.bearer(tokens, Role.MANAGER, organisation),
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/json"
    return answer.content


def page_counts(page: str) -> dict[str, int]:
    """Each one-number row of the page's tables: its label and number (the first of a label)."""
    counts: dict[str, int] = {}
    for label, number in ROW.findall(page):
        counts.setdefault(unescape(label), int(number))
    return counts


def test_the_form_comes_first_with_this_reporting_year(
    client: TestClient, lessons_told: dict[str, UUID]
) -> None:
    sign_in(client, Role.MANAGER)
    page = report_page(client, "")
    assert f"Organisation: <strong>{COUNCIL}</strong>" in page
    assert f'value="{THIS_YEAR}"' in page
    assert "Download as CSV" not in page
    assert re.search(r'href="/reports/annual" aria-current="page"', page)


def test_the_report_shows_the_counts_and_its_csv_holds_the_same(
    client: TestClient, lessons_told: dict[str, UUID]
) -> None:
    sign_in(client, Role.MANAGER)
    query = f"organisation={COUNCIL.replace(' ', '+')}&year={THIS_YEAR}"
    page = report_page(client, query)
    assert f"<title>Annual report {THIS_YEAR}: {COUNCIL} - complaints-ledger</title>" in page
    counts = page_counts(page)
    assert counts["Complaints received"] == 1  # `fees`; `letters` was last year
    assert counts["Complaints responded to"] == 1
    assert counts["Actions planned"] == 1
    assert "Charging" in unescape(page)  # the theme of this year's lesson
    answer = client.get(f"/reports/annual.csv?{query}", headers=HTML)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert "attachment" in answer.headers["content-disposition"]
    cells = {
        (row["section"], row["measure"], row["key"]): row["value"]
        for row in csv.DictReader(io.StringIO(answer.text))
    }
    assert cells["report", "year", ""] == THIS_YEAR
    for measure, label in [
        ("complaints_received", "Complaints received"),
        ("responses_sent", "Complaints responded to"),
        ("well_founded", "Complaints decided well-founded (upheld or partly upheld)"),
        ("actions_planned", "Actions planned"),
        ("actions_completed", "Actions completed"),
        (
            "referred_to_ombudsman",
            "Complaints the organisation was told were referred to an ombudsman",
        ),
    ]:
        assert int(cells["regs_16_18", measure, ""]) == counts[label], measure
    for subject, number in counts.items():
        if ("ko41", "by_service", subject) in cells:
            assert int(cells["ko41", "by_service", subject]) == number


def test_the_json_download_is_the_apis_document(
    client: TestClient, lessons_told: dict[str, UUID]
) -> None:
    sign_in(client, Role.MANAGER)
    for year in (THIS_YEAR, reporting_year_label(days_ago(300))):
        answer = client.get(
            "/reports/annual.json", params={"organisation": COUNCIL, "year": year}, headers=HTML
        )
        assert answer.status_code == 200
        assert "attachment" in answer.headers["content-disposition"]
        assert answer.content == api_report(client, COUNCIL, year)


def test_the_api_keeps_its_address_for_clients_other_than_browsers(
    client: TestClient, lessons_told: dict[str, UUID]
) -> None:
    sign_in(client, Role.MANAGER)  # a session cookie is no bearer token
    params = {"organisation": COUNCIL, "year": THIS_YEAR}
    for accept in ({}, {"Accept": "application/json"}, {"Accept": "*/*"}):
        answer = client.get("/reports/annual", params=params, headers=accept)
        assert answer.status_code == 401
        assert answer.headers["content-type"].startswith("application/problem+json")


def test_the_print_view_links_its_print_stylesheet_and_has_no_form(
    client: TestClient, lessons_told: dict[str, UUID]
) -> None:
    sign_in(client, Role.MANAGER)
    page = report_page(client, f"organisation={COUNCIL}&year={THIS_YEAR}", path="/print")
    stylesheet = re.search(r'<link rel="stylesheet" href="(/assets/app/[^"]+/print.css)">', page)
    assert stylesheet is not None
    css = client.get(stylesheet.group(1))
    assert css.headers["content-type"].startswith("text/css")
    assert "@media print" in css.text
    assert "style=" not in page
    assert "<form" not in page.split('id="main-content"')[1]
    assert f"Complaints annual report {THIS_YEAR}: {COUNCIL}" in page
    assert page_counts(page) == page_counts(
        report_page(client, f"organisation={COUNCIL}&year={THIS_YEAR}")
    )


@pytest.mark.parametrize(
    ("year", "message"),
    [
        ("", "Enter the reporting year, like 2026 or 2026-27"),
        ("soon", "Enter the reporting year as the year it starts, like 2026, or as 2026-27"),
        ("2026-29", "Enter the reporting year as the year it starts, like 2026, or as 2026-27"),
        ("1850", "The reporting year must start between 2000 and 2099"),
        (
            "2026-2027-28",
            "Enter the reporting year as the year it starts, like 2026, or as 2026-27",
        ),
    ],
)
@pytest.mark.parametrize("path", ["", "/print", ".csv", ".json"])
def test_a_bad_year_is_an_error_summary_not_a_500(
    client: TestClient, lessons_told: dict[str, UUID], year: str, message: str, path: str
) -> None:
    sign_in(client, Role.MANAGER)
    page = report_page(client, f"organisation={COUNCIL}&year={year}", status=400, path=path)
    assert "<title>Error: Annual report - complaints-ledger</title>" in page
    assert f'<a href="#year">{message}</a>' in page
    assert 'id="year-error"' in page
    assert f'value="{year}"' in page  # what was entered is kept


def test_an_officer_asking_for_another_organisations_report_is_refused(
    client: TestClient, lessons_told: dict[str, UUID]
) -> None:
    sign_in(client, Role.OFFICER)
    for path in ("", ".csv", ".json", "/print"):
        page = report_page(client, f"organisation={PROVIDER}&year={THIS_YEAR}", 403, path)
        assert f"You can see the annual report of {COUNCIL} only" in page
        assert "Download as CSV" not in page


def test_an_analyst_chooses_the_organisation(
    client: TestClient, lessons_told: dict[str, UUID]
) -> None:
    sign_in(client, Role.ANALYST)
    form = report_page(client, "")
    assert f'<option value="{PROVIDER}">' in form
    provider = report_page(client, f"organisation={PROVIDER}&year={THIS_YEAR}")
    assert page_counts(provider)["Complaints received"] == 1
    unknown = report_page(client, f"organisation=Nowhere&year={THIS_YEAR}", status=400)
    assert '<a href="#organisation">Choose an organisation from the list</a>' in unknown
    missing = report_page(client, f"organisation=&year={THIS_YEAR}", status=400)
    assert '<a href="#organisation">Choose the organisation reporting</a>' in missing


def test_an_organisation_with_no_cases_has_no_report(client: TestClient) -> None:
    sign_in(client, Role.MANAGER)
    page = report_page(client, f"organisation={COUNCIL}&year={THIS_YEAR}", status=400)
    assert f"No complaints are recorded for {COUNCIL}, so it has no report" in page


@pytest.mark.parametrize("role", [Role.REGULATOR, Role.ADMIN])
def test_roles_that_do_not_read_figures_are_refused(
    client: TestClient, lessons_told: dict[str, UUID], role: Role
) -> None:
    sign_in(client, role)
    answer = client.get(f"/reports/annual?organisation={COUNCIL}&year={THIS_YEAR}", headers=HTML)
    assert answer.status_code == 403
    assert f"The annual report is not for the {role} role" in answer.text
    assert client.get("/reports/annual.json", headers=HTML).status_code == 403
