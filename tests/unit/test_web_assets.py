"""The asset catalogue serves exactly the files present, under versions that change with them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from complaints_ledger.web.assets import UNFETCHED, load_catalogue


def static_root(tmp_path: Path, *, govuk: bool = True) -> Path:
    app = tmp_path / "app"
    app.mkdir()
    (app / "site.css").write_text("body {}")
    (app / ".hidden.css").write_text("x")
    (app / "notes.txt").write_text("not a served type")
    if govuk:
        folder = tmp_path / "govuk"
        folder.mkdir()
        (folder / "package.json").write_text(json.dumps({"version": "6.3.0"}))
        (folder / "govuk-frontend.min.css").write_text("")
    return tmp_path


def test_npm_bundles_are_versioned_by_their_package(tmp_path: Path) -> None:
    catalogue = load_catalogue(static_root(tmp_path))
    assert catalogue.url("govuk-frontend", "govuk-frontend.min.css") == (
        "/assets/govuk-frontend/6.3.0/govuk-frontend.min.css"
    )
    assert catalogue.file("govuk-frontend", "6.3.0", "govuk-frontend.min.css") is not None
    assert catalogue.file("govuk-frontend", "6.2.0", "govuk-frontend.min.css") is None
    with pytest.raises(KeyError):
        catalogue.url("govuk-frontend", "missing.css")


def test_the_app_bundle_is_versioned_by_its_contents(tmp_path: Path) -> None:
    root = static_root(tmp_path)
    before = load_catalogue(root).url("app", "site.css")
    (root / "app" / "site.css").write_text("body { margin: 0 }")
    after = load_catalogue(root).url("app", "site.css")
    assert before != after
    assert sorted(load_catalogue(root).bundles["app"].files) == ["site.css"]


def test_an_unfetched_bundle_still_renders_urls_that_are_not_found(tmp_path: Path) -> None:
    catalogue = load_catalogue(static_root(tmp_path, govuk=False))
    url = catalogue.url("govuk-frontend", "govuk-frontend.min.css")
    assert url == f"/assets/govuk-frontend/{UNFETCHED}/govuk-frontend.min.css"
    assert catalogue.file("govuk-frontend", UNFETCHED, "govuk-frontend.min.css") is None
