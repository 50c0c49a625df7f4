"""The worklist page over HTTP, on both stores: signed out it sends you to sign in; roles that do
not deal with cases get a page saying so; the organisation's open cases only (never another's),
with the overdue tag, filters, sorting and paging; a bad filter keeps the page working with an
error summary and a 400; a store outage is the "service unavailable" page, not a 500."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from uuid import UUID

import psycopg
import pytest
from fastapi.testclient import TestClient
from psycopg import sql

from complaints_ledger.api.app import create_app
from complaints_ledger.domain.errors import StoreUnavailableError
from complaints_ledger.domain.values import RegimeId, Role
from complaints_ledger.settings import Settings
from tests.api.test_web_sign_in import post_sign_in
from tests.worklist_cases import COUNCIL, PROVIDER, WorklistCases

HTML = {"Accept": "text/html"}
PASSWORD = "four quiet owls at noon"  # noqa: S105 - the test accounts'
CASE_ROW = re.compile(r'data-case-id="([0-9a-f-]{36})"')


@pytest.fixture
def client(store_url: str, tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(store=store_url, signing_key_file=tmp_path / "no-key.pem")
    with TestClient(
        create_app(settings, background_sealing=False), base_url="http://localhost"
    ) as c:
        yield c


@pytest.fixture
def cases(store_url: str) -> Iterator[dict[str, UUID]]:
    """Oldest first: `old`, acknowledged (its response long overdue), `unacknowledged` (overdue),
    `assigned` to p.jones under lgsco-code, `withdrawn` (off the worklist), `elsewhere` (the
    provider's), and `fresh`, received today (nothing due soon)."""
    story = WorklistCases(store_url)
    try:
        story.receive("old", days_ago=300)
        story.acknowledge("old")
        story.receive("unacknowledged", days_ago=30, service="charging")
        story.receive("assigned", days_ago=20, regime=RegimeId.LGSCO_CODE)
        story.investigate("assigned", "p.jones")
        story.receive("withdrawn", days_ago=10)
        story.withdraw("withdrawn")
        story.receive("elsewhere", days_ago=5, organisation=PROVIDER)
        story.receive("fresh", days_ago=0, service="residential care")
        yield dict(story.cases)
    finally:
        story.close()


def sign_in(client: TestClient, role: Role, organisation: str = COUNCIL) -> str:
    """A new account with `role` signed in; returns where the sign-in sent it."""
    email = f"{role}@{organisation.split(maxsplit=1)[0].lower()}.example"
    client.app.state.store.users.add(  # type: ignore[attr-defined]
        email=email, organisation=organisation, role=role, password=PASSWORD
    )
    answer = post_sign_in(client, email, PASSWORD)
    assert answer.status_code == 303, answer.text
    return answer.headers["location"]


def listed(client: TestClient, query: str = "", status: int = 200) -> tuple[list[str], str]:
    """The case ids in the worklist's rows, in order, and the page."""
    answer = client.get(f"/worklist{query}", headers=HTML)
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("text/html")
    return CASE_ROW.findall(answer.text), answer.text


def ids(cases: dict[str, UUID], *names: str) -> list[str]:
    return [str(cases[name]) for name in names]


def row_of(page: str, case_id: UUID) -> str:
    start = page.index(f'data-case-id="{case_id}"')
    return page[start : page.index("</tr>", start)]


def test_signed_out_you_are_sent_to_sign_in_and_shown_nothing(
    client: TestClient, cases: dict[str, UUID]
) -> None:
    answer = client.get("/worklist", headers=HTML, follow_redirects=False)
    assert (answer.status_code, answer.headers["location"]) == (303, "/sign-in")
    assert not any(str(case_id) in answer.text for case_id in cases.values())


@pytest.mark.parametrize("role", [Role.OFFICER, Role.MANAGER, Role.HEALTHWATCH])
def test_those_who_deal_with_cases_land_on_the_worklist(client: TestClient, role: Role) -> None:
    assert sign_in(client, role) == "/worklist"
    rows, page = listed(client)
    assert rows == []
    assert "There are no open cases on your worklist" in page
    assert re.search(r'href="/worklist" aria-current="page"', page)


@pytest.mark.parametrize(
    ("role", "home"),
    [
        (Role.AUDITOR, "/dashboards"),
        (Role.ANALYST, "/dashboards"),
        (Role.OMBUDSMAN, "/dashboards"),
        (Role.REGULATOR, "/"),  # the start page
        (Role.ADMIN, "/admin"),  # the admin pages
    ],
)
def test_other_roles_get_a_page_saying_the_worklist_is_not_for_them(
    client: TestClient, cases: dict[str, UUID], role: Role, home: str
) -> None:
    assert sign_in(client, role) == home
    answer = client.get("/worklist", headers=HTML)
    assert answer.status_code == 403
    assert answer.headers["content-type"].startswith("text/html")
    assert f"You cannot see the worklist with the {role} role" in answer.text
    assert not any(str(case_id) in answer.text for case_id in cases.values())
    assert 'href="/worklist"' not in answer.text  # not in their navigation either


def test_the_organisations_open_cases_next_deadline_first(
    client: TestClient, cases: dict[str, UUID]
) -> None:
    sign_in(client, Role.OFFICER)
    rows, page = listed(client)
    assert rows == ids(cases, "old", "unacknowledged", "assigned", "fresh")
    assert str(cases["elsewhere"]) not in page  # the provider's
    assert str(cases["withdrawn"]) not in page
    assert re.search(
        r"Showing <strong>1</strong> to <strong>4</strong> of\s*<strong>4</strong>", page
    )
    assert "Unassigned: " not in page  # the count is the managers'
    assert 'aria-sort="ascending"' in row_of_header(page, "Next deadline")


def row_of_header(page: str, text: str) -> str:
    end = page.index(f">{text}</a>")
    return page[page.rindex("<th", 0, end) : end]


def test_overdue_cases_carry_the_red_tag_and_others_none(
    client: TestClient, cases: dict[str, UUID]
) -> None:
    sign_in(client, Role.OFFICER)
    _, page = listed(client)
    for name in ("old", "unacknowledged", "assigned"):
        assert "govuk-tag--red" in row_of(page, cases[name]), name
        assert ">Overdue</strong>" in row_of(page, cases[name])
    fresh = row_of(page, cases["fresh"])
    assert "govuk-tag" not in fresh
    assert "Acknowledgement<br>" in fresh
    assert "Response<br>" in row_of(page, cases["old"])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?status=acknowledged", ["old"]),
        ("?status=investigating", ["assigned"]),
        ("?service=charging", ["unacknowledged"]),
        ("?regime=lgsco-code", ["assigned"]),
        ("?handler=p.jones", ["assigned"]),
        ("?handler=unassigned", ["old", "unacknowledged", "fresh"]),
        ("?overdue=yes", ["old", "unacknowledged", "assigned"]),
        ("?overdue=yes&service=home+care&handler=unassigned", ["old"]),
        ("?status=received&overdue=yes", ["unacknowledged"]),
    ],
)
def test_filters(
    client: TestClient, cases: dict[str, UUID], query: str, expected: list[str]
) -> None:
    sign_in(client, Role.OFFICER)
    rows, page = listed(client, query)
    assert rows == ids(cases, *expected)
    assert "Selected filters" in page
    assert "Clear filters" in page


def test_the_filter_forms_empty_fields_are_dropped_from_the_address(
    client: TestClient, cases: dict[str, UUID]
) -> None:
    sign_in(client, Role.OFFICER)
    sent = client.get(
        "/worklist?status=&service=&regime=&handler=&overdue=yes",
        headers=HTML,
        follow_redirects=False,
    )
    assert (sent.status_code, sent.headers["location"]) == (303, "/worklist?overdue=yes")
    assert str(cases["old"]) not in sent.text


def test_a_filter_matching_nothing_says_so(client: TestClient, cases: dict[str, UUID]) -> None:
    sign_in(client, Role.OFFICER)
    rows, page = listed(client, "?status=escalated")
    assert rows == []
    assert "No open cases match the filters" in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?sort=received", ["old", "unacknowledged", "assigned", "fresh"]),
        ("?sort=received&order=descending", ["fresh", "assigned", "unacknowledged", "old"]),
        ("?sort=status", ["unacknowledged", "fresh", "old", "assigned"]),
        ("?order=descending", ["fresh", "assigned", "unacknowledged", "old"]),
        ("?sort=sideways", ["old", "unacknowledged", "assigned", "fresh"]),  # the default
    ],
)
def test_sorting(
    client: TestClient, cases: dict[str, UUID], query: str, expected: list[str]
) -> None:
    sign_in(client, Role.OFFICER)
    rows, _ = listed(client, query)
    assert rows == ids(cases, *expected)


def test_the_sorted_column_says_so_and_its_link_reverses_it(
    client: TestClient, cases: dict[str, UUID]
) -> None:
    sign_in(client, Role.OFFICER)
    _, page = listed(client, "?sort=received&status=received")
    header = row_of_header(page, "Received")
    assert 'aria-sort="ascending"' in header
    assert 'href="/worklist?status=received&amp;sort=received&amp;order=descending"' in header
    assert "aria-sort" not in row_of_header(page, "Next deadline")
    assert '<input type="hidden" name="sort" value="received">' in page  # filters keep it


def test_paging_25_at_a_time(client: TestClient, store_url: str) -> None:
    story = WorklistCases(store_url)
    try:
        for number in range(30):
            story.receive(f"case {number}", days_ago=60 - number)
    finally:
        story.close()
    sign_in(client, Role.OFFICER)
    first, page = listed(client)
    assert first == [str(story.cases[f"case {n}"]) for n in range(25)]
    assert 'href="/worklist?page=2" rel="next"' in page
    assert re.search(r'aria-label="Page 1" aria-current="page">\s*1\s*</a>', page)
    second, page = listed(client, "?page=2")
    assert second == [str(story.cases[f"case {n}"]) for n in range(25, 30)]
    assert 'href="/worklist" rel="prev"' in page
    assert "Showing <strong>26</strong> to <strong>30</strong>" in page
    assert listed(client, "?page=9")[0] == second  # past the end: the last page
    assert listed(client, "?page=nonsense")[0] == first


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("?status=closed", "status", "Choose a status from the list"),
        ("?service=gardening", "service", "Choose a service from the list"),
        ("?regime=atlantis", "regime", "Choose a regime from the list"),
        ("?handler=nobody", "handler", "Choose a handler from the list"),
        ("?overdue=maybe", "overdue", "Select overdue cases only"),
    ],
)
def test_a_bad_filter_value_is_named_and_the_page_still_works(
    client: TestClient, cases: dict[str, UUID], query: str, field: str, message: str
) -> None:
    sign_in(client, Role.OFFICER)
    rows, page = listed(client, query, status=400)
    assert rows == ids(cases, "old", "unacknowledged", "assigned", "fresh")  # filter left out
    assert "<title>Error: Worklist - complaints-ledger</title>" in page
    assert "govuk-error-summary" in page
    assert f'href="#{field}">{message}' in page
    assert f'id="{field}-error"' in page


def test_managers_see_how_many_cases_are_unassigned(
    client: TestClient, cases: dict[str, UUID]
) -> None:
    sign_in(client, Role.MANAGER)
    _, page = listed(client)
    assert "Unassigned: <strong>3</strong> open cases have no handler." in page
    assert 'href="/worklist?handler=unassigned">Show the unassigned cases' in page


def test_a_store_outage_is_the_service_unavailable_page(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    sign_in(client, Role.OFFICER)

    def refuse() -> None:
        raise StoreUnavailableError("the views could not be reached: disk full")

    monkeypatch.setattr(client.app.state.views, "connection", refuse)  # type: ignore[attr-defined]
    answer = client.get("/worklist", headers=HTML)
    assert answer.status_code == 503
    assert answer.headers["content-type"].startswith("text/html")
    assert answer.headers["retry-after"]
    assert "Sorry, the service is unavailable" in answer.text
    assert "disk full" not in answer.text
    problem = client.get("/worklist", headers={"Accept": "application/json"})
    assert (problem.status_code, problem.json()["field"]) == (503, "store")


@pytest.mark.postgres
def test_a_store_that_went_away_is_the_service_unavailable_page(
    postgres_url: str, postgres_server_url: str, tmp_path: Path
) -> None:
    settings = Settings(store=postgres_url, signing_key_file=tmp_path / "no-key.pem")
    with TestClient(
        create_app(settings, background_sealing=False), base_url="http://localhost"
    ) as client:
        sign_in(client, Role.OFFICER)
        with psycopg.connect(postgres_server_url, autocommit=True) as admin:
            name = sql.Identifier(postgres_url.rsplit("/", 1)[1])
            admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(name))
        answer = client.get("/worklist", headers=HTML)
        assert answer.status_code == 503, answer.text
        assert "Sorry, the service is unavailable" in answer.text


def test_a_manager_assigns_an_unassigned_case_from_the_worklist(
    client: TestClient, cases: dict[str, UUID]
) -> None:
    sign_in(client, Role.MANAGER)
    _, page = listed(client, "?handler=unassigned")
    assert f'href="/cases/{cases["old"]}/do/assign-handler">Assign' in row_of(page, cases["old"])
    _, everything = listed(client)
    assigned = row_of(everything, cases["assigned"])
    assert f'href="/cases/{cases["assigned"]}/do/assign-handler">Reassign' in assigned

    form = client.get(f"/cases/{cases['old']}/do/assign-handler", headers=HTML)
    assert form.status_code == 200
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form.text))
    answers = {**fields, "handler": "a.khan", "reason": "Back from leave"}
    sent = client.post(f"/cases/{cases['old']}/do/assign-handler", data=answers, headers=HTML)
    assert sent.status_code == 200, sent.text
    assert "Handler assigned" in sent.text

    _, unassigned = listed(client, "?handler=unassigned")
    assert str(cases["old"]) not in unassigned
    found, _ = listed(client, "?handler=a.khan")
    assert found == ids(cases, "old")


def test_officers_get_no_assign_links(client: TestClient, cases: dict[str, UUID]) -> None:
    sign_in(client, Role.OFFICER)
    _, page = listed(client)
    assert "assign-handler" not in page
