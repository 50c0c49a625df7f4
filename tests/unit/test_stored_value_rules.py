"""The read side's rule for stored text (storable.py) and the CSV cell rule (csv_cells.py), over
arbitrary Unicode: nothing unstorable survives, clean text is untouched, the byte pre-check never
misses a value the rule would change, and no CSV cell can start a formula."""

from __future__ import annotations

import csv
import io
import json
import re

import orjson
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from complaints_ledger.readside.csv_cells import csv_cell
from complaints_ledger.readside.storable import may_hold_unstorable, storable, storable_text

# Written out here rather than imported: C0 but tab and LF, DEL, C1, bidi embeddings/overrides
# (U+202A-U+202E) and isolates (U+2066-U+2069).
UNSTORABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
HOSTILE = st.text(
    st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from("\x00\x1b\r\n\t\x7f\x85\u202e\u2066=+-@'\\\""),
    )
)


@given(HOSTILE)
@example("Bright\x00water")
@example("line\r\nbreak\rhere")
def test_nothing_unstorable_survives_and_the_rule_is_idempotent(text: str) -> None:
    shown = storable_text(text)
    assert not UNSTORABLE.search(shown)
    assert storable_text(shown) == shown


@given(HOSTILE.filter(lambda text: not UNSTORABLE.search(text)))
def test_clean_text_is_left_as_it_is(text: str) -> None:
    assert storable_text(text) == text


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Bright\x00water", "Bright\\u0000water"),
        ("\x1b[31mred", "\\u001b[31mred"),
        ("\u202eevil", "\\u202eevil"),
        ("a\r\nb\rc\nd\te", "a\nb\nc\nd\te"),
    ],
)
def test_each_character_becomes_its_visible_escape(text: str, shown: str) -> None:
    assert storable_text(text) == shown


@given(HOSTILE)
def test_the_byte_check_never_misses_a_value_the_rule_changes(text: str) -> None:
    """Stored states come from the library's JSON (stdlib, ensure_ascii off) or orjson."""
    if storable_text(text) != text:
        for encoded in (
            json.dumps({"v": text}, ensure_ascii=False).encode(),
            json.dumps({"v": text}).encode(),
            orjson.dumps({"v": text}),
        ):
            assert may_hold_unstorable(encoded)


def test_nested_values_and_keys_are_made_storable() -> None:
    value = {"a\x00": ["x\x1b", {"b": "\u202e"}], "n": 3, "none": None}
    assert storable(value) == {"a\\u0000": ["x\\u001b", {"b": "\\u202e"}], "n": 3, "none": None}


def _read_back(cell: str) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow([cell])
    [[read]] = list(csv.reader(io.StringIO(buffer.getvalue())))
    return read


@given(HOSTILE)
@example('=HYPERLINK("http://x")')
@example("@SUM(1)")
@example("\tcmd")
def test_no_csv_cell_starts_a_formula(text: str) -> None:
    cell = _read_back(csv_cell(text))
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r", "\n")) or re.fullmatch(
        r"-?\d+(\.\d+)?", cell
    )
    assert cell in {storable_text(text), "'" + storable_text(text)}
    assert not UNSTORABLE.search(cell)


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+2", "'=1+2"),
        ("+44 20", "'+44 20"),
        ("-cmd", "'-cmd"),
        ("@user", "'@user"),
        ("\t=x", "'\t=x"),
        ("\r=x", "'\n=x"),
        ("-3", "-3"),
        ("2.5", "2.5"),
        (7, "7"),
        (None, ""),
        ("Home care", "Home care"),
    ],
)
def test_formula_prefixes_get_a_quote_and_numbers_do_not(value: object, cell: str) -> None:
    assert csv_cell(value) == cell
