"""SCRAM-SHA-256 verifiers for PostgreSQL login roles (`db init`), computed on this machine."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import unicodedata

SCRAM_ITERATIONS = 4096


def scram_verifier(password: str, *, salt: bytes | None = None, iterations: int = 0) -> str:
    """The SCRAM-SHA-256 verifier PostgreSQL stores, computed here so that the password itself
    never reaches the server (nor its statement log)."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    iterations = iterations or SCRAM_ITERATIONS
    normalised = unicodedata.normalize("NFKC", password).encode()
    salted = hashlib.pbkdf2_hmac("sha256", normalised, salt, iterations)
    client_key = hmac.new(salted, b"Client Key", "sha256").digest()
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b"Server Key", "sha256").digest()
    return f"SCRAM-SHA-256${iterations}:{_b64(salt)}${_b64(stored_key)}:{_b64(server_key)}"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
