"""Form fields made from a command's pydantic body, so the web asks for exactly what the API takes.

Each field's kind follows its type: a yes/no is a pair of radios, an enum radios (a select when
it has many members), a list of enum checkboxes, a day GOV.UK's date input, an instant the date
input with a time, a whole number a numeric text input, a name a text input, free text a
textarea, a list of names a textarea of one per line, a nested model a fieldset of its fields
and a list of models a fieldset per item. Labels come from the field names, hints from their
descriptions, unless a form gives its own `Wording` by field id (a form for the public, or one
whose API descriptions speak of RFC 3339). Input names are the field ids: the path joined with
"-" (`remedies-0-due_on`), so a pydantic error's location names its field.
"""

from __future__ import annotations

import types
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum, StrEnum
from typing import Annotated, Any, Union, get_args, get_origin

from annotated_types import MaxLen
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from complaints_ledger.inputs.text import NAME_MAX

MAX_RADIOS = 6  # more choices than this read better as a select
# The envelope's field, on every body: its API description speaks of RFC 3339.
WORDING = {"occurred_at": ("When it happened", "UK time. Leave it empty for now.")}
DATE_PARTS = ("day", "month", "year")
INSTANT_PARTS = (*DATE_PARTS, "time")


@dataclass(frozen=True)
class Wording:
    """How one form words a field: its label and hint, the error when it is left out, and the
    text of its choices (by value)."""

    label: str
    hint: str | None = None
    missing: str | None = None
    options: Mapping[str, str] = field(default_factory=dict)


Wordings = Mapping[str, Wording]  # by field id


class Kind(StrEnum):
    YES_NO = "yes_no"
    RADIOS = "radios"
    SELECT = "select"
    CHECKBOXES = "checkboxes"
    DATE = "date"
    INSTANT = "instant"
    NUMBER = "number"
    LINE = "line"
    TEXT = "text"
    LINES = "lines"
    GROUP = "group"
    REPEATED = "repeated"


@dataclass(frozen=True)
class FormField:
    """One question of a form. `id` is also its input's name (a date's parts add `-day` ...)."""

    name: str
    id: str
    label: str
    kind: Kind
    required: bool
    hint: str | None = None
    options: tuple[tuple[str, str], ...] = ()  # (value, text) of radios, selects, checkboxes
    initial: tuple[str, ...] = ()  # what the form shows before anything is entered
    model: type[BaseModel] | None = None  # a group's or a repeated item's model
    children: tuple[FormField, ...] = field(default=())
    missing: str | None = None  # the error when it is left out, if not "Enter <label>"

    @property
    def anchor(self) -> str:
        """The id of the field's first input, which the error summary links to."""
        if self.kind in {Kind.DATE, Kind.INSTANT}:
            return f"{self.id}-day"
        if self.kind == Kind.GROUP and self.children:
            return self.children[0].anchor
        if self.kind == Kind.REPEATED:
            return f"{self.id}-0-{next(iter(self.item_model().model_fields))}"
        return self.id

    @property
    def shown_label(self) -> str:
        """The label with "(optional)" when the form may be sent without it."""
        optional = not self.required and not self.initial and self.kind != Kind.CHECKBOXES
        return f"{self.label} (optional)" if optional else self.label

    @property
    def parts(self) -> tuple[str, ...]:
        return INSTANT_PARTS if self.kind == Kind.INSTANT else DATE_PARTS

    def item_model(self) -> type[BaseModel]:
        if self.model is None:  # pragma: no cover - only groups and repeated items have one
            raise TypeError(f"{self.id} has no model")
        return self.model

    def item(self, index: int) -> tuple[FormField, ...]:
        """The fields of item `index` of a repeated field."""
        return tuple(form_fields(self.item_model(), f"{self.id}-{index}"))

    @property
    def item_noun(self) -> str:
        """What one item of a repeated field is called: "Remedies" -> "Remedy"."""
        return singular(self.label)

    def item_label(self, index: int) -> str:
        return f"{self.item_noun} {index + 1}"


def form_fields(
    model: type[BaseModel], prefix: str = "", wording: Wordings | None = None
) -> Iterator[FormField]:
    """The fields of `model`'s form, in the model's order; nested ones under `prefix`."""
    for name, info in model.model_fields.items():
        yield form_field(name, info, f"{prefix}-{name}" if prefix else name, wording or {})


def form_field(
    name: str, info: FieldInfo, field_id: str, wording: Wordings | None = None
) -> FormField:
    annotation = info.annotation
    kind, inner, options = _kind(annotation, info.metadata)
    own = (wording or {}).get(field_id)
    label, hint = WORDING.get(name, (words(name), info.description))
    if own is not None:
        label, hint = own.label, own.hint
        options = tuple((value, own.options.get(value, text)) for value, text in options)
    if kind == Kind.DATE:
        hint = " ".join(filter(None, ["For example, 27 3 2026.", hint]))
    if kind == Kind.INSTANT:
        hint = f"For example, 27 3 2026 and 14:30. {hint}"
    children = tuple(form_fields(inner, field_id, wording)) if kind == Kind.GROUP else ()
    return FormField(
        name=name,
        id=field_id,
        label=label,
        kind=kind,
        required=info.is_required(),
        hint=hint,
        options=options,
        initial=()
        if info.is_required()
        else _initial(info.get_default(call_default_factory=True), kind),
        model=inner if kind in {Kind.GROUP, Kind.REPEATED} else None,
        children=children,
        missing=own.missing if own is not None else None,
    )


def words(name: str) -> str:
    """`response_period_agreed_until` -> "Response period agreed until"."""
    text = name.replace("_", " ").replace("-", " ")
    return text[:1].upper() + text[1:]


def option_text(value: str) -> str:
    """An enum member as a choice reads: `partly_upheld` -> "Partly upheld", `LGSCO` kept."""
    return words(value) if value.islower() or "_" in value else value


def singular(label: str) -> str:
    if label.endswith("ies"):
        return label.removesuffix("ies") + "y"
    return label.removesuffix("s")


def _kind(annotation: Any, metadata: list[Any]) -> tuple[Kind, Any, tuple[tuple[str, str], ...]]:
    """The field's kind, the type inside it (a list's item, a model) and its choices."""
    members = _without_none(annotation)
    if len(members) > 1:  # a choice of shapes (a correction's value): typed as free text
        return Kind.TEXT, str, ()
    (kind,) = members
    base, extra = _unwrapped(kind)
    if get_origin(base) is list:
        item, _ = _unwrapped(get_args(base)[0])
        if _is_enum(item):
            return Kind.CHECKBOXES, item, _choices(item)
        if _is_model(item):
            return Kind.REPEATED, item, ()
        return Kind.LINES, item, ()
    return _single_kind(base, [*metadata, *extra])


def _single_kind(base: Any, metadata: list[Any]) -> tuple[Kind, Any, tuple[tuple[str, str], ...]]:
    if base is bool:
        return Kind.YES_NO, base, (("yes", "Yes"), ("no", "No"))
    if _is_enum(base):
        choices = _choices(base)
        return (Kind.RADIOS if len(choices) <= MAX_RADIOS else Kind.SELECT), base, choices
    if _is_model(base):
        return Kind.GROUP, base, ()
    simple = {datetime: Kind.INSTANT, date: Kind.DATE, int: Kind.NUMBER}
    if base in simple:
        return simple[base], base, ()
    longest = _max_length(metadata)
    return (Kind.LINE if longest is not None and longest <= NAME_MAX else Kind.TEXT), base, ()


def _without_none(annotation: Any) -> list[Any]:
    if get_origin(annotation) in (Union, types.UnionType):
        return [arg for arg in get_args(annotation) if arg is not type(None)]
    return [annotation]


def _unwrapped(annotation: Any) -> tuple[Any, list[Any]]:
    """The type inside any `Annotated[...]` layers, and their metadata."""
    extra: list[Any] = []
    while get_origin(annotation) is Annotated:
        annotation, *more = get_args(annotation)
        extra += more
    return annotation, extra


def _max_length(metadata: list[Any]) -> int | None:
    for item in metadata:
        if isinstance(item, MaxLen):
            return item.max_length
        if isinstance(item, FieldInfo) and (found := _max_length(item.metadata)) is not None:
            return found
    return None


def _is_enum(kind: Any) -> bool:
    return isinstance(kind, type) and issubclass(kind, Enum)


def _is_model(kind: Any) -> bool:
    return isinstance(kind, type) and issubclass(kind, BaseModel)


def _choices(enum: type[Enum]) -> tuple[tuple[str, str], ...]:
    return tuple((str(member.value), option_text(str(member.value))) for member in enum)


def _initial(default: Any, kind: Kind) -> tuple[str, ...]:
    """A default as the form shows it: a yes/no or a choice already made, a number filled in."""
    if default is None or kind in {Kind.GROUP, Kind.REPEATED}:
        return ()
    if isinstance(default, bool):
        return ("yes" if default else "no",)
    if isinstance(default, Enum):
        return (str(default.value),)
    if isinstance(default, list):
        return tuple(str(item.value if isinstance(item, Enum) else item) for item in default)
    text = str(default)
    return (text,) if text else ()
