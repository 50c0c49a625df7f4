"""The Jinja2 environment of the pages, and `render_page` for the route handlers.

Templates load from this package's `templates/` folder; GOV.UK Frontend's macros load from the
`govuk-frontend-jinja` package under its own name as prefix (`govuk_frontend_jinja/...`), since
its macros import one another by that name. Autoescaping is on for every template.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import ChoiceLoader, Environment, PackageLoader, PrefixLoader

from complaints_ledger.web.assets import AssetCatalogue
from complaints_ledger.web.formatting import FILTERS
from complaints_ledger.web.staff_pages import navigation_for

SERVICE_NAME = "complaints-ledger"
GOVUK_MACROS_PACKAGE = "govuk_frontend_jinja"
PHASE = "Alpha"  # the phase banner's tag; a page may set `phase` to none
# Pages may show personal data: never kept by a browser's or a proxy's cache.
PAGE_HEADERS = {"Cache-Control": "no-store"}


@dataclass(frozen=True)
class WebInterface:
    """What the pages need, made once with the app (`app.state.web`)."""

    assets: AssetCatalogue
    templates: Environment


def build_environment(assets: AssetCatalogue) -> Environment:
    environment = Environment(
        loader=ChoiceLoader(
            [
                PackageLoader("complaints_ledger.web", "templates"),
                PrefixLoader({GOVUK_MACROS_PACKAGE: PackageLoader(GOVUK_MACROS_PACKAGE)}),
            ]
        ),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.globals.update(
        service_name=SERVICE_NAME, phase=PHASE, asset_url=assets.url, navigation_for=navigation_for
    )
    environment.filters.update(FILTERS, error_list=error_list)
    return environment


def error_list(errors: dict[str, str]) -> list[dict[str, str]]:
    """A form's errors (field id -> message) as the error summary lists them: each links to
    its field."""
    return [{"text": message, "href": f"#{field}"} for field, message in errors.items()]


def render_page(
    request: Request, template: str, *, status_code: int = 200, **context: object
) -> HTMLResponse:
    """The page from `template` with `context`; the template also sees the request and the
    signed-in person's `session` (None: nobody, or not looked up by this page)."""
    web: WebInterface = request.app.state.web
    session = getattr(request.state, "web_session", None)  # set by signing_in.current_session
    html = web.templates.get_template(template).render(request=request, session=session, **context)
    return HTMLResponse(html, status_code=status_code, headers=PAGE_HEADERS)
