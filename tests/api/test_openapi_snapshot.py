"""The OpenAPI document may only grow: the snapshot was taken before the command catalogue."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from complaints_ledger.api import create_app
from complaints_ledger.settings import Settings

SNAPSHOT = Path(__file__).with_name("openapi_before_catalogue.json")


def removals(before: Any, after: Any, where: str = "") -> list[str]:
    """Where `after` lost or changed something of `before`; keys added to objects are allowed,
    and so are optional parameters added to an operation's `parameters`."""
    old, new = by_name(before), by_name(after)
    if old is not None and new is not None:
        return parameter_removals(old, new, where)
    if isinstance(before, dict) and isinstance(after, dict):
        return [
            problem
            for key, value in before.items()
            for problem in (
                removals(value, after[key], f"{where}/{key}")
                if key in after
                else [f"{where}/{key} is gone"]
            )
        ]
    return [] if before == after else [f"{where}: {before!r} became {after!r}"]


def by_name(value: Any) -> dict[str, Any] | None:
    """A list of parameters keyed by where and what they are (`header Purpose`), else None."""
    if not isinstance(value, list) or not value:
        return None
    if not all(isinstance(p, dict) and {"in", "name"} <= p.keys() for p in value):
        return None
    return {f"{p['in']} {p['name']}": p for p in value}


def parameter_removals(old: dict[str, Any], new: dict[str, Any], where: str) -> list[str]:
    """Every old parameter kept unchanged; a new one only if a client may leave it out."""
    kept = removals(old, {key: new[key] for key in old.keys() & new.keys()}, where)
    added = sorted(key for key in new.keys() - old.keys() if new[key].get("required"))
    return kept + [f"{where}/{key} is new and required" for key in added]


def test_the_openapi_document_only_adds_to_the_snapshot(tmp_path: Path) -> None:
    app = create_app(Settings(store=f"sqlite:///{tmp_path / 'ledger.db'}"))
    before = json.loads(SNAPSHOT.read_text())
    assert removals(before, app.openapi()) == []


def test_the_comparison_notices_a_changed_operation() -> None:
    before = {"paths": {"/a": {"post": {"operationId": "a"}}}}
    assert removals(before, {"paths": {"/a": {"post": {"operationId": "b"}}, "/b": {}}}) != []
    assert removals(before, {"paths": {}}) == ["/paths//a is gone"]
    assert removals(before, {"paths": {"/a": {"post": {"operationId": "a", "x": 1}}}}) == []


def test_the_comparison_allows_only_optional_new_parameters() -> None:
    kept = {"in": "header", "name": "If-Match", "required": False}
    before = {"paths": {"/a": {"post": {"parameters": [kept]}}}}
    optional = {"in": "header", "name": "Purpose", "required": False}
    assert removals(before, {"paths": {"/a": {"post": {"parameters": [optional, kept]}}}}) == []
    required = {**optional, "required": True}
    assert removals(before, {"paths": {"/a": {"post": {"parameters": [kept, required]}}}}) == [
        "/paths//a/post/parameters/header Purpose is new and required"
    ]
    assert removals(before, {"paths": {"/a": {"post": {"parameters": [optional]}}}}) == [
        "/paths//a/post/parameters/header If-Match is gone"
    ]
