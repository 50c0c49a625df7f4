"""The OpenAPI document may only grow: the snapshot was taken before the command catalogue."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from complaints_ledger.api import create_app
from complaints_ledger.settings import Settings

SNAPSHOT = Path(__file__).with_name("openapi_before_catalogue.json")


def removals(before: Any, after: Any, where: str = "") -> list[str]:
    """Where `after` lost or changed something of `before`; keys added to objects are allowed."""
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


def test_the_openapi_document_only_adds_to_the_snapshot(tmp_path: Path) -> None:
    app = create_app(Settings(store=f"sqlite:///{tmp_path / 'ledger.db'}"))
    before = json.loads(SNAPSHOT.read_text())
    assert removals(before, app.openapi()) == []


def test_the_comparison_notices_a_changed_operation() -> None:
    before = {"paths": {"/a": {"post": {"operationId": "a"}}}}
    assert removals(before, {"paths": {"/a": {"post": {"operationId": "b"}}, "/b": {}}}) != []
    assert removals(before, {"paths": {}}) == ["/paths//a is gone"]
    assert removals(before, {"paths": {"/a": {"post": {"operationId": "a", "x": 1}}}}) == []
