"""Whether a request comes from a browser, which gets pages, or from an API client, which gets
problem details: by the client's own ranking in `Accept` (RFC 9110 12.5.1)."""

from __future__ import annotations

JSON_TYPES = ("application/json", "application/problem+json")
HTML_TYPE = "text/html"


def prefers_html(accept: str | None) -> bool:
    """True only when `text/html` is named and ranked above JSON: browsers send it first.
    No `Accept`, `*/*` (curl, httpx) and `application/json` keep the API's answers."""
    ranks = _ranks(accept or "")
    html = ranks.get(HTML_TYPE, 0.0)
    return html > max(ranks.get(media_type, 0.0) for media_type in JSON_TYPES)


def _ranks(accept: str) -> dict[str, float]:
    ranks: dict[str, float] = {}
    for item in accept.split(","):
        media_type, *parameters = (part.strip() for part in item.split(";"))
        if media_type:
            ranks[media_type.lower()] = _quality(parameters)
    return ranks


def _quality(parameters: list[str]) -> float:
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "q":
            try:
                return min(max(float(value), 0.0), 1.0)
            except ValueError:
                return 0.0
    return 1.0
