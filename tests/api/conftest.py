"""Builders shared by the API tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

NewComplaint = Callable[..., dict[str, Any]]


def _new_complaint(organisation: str, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "organisation": organisation,
        "regime": "england-2009",
        "kind": "complaint",
        "channel": "email",
        "received_at": "2026-06-01T09:00:00Z",
        "subjects": ["home care"],
        "about": {"organisation": "Brightwater Home Care Ltd", "service": "Home care"},
        "complainant": {"name": "Pat Example"},
        "summary": "Carers missed three visits",
    }
    return {**body, **changes}


@pytest.fixture(scope="session")
def new_complaint() -> NewComplaint:
    """`new_complaint(organisation, **changes)`: a valid new complaint's body, fields replaced."""
    return _new_complaint
