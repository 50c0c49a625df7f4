"""Builders shared by the API tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.builders import complaint_body

NewComplaint = Callable[..., dict[str, Any]]


@pytest.fixture(scope="session")
def new_complaint() -> NewComplaint:
    """`new_complaint(organisation, **changes)`: a valid new complaint's body, fields replaced."""
    return complaint_body
