"""Browsers get pages, API clients get problem details: decided by the client's own `Accept`."""

from __future__ import annotations

import pytest

from complaints_ledger.web.negotiation import prefers_html

CHROME = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"
FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.mark.parametrize(
    "accept", [CHROME, FIREFOX, "TEXT/HTML", "application/json;q=0.5, text/html"]
)
def test_browsers_and_html_first_clients_prefer_html(accept: str) -> None:
    assert prefers_html(accept)


@pytest.mark.parametrize(
    "accept",
    [
        None,
        "",
        "*/*",
        "application/json",
        "application/problem+json",
        "text/html, application/json",  # a tie keeps the API's answer
        "text/html;q=0.4, application/json",
        "text/html;q=0",
        "text/html;q=nonsense",
        "text/*",
        ",,;",
    ],
)
def test_everyone_else_keeps_the_api_answers(accept: str | None) -> None:
    assert not prefers_html(accept)
