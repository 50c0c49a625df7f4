"""The files the pages load, served at `/assets/<bundle>/<version>/<file>` with long cache lives.

Three bundles: GOV.UK Frontend and Swagger UI, fetched from npm by `make assets` at the pinned
versions (web-assets.toml), and the app's own few files (committed). The version in each URL is
the package's (read from its package.json) or, for the app's own, a digest of their contents: a
new version is a new URL, so every file can be cached for a year as immutable. Only the files
present when the app starts are served, by exact name: nothing reaches outside the folders.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import structlog
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse

logger = structlog.get_logger(__name__)

STATIC_ROOT = Path(__file__).parent / "static"
NPM_BUNDLES = {"govuk-frontend": "govuk", "swagger-ui": "swagger-ui"}  # bundle -> folder
APP_BUNDLE = "app"
UNFETCHED = "unfetched"
IMMUTABLE = "public, max-age=31536000, immutable"
MEDIA_TYPES = {
    ".css": "text/css",
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".svg": "image/svg+xml",
    ".json": "application/json",
    "": "text/plain",  # LICENSE, NOTICE
}

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class Bundle:
    """One folder of files, served under one version."""

    name: str
    version: str
    files: Mapping[str, Path]

    def url(self, file: str) -> str:
        if self.version != UNFETCHED and file not in self.files:
            raise KeyError(f"no {file} in the {self.name} bundle")
        return f"/assets/{self.name}/{self.version}/{file}"


@dataclass(frozen=True)
class AssetCatalogue:
    bundles: Mapping[str, Bundle]

    def url(self, bundle: str, file: str) -> str:
        """The versioned URL of one file, for the templates."""
        return self.bundles[bundle].url(file)

    def file(self, bundle: str, version: str, file: str) -> Path | None:
        found = self.bundles.get(bundle)
        if found is None or found.version != version:
            return None
        return found.files.get(file)


def load_catalogue(root: Path = STATIC_ROOT) -> AssetCatalogue:
    bundles = {name: _npm_bundle(name, root / folder) for name, folder in NPM_BUNDLES.items()}
    app_files = _servable(root / APP_BUNDLE)
    bundles[APP_BUNDLE] = Bundle(APP_BUNDLE, _digest(app_files), app_files)
    return AssetCatalogue(bundles)


def _npm_bundle(name: str, folder: Path) -> Bundle:
    files = _servable(folder)
    manifest = files.get("package.json")
    if manifest is None:
        logger.warning("web assets missing: pages load unstyled; run `make assets`", bundle=name)
        return Bundle(name, UNFETCHED, {})
    version = str(json.loads(manifest.read_text())["version"])
    return Bundle(name, version, files)


def _servable(folder: Path) -> dict[str, Path]:
    """Every file of a known type directly in the folder, by name (no dot files)."""
    if not folder.is_dir():
        return {}
    return {
        path.name: path
        for path in sorted(folder.iterdir())
        if path.is_file() and not path.name.startswith(".") and path.suffix in MEDIA_TYPES
    }


def _digest(files: Mapping[str, Path]) -> str:
    digest = hashlib.sha256()
    for name, path in sorted(files.items()):
        digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


@router.get("/assets/{bundle}/{version}/{file}")
def asset(request: Request, bundle: str, version: str, file: str) -> FileResponse:
    """One static file; any other version or name is a 404."""
    catalogue: AssetCatalogue = request.app.state.web.assets
    path = catalogue.file(bundle, version, file)
    if path is None:
        raise HTTPException(404)
    return FileResponse(
        path, media_type=MEDIA_TYPES[path.suffix], headers={"Cache-Control": IMMUTABLE}
    )
