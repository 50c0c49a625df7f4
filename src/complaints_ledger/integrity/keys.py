"""The Ed25519 key that signs checkpoints: generated on the operator's machine, never committed.

The private key is a PEM file named by the setting COMPLAINTS_LEDGER_SIGNING_KEY_FILE (mode 0600);
the public key is published (base64 of its 32 raw bytes) so anyone can verify offline.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from complaints_ledger.domain.errors import InvalidValueError

PRIVATE_FILE_MODE = 0o600


def generate_key(path: Path) -> Ed25519PrivateKey:
    """Create a new signing key file; refuses to overwrite one (that would orphan checkpoints)."""
    if path.exists():
        raise InvalidValueError(
            f"{path} already holds a signing key; keep it", field="signing_key_file"
        )
    key = Ed25519PrivateKey.generate()
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    with os.fdopen(descriptor, "wb") as file:
        file.write(pem)
    return key


def load_key(path: Path) -> Ed25519PrivateKey:
    if not path.exists():
        raise InvalidValueError(
            f"no signing key at {path}: create one with `complaints-ledger keys init`",
            field="signing_key_file",
        )
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise InvalidValueError(f"{path} is not an Ed25519 private key", field="signing_key_file")
    return key


def public_key_text(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def key_id(public_key: str) -> str:
    """A short name for a public key: the first 16 hex digits of SHA-256 of its raw bytes."""
    return hashlib.sha256(base64.b64decode(public_key)).hexdigest()[:16]


def parse_public_key(text: str) -> Ed25519PublicKey:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
        return Ed25519PublicKey.from_public_bytes(raw)
    except (binascii.Error, ValueError):
        raise InvalidValueError(
            "the public key must be the base64 of 32 raw Ed25519 bytes", field="public_key"
        ) from None


def verify_signature(public_key: str, message: bytes, signature: str) -> bool:
    try:
        parse_public_key(public_key).verify(base64.b64decode(signature), message)
    except (InvalidSignature, binascii.Error, ValueError, InvalidValueError):
        return False
    return True
