"""Idempotency keys: stored with the events as the correlation id `<key>:<digest of the request>`.

A retry with the same key and the same request finds the version its first attempt produced in
the case's history; the same key with another request is refused. Nothing is stored beside the
events, so keys survive restarts.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from uuid import UUID, uuid4, uuid5

from pydantic import BaseModel

from complaints_ledger.api.problems import ApiProblemError
from complaints_ledger.application import CASE_ID_NAMESPACE, HistoryEntry

HEADER = "Idempotency-Key"
DIGEST_LENGTH = 16
KEY_PATTERN = r"^[\x21-\x7e]{1,200}$"  # visible ASCII, no spaces


@dataclass(frozen=True)
class RequestKey:
    """An Idempotency-Key and the digest of the request it was sent with."""

    key: str
    digest: str

    @property
    def correlation_id(self) -> str:
        return f"{self.key}:{self.digest}"

    def used_by(self, correlation_id: str) -> bool:
        """The correlation id came from a request with this key (whatever its body)."""
        key, _, _ = correlation_id.rpartition(":")
        return key == self.key


def request_digest(method: str, path: str, body: BaseModel) -> str:
    canonical = json.dumps(
        body.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    text = f"{method.upper()}\n{path}\n{canonical}"
    return hashlib.sha256(text.encode()).hexdigest()[:DIGEST_LENGTH]


def request_key(key: str | None, method: str, path: str, body: BaseModel) -> RequestKey | None:
    if key is None:
        return None
    return RequestKey(key, request_digest(method, path, body))


def correlation_id(key: RequestKey | None) -> str:
    return key.correlation_id if key is not None else uuid4().hex


def case_id_for(key: str) -> UUID:
    """The id `ComplaintsLedger.receive(..., case_key=key)` gives the case it creates."""
    return uuid5(CASE_ID_NAMESPACE, key)


def prior_version(entries: Iterable[HistoryEntry], key: RequestKey) -> int | None:
    """The version the first request with this key produced; None if there was none.

    Raises a 422 problem when the key was used for a different request.
    """
    used = [entry for entry in entries if key.used_by(entry.correlation_id)]
    if not used:
        return None
    if any(entry.correlation_id != key.correlation_id for entry in used):
        raise ApiProblemError(
            422,
            "idempotency-key-reused",
            "Idempotency-Key reused",
            "this Idempotency-Key was already used for a different request",
            field=HEADER,
        )
    return max(entry.version for entry in used)
