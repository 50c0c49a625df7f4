"""Field-level encryption of an event's personal part, one AES-256-GCM ciphertext per field.

Field names stay readable (they say nothing about anyone); each value is sealed with the key of
the subject it belongs to. The associated data names the case, the event's version and topic and
the field, so a ciphertext copied anywhere else fails to open. Values that hold nothing personal
(None, empty, `[erased]`) are stored as they are.
"""

from __future__ import annotations

import base64
import re
import secrets
from typing import Any
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.persistence import Transcoder

from complaints_ledger.domain.errors import IntegrityFailureError
from complaints_ledger.domain.privacy import ERASED, SubjectRole, role_of_field
from complaints_ledger.privacy.keyring import NONCE_BYTES
from complaints_ledger.privacy.subject_keys import Identity, SubjectKeys

SEALED = "_sealed_"
EMPTY: tuple[object, ...] = (None, "", [])
NOT_PERSONAL: tuple[object, ...] = (*EMPTY, ERASED)


def identity_of(person: Any) -> Identity | None:
    """What identifies a person across cases, normalised: their email, their phone number, and
    their name with their address. Only keyed hashes of these are ever stored."""
    if not isinstance(person, dict):
        return None
    identifiers = []
    if person.get("email"):
        identifiers.append("email:" + str(person["email"]).strip().casefold())
    digits = re.sub(r"\D", "", str(person.get("phone") or ""))
    if digits:
        identifiers.append("phone:" + digits[-10:])  # +44 7700 ... and 07700 ... are one number
    if person.get("name"):
        name = " ".join(str(person["name"]).casefold().split())
        address = " ".join(str(person.get("address") or "").casefold().split())
        identifiers.append(f"name:{name}|{address}")
    return Identity(tuple(identifiers)) if identifiers else None


def is_sealed(value: Any) -> bool:
    return isinstance(value, dict) and SEALED in value


class FieldSealer:
    def __init__(self, keys: SubjectKeys, transcoder: Transcoder) -> None:
        self.keys = keys
        self.transcoder = transcoder

    def seal(
        self, personal: dict[str, Any], *, case_id: UUID, version: int, topic: str
    ) -> dict[str, Any]:
        sealed: dict[str, Any] = {}
        for name, value in personal.items():
            if value in NOT_PERSONAL:
                sealed[name] = value
                continue
            role = role_of_field(name)
            subject_id, key = self.keys.key_for_writing(
                case_id, role, identity_for(role, value), probably_new=version == 1
            )
            nonce = secrets.token_bytes(NONCE_BYTES)
            context = _context(case_id, version, topic, name, subject_id)
            ciphertext = AESGCM(key).encrypt(nonce, self.transcoder.encode(value), context)
            sealed[name] = {
                SEALED: base64.b64encode(nonce + ciphertext).decode(),
                "subject": str(subject_id),
            }
        return sealed

    def unseal(
        self, personal: dict[str, Any], *, case_id: UUID, version: int, topic: str
    ) -> dict[str, Any]:
        return {
            name: self._open(value, case_id, version, topic, name) if is_sealed(value) else value
            for name, value in personal.items()
        }

    def _open(
        self, value: dict[str, Any], case_id: UUID, version: int, topic: str, name: str
    ) -> Any:
        subject_id = UUID(value["subject"])
        key = self.keys.key_for_reading(subject_id)
        if key is None:
            return ERASED
        blob = base64.b64decode(value[SEALED])
        context = _context(case_id, version, topic, name, subject_id)
        try:
            plain = AESGCM(key).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], context)
        except InvalidTag:
            raise IntegrityFailureError(
                f"the personal field {name!r} of case {case_id} version {version} does not "
                "decrypt: it was altered or moved from another event",
                field=name,
            ) from None
        return self.transcoder.decode(plain)


def identity_for(role: SubjectRole, value: Any) -> Identity | None:
    """The identity of the person a personal field names, if it names one."""
    if role == SubjectRole.REPRESENTATIVE:
        return identity_of(value.get("person") if isinstance(value, dict) else None)
    return identity_of(value)


def _context(case_id: UUID, version: int, topic: str, name: str, subject_id: UUID) -> bytes:
    return f"complaints-ledger personal|{case_id}|{version}|{topic}|{name}|{subject_id}".encode()
