"""The keyring: master keys that wrap every data subject's key, and the secret behind pseudonyms.

A JSON file named by COMPLAINTS_LEDGER_KEYRING_FILE (mode 0600), generated on the operator's
machine and never committed. Several master keys may be listed: `current` wraps new subject keys,
the others still unwrap keys until `keys rotate` has re-wrapped them and retired the old one.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import secrets
from contextlib import suppress
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from complaints_ledger.domain.errors import IntegrityFailureError, InvalidValueError

KEY_BYTES = 32  # AES-256
NONCE_BYTES = 12
PRIVATE_FILE_MODE = 0o600
KEYRING_FORMAT = 1


def _wrap_context(subject_id: UUID) -> bytes:
    # Binds a wrapped key to its subject: copied onto another subject's row it will not unwrap.
    return b"complaints-ledger subject key " + subject_id.bytes


@dataclass(frozen=True)
class Keyring:
    master_keys: dict[str, bytes]
    current: str
    pseudonym_key: bytes = field(repr=False)

    def __repr__(self) -> str:  # never print key material
        return f"Keyring(current={self.current!r}, master_keys={sorted(self.master_keys)})"

    @classmethod
    def generate(cls) -> Keyring:
        key_id = new_master_key_id()
        return cls({key_id: AESGCM.generate_key(KEY_BYTES * 8)}, key_id, secrets.token_bytes(32))

    def wrap(self, subject_id: UUID, data_key: bytes) -> tuple[str, bytes]:
        """(master key id, nonce + ciphertext) of a subject's data key under the current key."""
        nonce = secrets.token_bytes(NONCE_BYTES)
        sealed = AESGCM(self.master_keys[self.current]).encrypt(
            nonce, data_key, _wrap_context(subject_id)
        )
        return self.current, nonce + sealed

    def unwrap(self, master_key_id: str, subject_id: UUID, wrapped: bytes) -> bytes:
        master = self.master_keys.get(master_key_id)
        if master is None:
            raise InvalidValueError(
                f"subject {subject_id}'s key is wrapped by master key {master_key_id!r}, which "
                f"the keyring does not hold (it holds {', '.join(sorted(self.master_keys))})",
                field="keyring_file",
            )
        try:
            return AESGCM(master).decrypt(
                wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:], _wrap_context(subject_id)
            )
        except InvalidTag:
            raise IntegrityFailureError(
                f"the stored key of subject {subject_id} does not unwrap: it was altered or "
                "belongs to another subject",
                field="subject_id",
            ) from None

    def with_new_master_key(self) -> Keyring:
        key_id = new_master_key_id()
        keys = {**self.master_keys, key_id: AESGCM.generate_key(KEY_BYTES * 8)}
        return replace(self, master_keys=keys, current=key_id)

    def without(self, key_id: str) -> Keyring:
        if key_id == self.current:
            raise InvalidValueError("the current master key cannot be retired", field="key_id")
        return replace(self, master_keys={k: v for k, v in self.master_keys.items() if k != key_id})


def new_master_key_id() -> str:
    return f"mk-{datetime.now(UTC):%Y%m%d}-{secrets.token_hex(4)}"


def load_keyring(path: Path) -> Keyring:
    if not path.exists():
        raise InvalidValueError(
            f"no keyring at {path}: create one with `complaints-ledger keys init`",
            field="keyring_file",
        )
    try:
        document = json.loads(path.read_text())
        keys = {k: _decode_key(v) for k, v in document["master_keys"].items()}
        keyring = Keyring(keys, document["current"], _decode_key(document["pseudonym_key"]))
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise InvalidValueError(f"{path} is not a keyring: {error}", field="keyring_file") from None
    if keyring.current not in keyring.master_keys:
        raise InvalidValueError(
            f"{path}: current master key {keyring.current!r} is not listed", field="keyring_file"
        )
    return keyring


def save_keyring(path: Path, keyring: Keyring, *, exclusive: bool = False) -> None:
    """Write atomically (a crash leaves the old file or the new one, never half of one).
    `exclusive` never replaces an existing file: FileExistsError instead."""
    document: dict[str, Any] = {
        "format": KEYRING_FORMAT,
        "current": keyring.current,
        "master_keys": {k: _encode_key(v) for k, v in keyring.master_keys.items()},
        "pseudonym_key": _encode_key(keyring.pseudonym_key),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    descriptor = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    try:
        with os.fdopen(descriptor, "w") as file:
            json.dump(document, file, indent=2)
            file.flush()
            os.fsync(file.fileno())
        if exclusive:
            os.link(staging, path)  # atomic, and fails if another process created it first
            staging.unlink()
        else:
            staging.replace(path)
    except BaseException:
        staging.unlink(missing_ok=True)  # no stray copy of key material beside the keyring
        raise


def create_keyring(path: Path) -> Keyring:
    """A new keyring; refuses to replace one (that would orphan every subject key)."""
    try:
        save_keyring(path, Keyring.generate(), exclusive=True)
    except FileExistsError:
        raise InvalidValueError(
            f"{path} already holds a keyring; keep it (losing it loses every personal field)",
            field="keyring_file",
        ) from None
    return load_keyring(path)


def create_keyring_once(path: Path) -> Keyring:
    """Create the keyring unless one exists; either way return the one on disk. Processes that
    race to create it all end up with the same keyring."""
    with suppress(FileExistsError):
        save_keyring(path, Keyring.generate(), exclusive=True)
    return load_keyring(path)


def _encode_key(key: bytes) -> str:
    return base64.b64encode(key).decode()


def _decode_key(text: str) -> bytes:
    try:
        key = base64.b64decode(text, validate=True)
    except binascii.Error as error:
        raise ValueError(f"a key is not base64: {error}") from None
    if len(key) != KEY_BYTES:
        raise ValueError(f"a key has {len(key)} bytes, not {KEY_BYTES}")
    return key
