"""The one rule for text the read side keeps (docs/projections.md, "Stored values").

Events are forever, and an old one may hold characters a view must not: NUL, which PostgreSQL
text cannot hold at all, other control characters (ESC, which a terminal obeys; DEL; the C1
controls) and the bidirectional overrides and isolates that make a name in a report read
backwards. Every event is made storable as it is decoded for the projections, so every view, key
and report gets the same value on both stores: each such character becomes its visible escape
(`\\u0000`), and line breaks become `\\n`. Tabs and line feeds stay.
"""

from __future__ import annotations

import re
from typing import Any

_UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_CARRIAGE_RETURN = re.compile("\r\n?")
# Stored JSON shows such a character escaped (after a backslash: \u0000, \r, \b, \f) or raw in
# UTF-8 (DEL; C1 controls start with the byte 0xC2, the bidi characters with 0xE2). Events with
# none of these bytes, nearly all of them, are passed as they are: a few byte searches are cheap.


def may_hold_unstorable(state: bytes | str) -> bool:
    """False when the stored JSON cannot hold a character that `storable_text` would change.
    (A row edited by hand may hold text rather than bytes: that is looked at in full.)"""
    if isinstance(state, str) or b"\\" in state or b"\x7f" in state:
        return True
    return not state.isascii() and (b"\xc2" in state or b"\xe2" in state)


def storable_text(text: str) -> str:
    """`text` with line breaks as `\\n` and every other unstorable character escaped."""
    if "\r" in text:
        text = _CARRIAGE_RETURN.sub("\n", text)
    return _UNSTORABLE.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def storable(value: Any) -> Any:
    """A decoded JSON value with every string in it (keys too) made storable."""
    if isinstance(value, str):
        return storable_text(value)
    if isinstance(value, dict):
        return {storable_text(key): storable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [storable(item) for item in value]
    return value
