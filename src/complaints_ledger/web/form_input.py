"""What a person entered in a command's form, read into the body's document, and what was wrong.

The document goes to the body's own validation (the API's input policy); a form-only problem (a
date that is not a real date, a time without its date) is named here, by its field, in GOV.UK's
words. A pydantic error's location and a ledger error's field name the field they are about;
one about nothing on the form goes to the error summary only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from complaints_ledger.domain.calendars import UK_TIME_ZONE
from complaints_ledger.web.forms import FormField, Kind

M = TypeVar("M", bound=BaseModel)
Values = Mapping[str, Sequence[str]]  # an input's name -> what was sent (checkboxes: several)
_TIME = re.compile(r"^(\d{1,2})[:.](\d{2})$")
_OMITTED = object()  # nothing entered: the body's default applies, or "required" is reported
MISSING_WORDS = {
    Kind.YES_NO: "Select yes or no",
    Kind.RADIOS: "Select",
    Kind.SELECT: "Select",
    Kind.CHECKBOXES: "Select",
}


class FieldInputError(ValueError):
    """What is wrong with one field's input, as the person should read it."""


@dataclass
class FormErrors:
    """Each field's first error, and the error summary in the order found."""

    by_field: dict[str, str] = field(default_factory=dict)
    summary: list[dict[str, str]] = field(default_factory=list)

    def add(self, text: str, where: FormField | None) -> None:
        if where is None:
            self.summary.append({"text": text})
        elif where.id not in self.by_field:
            self.by_field[where.id] = text
            self.summary.append({"text": text, "href": f"#{where.anchor}"})

    def __bool__(self) -> bool:
        return bool(self.summary)


@dataclass(frozen=True)
class FilledForm:
    """The form's fields (repeated items expanded) and what was entered in them."""

    fields: tuple[FormField, ...]
    values: Values
    counts: Mapping[str, int]  # how many items each repeated field shows
    # For each repeated field, the item each entry of its list came from (empty ones are left
    # out), so that an error about entry 0 is shown by the item it came from.
    positions: dict[str, list[int]] = field(default_factory=dict)

    def index(self) -> dict[str, FormField]:
        """Every field by id, nested and repeated ones included."""
        return {found.id: found for found in self._all(self.fields)}

    def _all(self, fields: Iterable[FormField]) -> Iterable[FormField]:
        for each in fields:
            yield each
            if each.kind == Kind.GROUP:
                yield from self._all(each.children)
            if each.kind == Kind.REPEATED:
                for index in range(self.counts.get(each.id, 1)):
                    yield from self._all(each.item(index))

    def document(self, errors: FormErrors) -> dict[str, Any]:
        return _document(self, self.fields, errors)

    def field_at(self, loc: Sequence[str | int]) -> FormField | None:
        """The field a pydantic location names, or the nearest field containing it (an entry of
        a list of choices: the list)."""
        index, parts = self.index(), self._slots(loc)
        while parts:
            if (found := index.get("-".join(parts))) is not None:
                return found
            parts.pop()
        return None

    def _slots(self, loc: Sequence[str | int]) -> list[str]:
        parts: list[str] = []
        for part in loc:
            slots = self.positions.get("-".join(parts))
            if isinstance(part, int) and slots is not None and part < len(slots):
                part = slots[part]  # noqa: PLW2901 - the entry's item, in place of its position
            parts.append(str(part))
        return parts


def _document(form: FilledForm, fields: Iterable[FormField], errors: FormErrors) -> dict[str, Any]:
    document: dict[str, Any] = {}
    for each in fields:
        try:
            value = _read(form, each, errors)
        except FieldInputError as problem:
            errors.add(str(problem), each)
            continue
        if value is not _OMITTED:
            document[each.name] = value
    return document


def _read(form: FilledForm, each: FormField, errors: FormErrors) -> Any:
    if each.kind == Kind.GROUP:
        nested = _document(form, each.children, errors)
        return nested if _answered(nested) or each.required else _OMITTED
    if each.kind == Kind.REPEATED:
        items = [_document(form, each.item(i), errors) for i in range(form.counts.get(each.id, 1))]
        form.positions[each.id] = [i for i, item in enumerate(items) if item]
        return [item for item in items if item]
    sent = [value.strip() for value in form.values.get(each.id, ())]
    if each.kind == Kind.CHECKBOXES:
        return [value for value in sent if value]
    if each.kind in {Kind.DATE, Kind.INSTANT}:
        return _moment(each, form.values)
    text = next((value for value in sent if value), "")
    if not text:
        return _OMITTED
    return _simple(each, text)


def _answered(document: Any) -> bool:
    """Something was entered: a group holding only empty groups (an optional representative's
    required person, left empty) was not answered."""
    if isinstance(document, dict):
        return any(_answered(value) for value in document.values())
    return True


def _simple(each: FormField, text: str) -> Any:
    if each.kind == Kind.YES_NO:
        return {"yes": True, "no": False}.get(text, text)
    if each.kind == Kind.NUMBER:
        if not re.fullmatch(r"-?\d{1,9}", text):
            raise FieldInputError(f"{each.label} must be a whole number, like 5")
        return int(text)
    if each.kind == Kind.LINES:
        return [line.strip() for line in text.splitlines() if line.strip()]
    return text


def _moment(each: FormField, values: Values) -> Any:
    """A date input's parts as an ISO day, or (with its time) an instant in UK local time."""
    parts = {part: (values.get(f"{each.id}-{part}") or ("",))[0].strip() for part in each.parts}
    if not any(parts.values()):
        return _OMITTED
    missing = [part for part in each.parts if not parts[part]]
    if missing:
        raise FieldInputError(f"{each.label} must include a {' and a '.join(missing)}")
    try:
        day = date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
    except ValueError:
        raise FieldInputError(f"{each.label} must be a real date") from None
    if each.kind == Kind.DATE:
        return day.isoformat()
    return datetime.combine(day, _time_of_day(each, parts["time"]), UK_TIME_ZONE).isoformat()


def _time_of_day(each: FormField, text: str) -> time:
    found = _TIME.match(text)
    try:
        if found is None:
            raise ValueError(text)  # noqa: TRY301 - one message for every malformed time
        return time(int(found.group(1)), int(found.group(2)))
    except ValueError:
        raise FieldInputError(f"{each.label} must have a real time, like 14:30") from None


def validated(
    model: type[M], form: FilledForm, errors: FormErrors, fixed: Mapping[str, Any] | None = None
) -> tuple[M | None, FormErrors]:
    """The body from the form (with the `fixed` fields the form does not ask for), or None
    with every problem named by its field."""
    document = {**form.document(errors), **(fixed or {})}
    document = getattr(model, "from_form", lambda given: given)(document)
    try:
        body = model.model_validate(document)
    except ValidationError as error:
        for item in error.errors():
            where = form.field_at(item["loc"])
            if where is None or where.id not in errors.by_field:
                errors.add(_message(item, where), where)
        return None, errors
    return (None if errors else body), errors


def field_named(form: FilledForm, name: str | None) -> FormField | None:
    """The field a ledger error names (`actor.role` style), if it is on the form."""
    return None if name is None else form.field_at(name.split("."))


def _message(item: Mapping[str, Any], where: FormField | None) -> str:
    text = str(item["msg"])
    if where is None:
        return text
    if item["type"] == "missing" and where.missing is not None:
        return where.missing
    if item["type"] == "missing":
        words = MISSING_WORDS.get(where.kind, "Enter")
        joiner = " for " if where.kind == Kind.YES_NO else " "
        return f"{words}{joiner}{where.label[:1].lower()}{where.label[1:]}"
    text = text.removeprefix("Value error, ").replace("Input should be", "must be")
    return f"{where.label} {text}" if text.startswith("must") else f"{where.label}: {text}"
