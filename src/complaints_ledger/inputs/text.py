"""The input policy for every text that enters the ledger, whatever the door (HTTP, CLI, import).

A line (a name, an identifier, a fact) holds no control character at all; free text may break
lines, as `\\n` only (CRLF and a lone CR become `\\n`). Both refuse NUL, lone surrogates, the
Unicode line and paragraph separators and the bidirectional embeddings, overrides and isolates
(U+202A-U+202E, U+2066-U+2069), are normalised to NFC and are bounded in length. A line is also
stripped of surrounding whitespace. `docs/api.md` ("Input policy") describes it for clients.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Annotated

from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

NAME_MAX = 200
TEXT_MAX = 10_000
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
REFUSED_CATEGORIES = {
    "Cc": "a control character",
    "Cs": "a lone surrogate",
    "Zl": "a line separator",
    "Zp": "a paragraph separator",
}


Cleaner = Callable[[str, int], str]


class TextPolicyError(ValueError):
    """A text the ledger refuses to store; `kind` is a short machine-readable reason."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


def clean_line(value: str, max_length: int = NAME_MAX) -> str:
    """A single-line name or fact, checked and normalised; raises `TextPolicyError`."""
    text = unicodedata.normalize("NFC", value)
    _refuse_forbidden(text, line_breaks=False)
    return _bounded(text.strip(), max_length)


def clean_text(value: str, max_length: int = TEXT_MAX) -> str:
    """Free text: line breaks kept as `\\n`, checked and normalised; raises `TextPolicyError`."""
    text = unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n"))
    _refuse_forbidden(text, line_breaks=True)
    return _bounded(text, max_length)


def _refuse_forbidden(text: str, *, line_breaks: bool) -> None:
    for position, char in enumerate(text):
        if char == "\n" and line_breaks:
            continue
        reason = _forbidden(char)
        if reason is not None:
            where = "" if line_breaks or char != "\n" else " (line breaks: free text only)"
            raise TextPolicyError(
                "forbidden_character",
                f"contains {reason} (U+{ord(char):04X}) at position {position}{where}",
            )


def _forbidden(char: str) -> str | None:
    if char in BIDI_CONTROLS:
        return "a bidirectional override or isolate"
    return REFUSED_CATEGORIES.get(unicodedata.category(char))


def _bounded(text: str, max_length: int) -> str:
    if len(text) > max_length:
        raise TextPolicyError(
            "too_long", f"is {len(text)} characters long once normalised; at most {max_length}"
        )
    return text


def as_pydantic_error(clean: Cleaner, value: str, max_length: int) -> str:
    """`clean(value, max_length)`; a refusal becomes a pydantic error (a 422 naming the field)."""
    try:
        return clean(value, max_length)
    except TextPolicyError as error:
        raise PydanticCustomError(error.kind, error.message) from None


def _pydantic(clean: Cleaner, max_length: int) -> Callable[[str], str]:
    return lambda value: as_pydantic_error(clean, value, max_length)


# The length is checked before normalising too, so a huge value is refused before any work.
Name = Annotated[str, Field(max_length=NAME_MAX), AfterValidator(_pydantic(clean_line, NAME_MAX))]
"""A name, identifier or fact: one line."""
Text = Annotated[str, Field(max_length=TEXT_MAX), AfterValidator(_pydantic(clean_text, TEXT_MAX))]
"""Free text (a summary, a reason, notes): line breaks allowed, as `\\n`."""
