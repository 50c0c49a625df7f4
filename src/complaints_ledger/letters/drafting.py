"""Filling a letter template with a case's facts, in a sandbox.

A template is data written by an organisation's manager, so it must never reach Python: it is
rendered by Jinja's `ImmutableSandboxedEnvironment` with more taken away. No attribute or
method of any object can be read (the facts are dicts, read by key: `{{ case.reference }}`);
there are no globals (no `range`, no `namespace`), only a few filters, and no `*`, `**` or `%`
(the ways a short template makes a huge text). Macros, calls, includes, imports, recursive
loops and loops nested more than two deep are refused when the template is read. An unknown
placeholder is an error, not an empty string, and what a template makes is bounded in length.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, nodes
from jinja2.exceptions import SecurityError
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment

from complaints_ledger.letters.facts import SAMPLE_FACTS, Facts

TEMPLATE_MAX = 10_000  # characters of a template
LETTER_MAX = 10_000  # characters of a letter: what send_letter accepts
MAX_LOOP_DEPTH = 2
ALLOWED_FILTERS = frozenset(
    {"capitalize", "default", "first", "join", "last", "length", "lower", "title", "trim", "upper"}
)
REFUSED_NODES: dict[type[nodes.Node], str] = {
    nodes.Macro: "macros",
    nodes.CallBlock: "call blocks",
    nodes.Include: "includes",
    nodes.Import: "imports",
    nodes.FromImport: "imports",
    nodes.Extends: "extends",
    nodes.Block: "blocks",
}


class LetterTemplateError(ValueError):
    """A template that cannot make a letter; `message` says why, for the person editing it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class _LetterEnvironment(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**", "%"})

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:  # noqa: ARG002
        return False  # facts are read by key; no object's attributes or methods

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:  # noqa: ARG002
        raise SecurityError(f"the operator {operator} is not available in letter templates")


def _environment() -> _LetterEnvironment:
    environment = _LetterEnvironment(
        autoescape=False,  # a letter is plain text; the pages escape it when they show it
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.globals.clear()
    environment.filters = {name: environment.filters[name] for name in ALLOWED_FILTERS}
    return environment


ENVIRONMENT = _environment()


@dataclass(frozen=True)
class Draft:
    text: str


def check_template(source: str) -> None:
    """Refuse a template that could not make a letter: too long, not valid, using what the
    sandbox takes away, or naming a fact no case has (tried against the sample facts)."""
    fill(source, SAMPLE_FACTS)


def fill(source: str, facts: Facts) -> str:
    """The letter `source` makes with `facts`; LetterTemplateError says what is wrong."""
    if len(source) > TEMPLATE_MAX:
        raise LetterTemplateError(f"A template has at most {TEMPLATE_MAX} characters")
    if not source.strip():
        raise LetterTemplateError("Enter the template's text")
    try:
        _check_nodes(ENVIRONMENT.parse(source))
        template = ENVIRONMENT.from_string(source)
        return _bounded(template.generate(facts))
    except LetterTemplateError:
        raise
    except TemplateSyntaxError as error:
        raise LetterTemplateError(f"Line {error.lineno}: {error.message}") from None
    except SecurityError as error:
        raise LetterTemplateError(str(error)) from None
    except TemplateError as error:  # an undefined placeholder, a filter it has not got
        raise LetterTemplateError(_plain(error)) from None
    except (TypeError, ValueError, RecursionError) as error:
        raise LetterTemplateError(f"The template cannot be filled in: {error}") from None


def _check_nodes(tree: nodes.Template) -> None:
    for kind, what in REFUSED_NODES.items():
        if tree.find(kind) is not None:
            raise LetterTemplateError(f"Letter templates cannot use {what}")
    for loop in tree.find_all(nodes.For):
        if loop.recursive:
            raise LetterTemplateError("Letter templates cannot use recursive loops")
    if _loop_depth(tree) > MAX_LOOP_DEPTH:
        raise LetterTemplateError(
            f"Loops in a letter template can be nested {MAX_LOOP_DEPTH} deep at most"
        )


def _loop_depth(node: nodes.Node) -> int:
    inner = max((_loop_depth(child) for child in node.iter_child_nodes()), default=0)
    return inner + 1 if isinstance(node, nodes.For) else inner


def _bounded(chunks: Iterator[str]) -> str:
    made: list[str] = []
    length = 0
    for chunk in chunks:
        length += len(chunk)
        if length > LETTER_MAX:
            raise LetterTemplateError(f"The letter would be longer than {LETTER_MAX} characters")
        made.append(chunk)
    return "".join(made)


_UNKNOWN = (
    re.compile(r"^'(?P<name>[^']+)' is undefined$"),
    re.compile(r"^'dict object' has no attribute '(?P<name>[^']+)'$"),
)


def _plain(error: TemplateError) -> str:
    message = str(error.message or error)
    for pattern in _UNKNOWN:
        found = pattern.match(message)
        if found is not None:
            return (
                f"The template names a fact letters do not have: {found['name']} (the facts a "
                "template can use are listed below it)"
            )
    return message
