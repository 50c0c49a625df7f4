"""The Idempotency-Key header: request keys (application/request_keys.py) as HTTP sees them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from uuid import UUID

from complaints_ledger.api.problems import ApiProblemError
from complaints_ledger.application.ledger import ComplaintsLedger, HistoryEntry
from complaints_ledger.application.request_keys import (
    KEY_PATTERN,
    KeyReusedError,
    RequestKey,
    case_id_for,
    case_key,
    correlation_id,
    legacy_case_id_for,
    request_digest,
    request_key,
)
from complaints_ledger.application.request_keys import prior_version as _prior_version
from complaints_ledger.application.request_keys import received_with as _received_with

__all__ = [
    "HEADER",
    "KEY_PATTERN",
    "RequestKey",
    "case_id_for",
    "case_key",
    "correlation_id",
    "legacy_case_id_for",
    "prior_version",
    "received_with",
    "request_digest",
    "request_key",
]

HEADER = "Idempotency-Key"


def prior_version(entries: Iterable[HistoryEntry], key: RequestKey) -> int | None:
    """The version the sender's first request with this key produced; None if there was none.

    Raises a 422 problem when the sender used the key for a different request.
    """
    with _reuse_as_problem():
        return _prior_version(entries, key, field=HEADER)


def received_with(ledger: ComplaintsLedger, key: RequestKey) -> UUID | None:
    """The case the sender's earlier receipt with this key created (422 if the key was reused)."""
    with _reuse_as_problem():
        return _received_with(ledger, key, field=HEADER)


@contextmanager
def _reuse_as_problem() -> Iterator[None]:
    try:
        yield
    except KeyReusedError:
        raise ApiProblemError(
            422,
            "idempotency-key-reused",
            "Idempotency-Key reused",
            "this Idempotency-Key was already used for a different request",
            field=HEADER,
        ) from None
