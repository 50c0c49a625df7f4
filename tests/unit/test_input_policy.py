"""The input policy (complaints_ledger.inputs): what every text, instant and day must be before the
ledger stores or queries it."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from complaints_ledger.inputs import (
    Day,
    LedgerDay,
    LedgerInstant,
    Name,
    ReportingYear,
    Text,
    TextPolicyError,
    clean_line,
    clean_text,
)
from complaints_ledger.inputs.text import BIDI_CONTROLS, NAME_MAX

FORBIDDEN_EVERYWHERE = ["\x00", "\x1b", "\x7f", "\x85", "\x9b", "\u2028", "\u2029"]
BIDI = sorted(BIDI_CONTROLS)


class Fields(BaseModel):
    name: Name = "x"
    text: Text = "x"
    as_of: LedgerInstant | None = None
    today: LedgerDay | None = None
    day: Day | None = None
    year: ReportingYear = "2026"


def refusal(**values: object) -> dict[str, object]:
    with pytest.raises(ValidationError) as caught:
        Fields.model_validate(values)
    (error,) = caught.value.errors()
    return dict(error)


@pytest.mark.parametrize("char", [*FORBIDDEN_EVERYWHERE, *BIDI, "\n", "\t", "\r"])
def test_a_name_refuses_control_separator_and_bidi_characters(char: str) -> None:
    error = refusal(name=f"Bright{char}water")
    assert error["loc"] == ("name",)
    assert error["type"] == "forbidden_character"
    assert f"U+{ord(char):04X}" in str(error["msg"])
    assert "at position 6" in str(error["msg"])


@pytest.mark.parametrize("char", [*FORBIDDEN_EVERYWHERE, *BIDI, "\t"])
def test_free_text_refuses_the_same_but_keeps_line_breaks(char: str) -> None:
    assert refusal(text=f"first{char}second")["loc"] == ("text",)
    assert Fields(text="one\ntwo").text == "one\ntwo"


def test_a_lone_surrogate_is_refused_by_the_policy_and_by_pydantic() -> None:
    for clean in (clean_line, clean_text):
        with pytest.raises(TextPolicyError, match="U\\+D800"):
            clean("a\ud800b")
    assert refusal(name="a\ud800b")["type"] == "string_unicode"


def test_free_text_turns_crlf_and_lone_cr_into_newlines() -> None:
    assert clean_text("one\r\ntwo\rthree") == "one\ntwo\nthree"


def test_texts_are_nfc_normalised_and_names_stripped() -> None:
    decomposed = "Cafe\u0301 Care"
    assert Fields(name=f"  {decomposed} ").name == "Caf\u00e9 Care"
    assert Fields(text=f" {decomposed}").text == " Caf\u00e9 Care"


def test_lengths_are_bounded_before_and_after_normalising() -> None:
    assert refusal(name="x" * (NAME_MAX + 1))["type"] == "string_too_long"
    # U+0958 is excluded from composition: NFC makes it two code points.
    expanding = "\u0958" * (NAME_MAX // 2 + 1)
    with pytest.raises(TextPolicyError) as caught:
        clean_line(expanding)
    assert caught.value.kind == "too_long"


@given(st.text())
def test_whatever_is_accepted_is_clean_nfc_and_stable(value: str) -> None:
    for clean, line_breaks in ((clean_line, False), (clean_text, True)):
        try:
            cleaned = clean(value)
        except TextPolicyError:
            continue
        assert unicodedata.is_normalized("NFC", cleaned)
        assert clean(cleaned) == cleaned
        assert not BIDI_CONTROLS & set(cleaned)
        assert all(
            unicodedata.category(c) not in {"Cc", "Cs", "Zl", "Zp"} or (line_breaks and c == "\n")
            for c in cleaned
        )


@pytest.mark.parametrize(
    "value",
    [
        "0001-01-01T00:00:00+01:00",
        "9999-12-31T23:59:59-02:00",
        "1999-12-31T23:59:59Z",
        "2100-01-01T00:00Z",
    ],
)
def test_a_queried_instant_is_within_the_ledgers_lifetime(value: str) -> None:
    error = refusal(as_of=value)
    assert (error["loc"], error["type"]) == (("as_of",), "out_of_range")


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("2026-06-01T09:00:00", "instant_timezone"),
        ("1780000000", "instant_format"),
        ("x", "instant_format"),
    ],
)
def test_a_queried_instant_is_rfc_3339_with_a_timezone(value: str, kind: str) -> None:
    assert refusal(as_of=value)["type"] == kind


def test_an_instant_in_range_is_kept_as_given() -> None:
    assert Fields(as_of="2026-06-01T09:00:00+01:00").as_of == datetime.fromisoformat(
        "2026-06-01T09:00:00+01:00"
    )


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "1999-12-31", "2100-01-01"])
def test_a_queried_day_is_within_the_ledgers_lifetime(value: str) -> None:
    assert refusal(today=value)["loc"] == ("today",)
    assert Fields(day="1950-05-01").day == date(1950, 5, 1)  # a recorded fact may be older


@pytest.mark.parametrize("value", ["1999", "2100-01", "9999"])
def test_a_reporting_year_is_within_the_ledgers_lifetime(value: str) -> None:
    assert refusal(year=value)["type"] == "out_of_range"
