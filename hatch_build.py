"""Refuses to build a wheel that would serve unstyled pages: the web interface's npm files
(placed by `make assets`, gitignored) must be there. Editable installs need no check."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

STATIC = Path("src/complaints_ledger/web/static")
REQUIRED = (
    "govuk/govuk-frontend.min.css",
    "govuk/govuk-frontend.min.js",
    "swagger-ui/swagger-ui-bundle.js",
)


class WebAssetsPresent(BuildHookInterface):
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:  # noqa: ARG002 - the interface's signature
        if version == "editable":
            return
        missing = [name for name in REQUIRED if not (Path(self.root) / STATIC / name).is_file()]
        if missing:
            raise RuntimeError(
                f"web assets missing ({', '.join(missing)}): run `make assets` before building"
            )
