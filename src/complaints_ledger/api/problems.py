"""RFC 9457 problem details: every error the API returns is `application/problem+json`.

Ledger errors map to a status by class; the HTTP layer's own errors (authentication, headers,
idempotency, limits) are `ApiProblem`s. Nothing here ever returns a stack trace.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from starlette.exceptions import HTTPException

from complaints_ledger.domain.errors import (
    CaseClosedError,
    ComplaintNotFoundError,
    ConflictError,
    DuplicateCommandError,
    IntegrityFailureError,
    InvalidValueError,
    LedgerError,
    NotFoundError,
    NotPermittedError,
    RuleViolationError,
    StoreUnavailableError,
)
from complaints_ledger.persistence.errors import STORE_ERRORS, first_line, is_unavailable

logger = structlog.get_logger(__name__)

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_TYPE_PREFIX = "urn:complaints-ledger:problem:"
RETRY_AFTER_SECONDS = "5"

# The most specific class first: the first match decides.
LEDGER_PROBLEMS: tuple[tuple[type[LedgerError], int, str, str], ...] = (
    (ComplaintNotFoundError, 404, "not-found", "Complaint not found"),
    (NotFoundError, 404, "not-found", "Not found"),
    (NotPermittedError, 403, "not-permitted", "Not permitted"),
    (CaseClosedError, 409, "case-closed", "The case is closed"),
    (RuleViolationError, 409, "rule-violation", "The complaints procedure does not allow this"),
    (ConflictError, 409, "conflict", "The case has changed"),
    (DuplicateCommandError, 409, "duplicate-command", "The command was already applied"),
    (InvalidValueError, 422, "invalid-value", "Invalid value"),
    (StoreUnavailableError, 503, "store-unavailable", "The event store is unavailable"),
    (IntegrityFailureError, 500, "integrity-failure", "Stored data failed an integrity check"),
)
UNMAPPED_LEDGER_PROBLEM = (422, "ledger-error", "The ledger refused the request")

# Ledger names of fields that the HTTP API names differently.
FIELD_ALIASES = {
    "expected_version": "If-Match",
    "correlation_id": "Idempotency-Key",
    "receiving_organisation": "organisation",
    "about_organisation": "about.organisation",
    "service": "about.service",
}


class FieldError(BaseModel):
    field: str
    message: str
    type: str


class Problem(BaseModel):
    """RFC 9457 problem details, with the offending field when there is one."""

    model_config = ConfigDict(extra="allow")

    type: str
    title: str
    status: int
    detail: str
    field: str | None = None
    rule: str | None = None
    errors: list[FieldError] | None = None


class ApiProblemError(Exception):
    """An error found by the HTTP layer itself, reported as a problem."""

    def __init__(
        self,
        status: int,
        slug: str,
        title: str,
        detail: str,
        *,
        field: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status, self.slug, self.title, self.detail = status, slug, title, detail
        self.field = field
        self.headers = dict(headers or {})


def problem_response(
    status: int,
    slug: str,
    title: str,
    detail: str,
    *,
    field: str | None = None,
    rule: str | None = None,
    errors: Sequence[FieldError] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    problem = Problem(
        type=PROBLEM_TYPE_PREFIX + slug,
        title=title,
        status=status,
        detail=detail,
        field=field,
        rule=rule,
        errors=list(errors) if errors is not None else None,
    )
    return JSONResponse(
        problem.model_dump(exclude_none=True),
        status_code=status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=dict(headers or {}),
    )


def documented(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route: each status described as a problem."""
    return {
        status: {"model": Problem, "description": HTTPStatus(status).phrase} for status in statuses
    }


def ledger_problem(error: LedgerError) -> JSONResponse:
    status, slug, title = next(
        (
            (status, slug, title)
            for cls, status, slug, title in LEDGER_PROBLEMS
            if isinstance(error, cls)
        ),
        UNMAPPED_LEDGER_PROBLEM,
    )
    if isinstance(error, StoreUnavailableError):
        logger.warning("store unavailable", error=error.message)
        return store_unavailable_response()
    if isinstance(error, IntegrityFailureError):
        # Which case, version or key failed is for the operators (in the log), not the caller.
        logger.error("integrity failure", error=error.message, field=error.field)
        return problem_response(
            status,
            slug,
            title,
            "stored data failed a cryptographic check: it was altered, moved, or its key is "
            "wrong. None of it was returned; the failure was logged for the operators",
        )
    field = FIELD_ALIASES.get(error.field, error.field) if error.field else None
    return problem_response(status, slug, title, error.message, field=field, rule=error.rule)


def store_unavailable_response() -> JSONResponse:
    """503: the store is down, restarting, full or read-only. A write that got this answer may
    or may not have been recorded: retry it with the same Idempotency-Key."""
    return problem_response(
        503,
        "store-unavailable",
        "The event store is unavailable",
        "the event store could not be reached or refused the operation; try again shortly "
        "(a write retried with the same Idempotency-Key is recorded once)",
        field="store",
        headers={"Retry-After": RETRY_AFTER_SECONDS},
    )


def stopping_response() -> JSONResponse:
    """503: the server stopped (SIGTERM) before the request finished, most often because the
    store did not answer in time. A write may or may not have been recorded."""
    return problem_response(
        503,
        "server-stopping",
        "The server is stopping",
        "the server stopped before this request finished; try again (a write retried with the "
        "same Idempotency-Key is recorded once)",
        field="server",
        headers={"Retry-After": RETRY_AFTER_SECONDS, "Connection": "close"},
    )


async def store_error_problem(_: Request, error: Exception) -> JSONResponse:
    """A driver or library error that reached the HTTP layer: the store's state is a 503."""
    if not is_unavailable(error):
        raise error
    logger.warning("store unavailable", error=first_line(error), error_type=type(error).__name__)
    return store_unavailable_response()


async def ledger_error_problem(_: Request, error: Exception) -> JSONResponse:
    if not isinstance(error, LedgerError):  # pragma: no cover - registered for LedgerError only
        raise error
    return ledger_problem(error)


async def _api_problem(_: Request, error: Exception) -> JSONResponse:
    if not isinstance(error, ApiProblemError):  # pragma: no cover - registered for it only
        raise error
    return problem_response(
        error.status,
        error.slug,
        error.title,
        error.detail,
        field=error.field,
        headers=error.headers,
    )


async def http_exception_problem(request: Request, error: Exception) -> JSONResponse:
    """An HTTPException (a route not found, a method not allowed, ...) as a problem."""
    if not isinstance(error, HTTPException):  # pragma: no cover - registered for it only
        raise error
    phrase = HTTPStatus(error.status_code).phrase
    detail = error.detail if error.detail != phrase else _route_detail(request, error.status_code)
    slug = phrase.lower().replace(" ", "-")
    return problem_response(error.status_code, slug, phrase, detail, headers=error.headers)


def _route_detail(request: Request, status: int) -> str:
    if status == HTTPStatus.NOT_FOUND:
        return f"no route matches {request.url.path}"
    if status == HTTPStatus.METHOD_NOT_ALLOWED:
        return f"{request.method} is not allowed on {request.url.path}"
    return HTTPStatus(status).description


async def _validation_error(_: Request, error: Exception) -> JSONResponse:
    if not isinstance(error, RequestValidationError):  # pragma: no cover - registered for it only
        raise error
    raw = list(error.errors())
    if any(item.get("type") == "json_invalid" for item in raw):
        return problem_response(
            400, "malformed-json", "Malformed JSON", "the body is not valid JSON", field="body"
        )
    errors = [
        FieldError(field=field_path(item.get("loc", ())), message=item["msg"], type=item["type"])
        for item in raw
    ]
    first = errors[0] if errors else FieldError(field="body", message="invalid", type="invalid")
    return problem_response(
        422,
        "invalid-request",
        "Invalid request",
        f"{first.field}: {first.message}",
        field=first.field,
        errors=errors,
    )


def field_path(loc: Sequence[str | int]) -> str:
    """`("body", "complainant", "name")` -> `complainant.name`; list items as `subjects[0]`."""
    parts = list(loc[1:]) if loc and loc[0] in {"body", "query", "path", "header"} else list(loc)
    if not parts:
        return str(loc[0]) if loc else "body"
    path = ""
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(LedgerError, ledger_error_problem)
    for store_error in STORE_ERRORS:
        app.add_exception_handler(store_error, store_error_problem)
    app.add_exception_handler(ApiProblemError, _api_problem)
    app.add_exception_handler(HTTPException, http_exception_problem)
    app.add_exception_handler(RequestValidationError, _validation_error)
