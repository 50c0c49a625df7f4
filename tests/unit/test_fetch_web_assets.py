"""scripts/fetch_web_assets.py places a package's listed files only when its tarball is the
pinned one (sha512, as npm's `dist.integrity`), and knows when they are already in place."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path
from types import ModuleType

import pytest

from tests.script_modules import load_script


@pytest.fixture(scope="module")
def fetcher() -> ModuleType:
    return load_script("fetch_web_assets")


def tarball(folder: Path, files: dict[str, bytes]) -> Path:
    path = folder / "package.tgz"
    with tarfile.open(path, "w:gz") as archive:
        for name, content in files.items():
            member = tarfile.TarInfo(f"package/{name}")
            member.size = len(content)
            archive.addfile(member, io.BytesIO(content))
    return path


def pin(fetcher: ModuleType, destination: Path, integrity: str) -> object:
    return fetcher.Pin(
        name="example",
        version="1.0.0",
        integrity=integrity,
        destination=destination,
        files=("package.json", "dist/example.min.css"),
        tests_only=False,
    )


def test_the_pinned_tarball_is_placed_flat_with_only_the_listed_files(
    fetcher: ModuleType, tmp_path: Path
) -> None:
    archive = tarball(
        tmp_path,
        {"package.json": b"{}", "dist/example.min.css": b"a{}", "dist/font.woff2": b"font"},
    )
    example = pin(fetcher, tmp_path / "out", fetcher.sha512_integrity(archive))
    assert not fetcher.up_to_date(example)
    fetcher.verify(example, archive)
    fetcher.place(example, archive)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        ".integrity",
        "example.min.css",
        "package.json",
    ]
    assert fetcher.up_to_date(example)
    (tmp_path / "out" / "example.min.css").unlink()
    assert not fetcher.up_to_date(example)


def test_another_tarball_is_refused_and_nothing_placed(fetcher: ModuleType, tmp_path: Path) -> None:
    archive = tarball(tmp_path, {"package.json": b"{}", "dist/example.min.css": b"a{}"})
    (tmp_path / "other").mkdir()
    pinned = fetcher.sha512_integrity(tarball(tmp_path / "other", {"package.json": b"other"}))
    example = pin(fetcher, tmp_path / "out", pinned)
    with pytest.raises(fetcher.AssetError, match="not the pinned"):
        fetcher.verify(example, archive)
    assert not (tmp_path / "out").exists()


def test_the_pins_name_every_package_the_web_needs(fetcher: ModuleType) -> None:
    pins = {p.name: p for p in fetcher.load_pins()}
    assert set(pins) == {"govuk-frontend", "swagger-ui-dist", "axe-core"}
    assert pins["govuk-frontend"].version == "6.3.0"  # what govuk-frontend-jinja 4.1.0 matches
    assert all(p.integrity.startswith("sha512-") for p in pins.values())
    assert not any("fonts" in file for file in pins["govuk-frontend"].files)
    assert [p.name for p in pins.values() if p.tests_only] == ["axe-core"]
