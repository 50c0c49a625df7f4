"""The app's own stylesheets are well formed: a rule left open swallows every rule after it
(the browser reads them as nested selectors that match nothing), so the pages lose their
styles with no error anywhere. Merges of stylesheets have done exactly that."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

STYLESHEETS = sorted(
    (Path(__file__).parents[2] / "src/complaints_ledger/web/static/app").glob("*.css")
)
COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)


def open_rules(css: str) -> list[str]:
    """Each place a rule opens inside another rule (only @-rules such as @media may hold
    rules), and anything still open at the end."""
    problems: list[str] = []
    stack: list[str] = []  # "@" for an @-rule's block, "rule" for a style rule's
    for number, line in enumerate(COMMENT.sub("", css).splitlines(), start=1):
        for char in line:
            if char == "{":
                if stack and stack[-1] == "rule":
                    problems.append(f"line {number}: {line.strip()!r} opens inside a rule")
                stack.append("@" if line.lstrip().startswith("@") else "rule")
            elif char == "}":
                if not stack:
                    problems.append(f"line {number}: a '}}' closes nothing")
                else:
                    stack.pop()
    problems.extend(f"{kind} block never closed" for kind in stack)
    return problems


@pytest.mark.parametrize("stylesheet", STYLESHEETS, ids=lambda path: path.name)
def test_every_rule_is_closed_before_the_next_opens(stylesheet: Path) -> None:
    assert open_rules(stylesheet.read_text(encoding="utf-8")) == []


def test_an_unclosed_rule_is_found() -> None:
    assert open_rules(".a {\n  color: red;\n.b {\n  color: blue;\n}\n") == [
        "line 3: '.b {' opens inside a rule",
        "rule block never closed",
    ]
