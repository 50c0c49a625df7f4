"""Builders shared by the API tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from complaints_ledger.api.app import create_app
from complaints_ledger.settings import Settings
from tests.builders import complaint_body
from tests.learning_cases import tell_learning_story

NewComplaint = Callable[..., dict[str, Any]]


@pytest.fixture(scope="session")
def new_complaint() -> NewComplaint:
    """`new_complaint(organisation, **changes)`: a valid new complaint's body, fields replaced."""
    return complaint_body


@pytest.fixture
def web_client(store_url: str, tmp_path: Path) -> Iterator[TestClient]:
    """The app on each store, as a browser on this machine reaches it (cookies kept)."""
    settings = Settings(store=store_url, signing_key_file=tmp_path / "no-key.pem")
    with TestClient(
        create_app(settings, background_sealing=False), base_url="http://localhost"
    ) as client:
        yield client


@pytest.fixture
def lessons_told(store_url: str) -> dict[str, UUID]:
    """The learning story's cases by name (tests/learning_cases.py), told on each store."""
    return tell_learning_story(store_url)
