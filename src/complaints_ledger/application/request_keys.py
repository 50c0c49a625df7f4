"""Idempotency keys (the API's Idempotency-Key, the CLI's `case receive --key`): stored with
the events as the correlation id `<key>:<digest of the request>`.

A key belongs to whoever sent it (organisation and principal): the digest covers the sender as
well as the request, and only the sender's own events are searched for it, so another tenant's
use of the same key is invisible. A retry with the same key and the same request finds the
version its first attempt produced in the case's history; the same key with another request is
refused. Nothing is stored beside the events, so keys survive restarts.

Events recorded before keys were scoped hold the digest of the request alone (`legacy_digest`)
and a receipt's case id derived from the key alone: a retry of such a request still finds them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from uuid import UUID, uuid4, uuid5

from pydantic import BaseModel

from complaints_ledger.application.ledger import CASE_ID_NAMESPACE, ComplaintsLedger, HistoryEntry
from complaints_ledger.domain.errors import ComplaintNotFoundError, InvalidValueError
from complaints_ledger.domain.values import Actor

DIGEST_LENGTH = 16
KEY_PATTERN = r"^[\x21-\x7e]{1,200}$"  # visible ASCII, no spaces
RECEIVE_METHOD, RECEIVE_PATH = "POST", "/complaints"  # how a receipt's digest names the request


class KeyReusedError(InvalidValueError):
    """The sender used this key before, for a different request."""

    def __init__(self, field: str) -> None:
        message = "this idempotency key was already used for a different request"
        super().__init__(message, field=field)


@dataclass(frozen=True)
class RequestKey:
    """An Idempotency-Key, who sent it, and the digests of the request it was sent with."""

    key: str
    sender: Actor
    digest: str
    legacy_digest: str

    @property
    def correlation_id(self) -> str:
        return f"{self.key}:{self.digest}"

    def used_by(self, correlation_id: str) -> bool:
        """The correlation id came from a request with this key (whatever its body or sender)."""
        key, _, _ = correlation_id.rpartition(":")
        return key == self.key

    def sent_by(self, entry: HistoryEntry) -> bool:
        """The entry was recorded for this key's sender (the same organisation and principal)."""
        actor = entry.actor
        return actor["organisation"] == self.sender.organisation and (
            actor["principal"] == self.sender.principal
        )

    def same_request(self, correlation_id: str) -> bool:
        return correlation_id in {self.correlation_id, f"{self.key}:{self.legacy_digest}"}


def request_digest(method: str, path: str, body: BaseModel, sender: Actor | None = None) -> str:
    """The digest of a request; of the request alone (`sender` None) for correlation ids as
    they were recorded before keys were scoped by sender."""
    canonical = json.dumps(
        body.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    text = f"{method.upper()}\n{path}\n{canonical}"
    if sender is not None:
        text = _scoped(sender, text)
    return hashlib.sha256(text.encode()).hexdigest()[:DIGEST_LENGTH]


def case_key(key: str, sender: Actor) -> str:
    """What the id of a case logged with this key by this sender is derived from."""
    return _scoped(sender, key)


def _scoped(sender: Actor, text: str) -> str:
    return json.dumps([sender.organisation, sender.principal, text], ensure_ascii=False)


def request_key(
    key: str | None, method: str, path: str, body: BaseModel, sender: Actor
) -> RequestKey | None:
    if key is None:
        return None
    return RequestKey(
        key,
        sender,
        digest=request_digest(method, path, body, sender),
        legacy_digest=request_digest(method, path, body),
    )


def correlation_id(key: RequestKey | None) -> str:
    return key.correlation_id if key is not None else uuid4().hex


def case_id_for(key: str, sender: Actor) -> UUID:
    """The id `ComplaintsLedger.receive(..., case_key=...)` gives the case the sender logs with
    this key."""
    return uuid5(CASE_ID_NAMESPACE, case_key(key, sender))


def legacy_case_id_for(key: str) -> UUID:
    """The id a case logged with this key got before keys were scoped by sender."""
    return uuid5(CASE_ID_NAMESPACE, key)


def prior_version(
    entries: Iterable[HistoryEntry], key: RequestKey, *, field: str = "key"
) -> int | None:
    """The version the sender's first request with this key produced; None if there was none.

    Raises KeyReusedError (naming `field`) when the sender used the key for a different request.
    """
    used = [entry for entry in entries if key.used_by(entry.correlation_id) and key.sent_by(entry)]
    if not used:
        return None
    if not all(key.same_request(entry.correlation_id) for entry in used):
        raise KeyReusedError(field)
    return max(entry.version for entry in used)


def received_with(ledger: ComplaintsLedger, key: RequestKey, *, field: str = "key") -> UUID | None:
    """The case the sender's earlier receipt with this key created, if there is one."""
    for case_id in (case_id_for(key.key, key.sender), legacy_case_id_for(key.key)):
        try:
            first = ledger.history(case_id)[:1]
        except ComplaintNotFoundError:
            continue
        if prior_version(first, key, field=field) is not None:
            return case_id
    return None
