"""`install_web(app)`: the pages, their assets at `/assets`, the API docs page and the error
pages for browsers, on an app whose API routes and problem handlers are already in place."""

from __future__ import annotations

from fastapi import FastAPI

from complaints_ledger.web import (
    api_docs,
    assets,
    case_page,
    command_pages,
    letter_check,
    letter_templates_pages,
    letters,
    pages,
    signing_in,
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
    app.include_router(case_page.router)
    app.include_router(worklist.router)
    app.include_router(command_pages.router)
    app.include_router(letter_check.router)  # before letters: its address is no letter kind
    app.include_router(letters.router)
    app.include_router(letter_templates_pages.router)
    install_error_pages(app)
