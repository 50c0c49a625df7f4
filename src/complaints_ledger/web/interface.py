"""`install_web(app)`: the pages, their assets at `/assets`, the API docs page and the error
pages for browsers, on an app whose API routes and problem handlers are already in place."""

from __future__ import annotations

from fastapi import FastAPI

from complaints_ledger.access.openid_connect import OpenIdConnect
from complaints_ledger.web import (
    admin_keys,
    admin_pages,
    admin_projections,
    admin_tokens,
    admin_users,
    api_docs,
    assets,
    case_page,
    command_pages,
    pages,
    signing_in,
    single_sign_on,
    worklist,
)
from complaints_ledger.web.errors import install_error_pages
from complaints_ledger.web.templating import WebInterface, build_environment


def install_web(app: FastAPI) -> None:
    catalogue = assets.load_catalogue()
    app.state.web = WebInterface(catalogue, build_environment(catalogue))
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
    install_error_pages(app)
