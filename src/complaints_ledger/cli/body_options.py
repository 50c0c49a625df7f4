"""Command-line options made from a pydantic body, so the CLI takes exactly what the API takes.

A field becomes `--field-name` (a nested model's fields `--model-field`, a list a repeatable
option, a list of models a repeatable option taking one JSON object each, a flag for a
yes/no). The values go to the body's own validation, the input policy the
API applies; a refusal names the option, and nothing runs.
"""

from __future__ import annotations

import json
import types
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from inspect import Parameter
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin

import typer
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from complaints_ledger.cli.errors import fail

PREFIX = "body__"
M = TypeVar("M", bound=BaseModel)
METAVARS: dict[Any, str] = {str: "TEXT", int: "N", date: "YYYY-MM-DD", datetime: "INSTANT"}


@dataclass(frozen=True)
class BodyOption:
    path: tuple[str, ...]  # the field, and the fields it is nested in
    kind: Any  # the field's type, without None
    many: bool
    description: str | None
    required: bool

    @property
    def flag(self) -> str:
        return "--" + "-".join(self.path).replace("_", "-")

    @property
    def name(self) -> str:
        return PREFIX + "__".join(self.path)

    def parameter(self) -> Parameter:
        """A keyword parameter typer reads as this option."""
        if self.kind is bool and not self.many:
            negative = self.flag.replace("--", "--no-", 1)
            option = typer.Option(f"{self.flag}/{negative}", help=self._help(), show_default=False)
            return keyword(self.name, Annotated[bool | None, option])
        option = typer.Option(self.flag, metavar=self._metavar(), help=self._help())
        kind = list[str] | None if self.many else str | None
        return keyword(self.name, Annotated[kind, option])

    def _metavar(self) -> str:
        if _is_model(self.kind):
            return "JSON"
        if isinstance(self.kind, type) and issubclass(self.kind, Enum):
            return "[" + "|".join(str(member.value) for member in self.kind) + "]"
        return METAVARS.get(self.kind, "VALUE")

    def _help(self) -> str:
        parts = [self.description or ""]
        if self.many:
            parts.append("(repeat for each)")
        if self.required:
            parts.append("(required)")
        return " ".join(part for part in parts if part)


def keyword(name: str, annotation: Any, default: Any = None) -> Parameter:
    return Parameter(name, Parameter.KEYWORD_ONLY, default=default, annotation=annotation)


def body_options(model: type[BaseModel], within: tuple[str, ...] = ()) -> Iterator[BodyOption]:
    for name, field in model.model_fields.items():
        kind, many = _shape(field)
        path = (*within, name)
        if _is_model(kind) and not many:
            yield from body_options(kind, path)
        else:
            yield BodyOption(path, kind, many, field.description, _required(field, within))


def parse_body(model: type[M], values: Mapping[str, Any]) -> M:
    """The body from the options given; `fail` naming the option for anything refused."""
    document: dict[str, Any] = _required_models(model)
    for option in body_options(model):
        value = values.get(option.name)
        if value is None or (option.many and not value):
            continue
        if option.many and _is_model(option.kind):
            value = [_json_object(option, item) for item in value]
        _put(document, option.path, list(value) if option.many else value)
    # A body may say how its options read on a command line (e.g. one value or a list).
    document = getattr(model, "from_command_line", lambda given: given)(document)
    try:
        return model.model_validate(document)
    except ValidationError as error:
        first = error.errors()[0]
        where = tuple(str(part) for part in first["loc"] if isinstance(part, str))
        flag = "--" + "-".join(where).replace("_", "-")
        fail(f"{flag}: {first['msg']} (field: {'.'.join(where)})")


def _is_model(kind: Any) -> bool:
    return isinstance(kind, type) and issubclass(kind, BaseModel)


def _json_object(option: BodyOption, text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        fail(f"{option.flag}: not a JSON object ({error.msg}) (field: {'.'.join(option.path)})")


def _shape(field: FieldInfo) -> tuple[Any, bool]:
    kind = field.annotation
    if get_origin(kind) in (Union, types.UnionType):
        kind = next(arg for arg in get_args(kind) if arg is not type(None))
    many = get_origin(kind) is list
    if many:
        kind = get_args(kind)[0]
    if get_origin(kind) is Annotated:
        kind = get_args(kind)[0]
    return kind, many


def _required(field: FieldInfo, within: tuple[str, ...]) -> bool:
    return field.is_required() and not within


def _required_models(model: type[BaseModel]) -> dict[str, Any]:
    """Empty objects for required nested models, so a missing part is named by its option."""
    return {
        name: _required_models(kind)
        for name, field in model.model_fields.items()
        for kind, _ in [_shape(field)]
        if field.is_required() and isinstance(kind, type) and issubclass(kind, BaseModel)
    }


def _put(document: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for part in path[:-1]:
        document = document.setdefault(part, {})
    document[path[-1]] = value
