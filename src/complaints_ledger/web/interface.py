"""`install_web(app)`: the pages, their assets at `/assets`, the API docs page and the error
pages for browsers, on an app whose API routes and problem handlers are already in place."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI

from complaints_ledger.access.openid_connect import OpenIdConnect
from complaints_ledger.web import (
    admin_keys,
    admin_pages,
    admin_projections,
    admin_tokens,
    admin_users,
    annual_report_pages,
    api_docs,
    assets,
    audit_pages,
    case_page,
    command_pages,
    dashboards,
    integrity_page,
    learning_pages,
    letter_check,
    letter_templates_pages,
    letters,
    log_complaint,
    pages,
    signing_in,
    single_sign_on,
    worklist,
)
from complaints_ledger.web.errors import install_error_pages
from complaints_ledger.web.templating import WebInterface, build_environment
from complaints_ledger.web.verification_runs import Verifications


def install_web(app: FastAPI) -> None:
    catalogue = assets.load_catalogue()
    app.state.web = WebInterface(catalogue, build_environment(catalogue))
    app.state.verifications = Verifications()
    app.include_router(assets.router)
    app.include_router(api_docs.router)
    app.include_router(pages.router)
    app.include_router(signing_in.router)
    provider = app.state.settings.sign_in_provider
    app.state.openid_connect = None if provider is None else OpenIdConnect(provider)
    app.include_router(single_sign_on.router)
    app.include_router(case_page.router)
    app.include_router(worklist.router)
    app.include_router(command_pages.router)
    for admin in (admin_pages, admin_users, admin_tokens, admin_keys, admin_projections):
        app.include_router(admin.router)
    app.include_router(learning_pages.router)
    app.include_router(annual_report_pages.router)
    app.include_router(annual_report_pages.browser_router)
    _before_the_api(app, annual_report_pages.browser_router, annual_report_pages.BrowserRoute)
    app.include_router(log_complaint.router)
    app.include_router(dashboards.router)
    app.include_router(audit_pages.router)
    app.include_router(integrity_page.router)
    app.include_router(letter_check.router)  # before letters: its address is no letter kind
    app.include_router(letters.router)
    app.include_router(letter_templates_pages.router)
    install_error_pages(app)


def _before_the_api(app: FastAPI, router: APIRouter, route_class: type) -> None:
    """Moves `router`'s pages, which share their addresses with API routes (and answer only
    browsers), ahead of the API's routes. FastAPI keeps an included router whole, or (before
    0.165) copies its routes, keeping their class."""
    routes = app.router.routes
    ours = [
        r
        for r in routes
        if isinstance(r, route_class) or getattr(r, "original_router", None) is router
    ]
    routes[:] = ours + [r for r in routes if r not in ours]
