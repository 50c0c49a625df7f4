"""Keys: the state of the key that signs checkpoints and of the keyring that protects personal
data, as `keys public`, `keys status` and the checkpoints show it: key ids, when each was made,
which is in use, and counts (checkpoints signed, subject keys wrapped, subjects erased). Never
any key material: not even the public key is printed here (it is at /integrity/public-key)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from http import HTTPStatus
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from complaints_ledger.domain.errors import LedgerError
from complaints_ledger.integrity.keys import key_id, public_key_text
from complaints_ledger.integrity.log_sealer import LogSealer, Signer
from complaints_ledger.persistence.view_db import ViewDatabases
from complaints_ledger.privacy.keyring import load_keyring
from complaints_ledger.settings import Settings
from complaints_ledger.web.admin_access import admin_session
from complaints_ledger.web.admin_pages import admin_page

router = APIRouter(include_in_schema=False)
NO_KEYRING_YET = (
    "There is no keyring yet: the ledger makes one when it first stores a person's details "
    "(or `complaints-ledger keys init` does)."
)
MADE_ON = re.compile(r"^mk-(\d{4})(\d{2})(\d{2})-")  # master key ids carry the day they were made


@dataclass(frozen=True)
class SigningKey:
    key_id: str
    created_at: str  # when its file was written
    signers: list[Signer]  # every key that signed checkpoints, this one among them or not


@dataclass(frozen=True)
class MasterKey:
    key_id: str
    made_on: date | None
    current: bool
    in_keyring: bool
    subject_keys: int


@dataclass(frozen=True)
class KeyringStatus:
    master_keys: list[MasterKey]
    erased_subjects: int
    problem: str | None = None  # the keyring cannot be read


def signing_key_status(
    settings: Settings, key: Ed25519PrivateKey | None, views: ViewDatabases
) -> SigningKey | None:
    with views.connection() as db:
        signers = LogSealer(db).signers()
    if key is None:
        return SigningKey("", "", signers) if signers else None
    return SigningKey(key_id(public_key_text(key)), _file_time(settings.signing_key_file), signers)


def _file_time(path: Path) -> str:
    try:
        return datetime.fromtimestamp(path.stat().st_mtime, UTC).isoformat()
    except OSError:
        return ""


def keyring_status(request: Request) -> KeyringStatus:
    settings: Settings = request.app.state.settings
    subject_keys = request.app.state.store.ledger.subject_keys
    in_use, erased = subject_keys.master_keys_in_use(), subject_keys.erased_count()
    if not settings.keyring_file.exists() and not in_use:
        return KeyringStatus([], erased, NO_KEYRING_YET)
    try:
        keyring = load_keyring(settings.keyring_file)
    except LedgerError as broken:
        return KeyringStatus([], erased, f"The keyring cannot be read: {broken.message}")
    ids = sorted(set(keyring.master_keys) | set(in_use))
    return KeyringStatus(
        [
            MasterKey(
                each,
                _made_on(each),
                each == keyring.current,
                each in keyring.master_keys,
                in_use.get(each, 0),
            )
            for each in ids
        ],
        erased,
    )


def _made_on(master_key_id: str) -> date | None:
    found = MADE_ON.match(master_key_id)
    if found is None:
        return None
    try:
        return date(*(int(part) for part in found.groups()))
    except ValueError:
        return None


@router.get("/admin/keys", response_class=HTMLResponse)
def keys_page(request: Request) -> Response:
    session = admin_session(request)
    if isinstance(session, Response):
        return session
    state = request.app.state
    return admin_page(
        request,
        "admin/keys.html",
        "Keys",
        status=HTTPStatus.OK,
        signing=signing_key_status(state.settings, state.signing_key, state.views),
        keyring=keyring_status(request),
    )
