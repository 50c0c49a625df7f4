"""Letters to the complainant: which letter went out, provably.

Sending a letter records `LetterSent` with the SHA-256 of the exact text sent (UTF-8, Unicode
NFC, line breaks as `\\n`, no blank space around it: `letter_text`), its kind, the version of the
organisation's template it was written from and how it was sent. The text itself is personal
data: it is kept in the event's personal part, sealed with the complainant's key like every
other personal field, so erasing the complainant shreds it while the hash stays and still
proves which letter went out.

Sending a letter is a record of correspondence only: it never meets a deadline. An
acknowledgement letter does not acknowledge the complaint (that is `acknowledge`, reg 13), and
a response letter does not record the response (`send_response`, reg 14): those commands keep
their own meaning and the clocks they stop.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Mapping
from enum import StrEnum
from typing import Any, ClassVar

from complaints_ledger.domain.case_state import CaseBase, StateCheck, envelope, status_rule
from complaints_ledger.domain.errors import InvalidValueError
from complaints_ledger.domain.values import Stamp, Status

LETTERS = "letters"  # the key of the letters sent in the case's records
LETTER_TEXT_MAX = 10_000  # as the input policy bounds free text (inputs.text.TEXT_MAX)
SENDABLE = frozenset(set(Status) - {Status.WITHDRAWN})


class LetterKind(StrEnum):
    ACKNOWLEDGEMENT = "acknowledgement"  # SI 2009/309 reg 13
    EXTENSION = "extension"  # an extension or delay notice, with its reasons
    RESPONSE = "response"  # SI 2009/309 reg 14


class LetterChannel(StrEnum):
    POST = "post"
    EMAIL = "email"
    BY_HAND = "by_hand"


def letter_text(text: str) -> str:
    """The text as it is kept and hashed: NFC, line breaks as `\\n` (a browser's textarea sends
    CRLF), without the blank space before its first and after its last character (which
    copying a letter out of a page or a file adds or loses)."""
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n")).strip()


def letter_hash(text: str) -> str:
    """The SHA-256 (hex) of a letter's text, as recorded when it was sent."""
    return hashlib.sha256(letter_text(text).encode("utf-8")).hexdigest()


class Letters(CaseBase):
    STATE_RULES: ClassVar[Mapping[str, StateCheck]] = {
        "send_letter": status_rule("send a letter", SENDABLE)
    }

    class LetterSent(CaseBase.Event):
        kind: str
        sha256: str  # of the letter's text (letter_hash)
        template_version: int | None  # the organisation's template it was written from; None: none
        channel: str
        organisation: str  # the organisation that sent it
        personal: dict[str, Any]  # the letter's text: personal data, sealed

        def apply(self, case: Letters) -> None:
            case._record(
                LETTERS,
                {
                    "at": self.occurred_at,
                    "kind": self.kind,
                    "sha256": self.sha256,
                    "template_version": self.template_version,
                    "channel": self.channel,
                    "by": self.actor.get("principal"),
                },
            )

    def send_letter(
        self,
        stamp: Stamp,
        *,
        kind: LetterKind,
        text: str,
        channel: LetterChannel,
        template_version: int | None = None,
    ) -> None:
        """Record that a letter went to the complainant, with the hash of its exact text."""
        self._check_stamp(stamp, command="send a letter")
        self._require_state("send_letter")
        sent = letter_text(text)
        if not sent.strip():
            raise InvalidValueError("text must not be empty", field="text")
        if len(sent) > LETTER_TEXT_MAX:
            raise InvalidValueError(
                f"a letter has at most {LETTER_TEXT_MAX} characters", field="text"
            )
        if template_version is not None and template_version < 1:
            raise InvalidValueError(
                "template_version is a template's version, 1 or more", field="template_version"
            )
        self.trigger_event(
            self.LetterSent,
            **envelope(stamp),
            kind=str(LetterKind(kind)),
            sha256=letter_hash(sent),
            template_version=template_version,
            channel=str(LetterChannel(channel)),
            organisation=self.handling_organisation,
            personal={"letter": sent},
        )

    def letters_sent(self) -> list[dict[str, Any]]:
        return list(self.records.get(LETTERS, []))
