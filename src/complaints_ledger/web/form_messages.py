"""A pydantic error about a form's field in GOV.UK's words, by its type and the field's label:
"Full name must be 200 characters or fewer", "Select how it arrived", never pydantic's own
"String should have at most 200 characters". A rule of the ledger's own (a `value_error` or a
custom error such as `out_of_range`) already speaks of the value, and is put after the label.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, get_args

from pydantic_core.core_schema import ErrorType

from complaints_ledger.web.forms import FormField, Kind

Context = Mapping[str, Any]
MISSING_WORDS = {
    Kind.YES_NO: "Select yes or no",
    Kind.RADIOS: "Select",
    Kind.SELECT: "Select",
    Kind.CHECKBOXES: "Select",
}
# A choice the form does not offer: a forged or stale answer, said as when none was made.
NOT_A_CHOICE = {"enum", "literal_error", "bool_parsing", "bool_type"}
WHOLE_NUMBER = "{label} must be a whole number, like 5"
REAL_DATE = "{label} must be a real date"
CORRECT_FORMAT = "Enter {lower} in the correct format"
PLAIN: dict[str, str] = {
    "string_too_long": "{label} must be {max_length:,} characters or fewer",
    "string_too_short": "{label} must be {min_length:,} characters or more",
    "too_long": "{label} must have {max_length} entries or fewer",
    "too_short": "{label} must have at least {min_length} entries",
    "int_parsing": WHOLE_NUMBER,
    "int_type": WHOLE_NUMBER,
    "int_from_float": WHOLE_NUMBER,
    "float_parsing": "{label} must be a number, like 2.5",
    "greater_than": "{label} must be more than {gt}",
    "greater_than_equal": "{label} must be {ge} or more",
    "less_than": "{label} must be less than {lt}",
    "less_than_equal": "{label} must be {le} or less",
    "date_parsing": REAL_DATE,
    "date_type": REAL_DATE,
    "date_from_datetime_parsing": REAL_DATE,
    "date_from_datetime_inexact": REAL_DATE,
    "datetime_parsing": "{label} must be a real date and time",
    "datetime_type": "{label} must be a real date and time",
    "datetime_from_date_parsing": "{label} must be a real date and time",
    "string_pattern_mismatch": CORRECT_FORMAT,
    "uuid_parsing": CORRECT_FORMAT,
    "uuid_type": CORRECT_FORMAT,
    "url_parsing": "Enter {lower} as a web address, like https://example.org",
    "string_type": CORRECT_FORMAT,
    "list_type": CORRECT_FORMAT,
    "dict_type": CORRECT_FORMAT,
    "model_type": CORRECT_FORMAT,
}
# The ledger's own text rules (inputs/text.py), which carry no context: their words, re-read.
AT_MOST = re.compile(r"at most (\d+)")
CONTAINS = re.compile(r"contains (.+?) at position \d+")
ISO_DAY = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
# pydantic's own error types: one without words here is a value of the wrong shape.
PYDANTIC_TYPES = frozenset(get_args(ErrorType)) - {"value_error", "assertion_error"}


def field_message(item: Mapping[str, Any], where: FormField | None) -> str:
    """The message for pydantic error `item`, about field `where` (None: about no field)."""
    text = str(item["msg"]).removeprefix("Value error, ")
    if where is None:
        return text
    kind, context = str(item["type"]), item.get("ctx") or {}
    if kind == "missing" or (kind.endswith("too_short") and context.get("min_length") == 1):
        return missing_message(where)
    if kind in NOT_A_CHOICE:
        return _not_a_choice(where)
    custom = CUSTOM.get(kind)
    if custom is not None and not context:
        return custom(where, text)
    return _by_type(where, kind, context, text)


def _by_type(where: FormField, kind: str, context: Context, text: str) -> str:
    lower = _lower_first(where.label)
    template = PLAIN.get(kind)
    if template is not None:
        return template.format(label=where.label, lower=lower, **context)
    if kind in PYDANTIC_TYPES:
        return CORRECT_FORMAT.format(lower=lower)
    return _after_label(where, text)


def missing_message(where: FormField) -> str:
    if where.missing is not None:
        return where.missing
    words = MISSING_WORDS.get(where.kind, "Enter")
    joiner = " for " if where.kind == Kind.YES_NO else " "
    return f"{words}{joiner}{_lower_first(where.label)}"


def _not_a_choice(where: FormField) -> str:
    if where.missing is not None and where.missing.startswith("Select"):
        return where.missing
    if where.kind == Kind.YES_NO:
        return f"Select yes or no for {_lower_first(where.label)}"
    return f"Select {_lower_first(where.label)}"


def _too_long(where: FormField, text: str) -> str:
    found = AT_MOST.search(text)
    if found is None:  # pragma: no cover - inputs/text.py always says how long at most
        return _after_label(where, text)
    return PLAIN["string_too_long"].format(label=where.label, max_length=int(found[1]))


def _forbidden(where: FormField, text: str) -> str:
    if "line breaks" in text:
        return f"{where.label} must be on one line"
    found = CONTAINS.search(text)
    what = found[1] if found else "that character"
    return f"{where.label} must not contain {what}"


def _after_label(where: FormField, text: str) -> str:
    text = ISO_DAY.sub(_day_in_words, text.replace("Input should be", "must be"))
    return f"{where.label} {text}" if text.startswith("must") else f"{where.label}: {text}"


def _day_in_words(found: re.Match[str]) -> str:
    try:
        day = date(int(found[1]), int(found[2]), int(found[3]))
    except ValueError:
        return found[0]
    return f"{day.day} {day:%B %Y}"


def _lower_first(label: str) -> str:
    """ "Full name" -> "full name"; an initialism ("LGSCO reference") is kept."""
    if len(label) > 1 and label[1].isupper():
        return label
    return label[:1].lower() + label[1:]


CUSTOM: dict[str, Callable[[FormField, str], str]] = {
    "too_long": _too_long,
    "forbidden_character": _forbidden,
}
