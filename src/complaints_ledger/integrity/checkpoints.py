"""Signed checkpoints: the size and root of the Merkle log at an instant, signed with Ed25519.

The signed message is plain text, so an auditor can rebuild it by hand:

    complaints-ledger checkpoint v1
    tree_size: 1234
    root: <64 hex digits>
    time: 2026-11-22T23:40:00+00:00
    key: <key id>
"""

from __future__ import annotations

import base64
from dataclasses import asdict, dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from complaints_ledger.domain.errors import InvalidValueError
from complaints_ledger.integrity.keys import key_id, public_key_text, verify_signature

HEADER = "complaints-ledger checkpoint v1"


@dataclass(frozen=True)
class Checkpoint:
    tree_size: int
    root: str  # hex
    time: str  # RFC 3339
    key_id: str
    public_key: str  # base64 of the raw Ed25519 public key
    signature: str  # base64

    @property
    def message(self) -> bytes:
        return signed_message(self.tree_size, self.root, self.time, self.key_id)

    def verifies_with(self, public_key: str) -> bool:
        # the signature check first: it refuses a malformed key, which key_id cannot decode
        return verify_signature(public_key, self.message, self.signature) and (
            key_id(public_key) == self.key_id
        )

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Checkpoint:
        try:
            return cls(
                tree_size=int(data["tree_size"]),
                root=str(data["root"]),
                time=str(data["time"]),
                key_id=str(data["key_id"]),
                public_key=str(data["public_key"]),
                signature=str(data["signature"]),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise InvalidValueError(f"not a checkpoint: {error}", field="checkpoint") from None


def signed_message(tree_size: int, root: str, time: str, signer: str) -> bytes:
    lines = (HEADER, f"tree_size: {tree_size}", f"root: {root}", f"time: {time}", f"key: {signer}")
    return ("\n".join(lines) + "\n").encode()


def sign(key: Ed25519PrivateKey, tree_size: int, root: bytes, time: str) -> Checkpoint:
    public = public_key_text(key)
    signer = key_id(public)
    message = signed_message(tree_size, root.hex(), time, signer)
    signature = base64.b64encode(key.sign(message)).decode()
    return Checkpoint(tree_size, root.hex(), time, signer, public, signature)
