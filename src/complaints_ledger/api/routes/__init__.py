"""One router per resource. Handlers are thin; their one-line docstrings are OpenAPI summaries."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.routing import APIRoute


class SummaryRoute(APIRoute):
    """An APIRoute whose OpenAPI summary is the first line of its handler's docstring."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        if kwargs.get("summary") is None and endpoint.__doc__:
            kwargs["summary"] = endpoint.__doc__.strip().splitlines()[0].rstrip(".")
        super().__init__(path, endpoint, **kwargs)
