"""Fetch the web interface's pinned npm packages (web-assets.toml) and place their files.

    python scripts/fetch_web_assets.py           fetch what is missing or out of date
    python scripts/fetch_web_assets.py --force   fetch everything again
    python scripts/fetch_web_assets.py --served-only   skip the test-only packages (the image)

Each package is fetched with `npm pack NAME@VERSION` into a temporary folder; its tarball's
sha512 must equal the pinned `integrity` (the registry's `dist.integrity`), or nothing is placed.
Only the listed files are copied, flat, into the package's `destination`, which this script owns:
it is emptied first, and a `.integrity` file written last marks it complete. Standard library
only, so it runs before the virtual environment exists.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PINS_FILE = ROOT / "web-assets.toml"
MARKER = ".integrity"
TARBALL_ROOT = "package/"  # npm packs every file under this folder


class AssetError(Exception):
    """A package could not be fetched, or its tarball is not the pinned one."""


@dataclass(frozen=True)
class Pin:
    name: str
    version: str
    integrity: str
    destination: Path
    files: tuple[str, ...]
    tests_only: bool

    @property
    def spec(self) -> str:
        return f"{self.name}@{self.version}"


def load_pins(path: Path = PINS_FILE) -> list[Pin]:
    table = tomllib.loads(path.read_text())
    return [
        Pin(
            name=name,
            version=entry["version"],
            integrity=entry["integrity"],
            destination=ROOT / entry["destination"],
            files=tuple(entry["files"]),
            tests_only=bool(entry.get("tests_only", False)),
        )
        for name, entry in table.items()
    ]


def up_to_date(pin: Pin) -> bool:
    marker = pin.destination / MARKER
    if not marker.is_file() or marker.read_text().strip() != pin.integrity:
        return False
    return all((pin.destination / Path(file).name).is_file() for file in pin.files)


def npm_pack(pin: Pin, folder: Path) -> Path:
    npm = shutil.which("npm")
    if npm is None:
        raise AssetError("npm not found: install Node.js and npm (apt-get install -y npm)")
    done = subprocess.run(  # noqa: S603 - npm from PATH, a spec from the pinned file
        [npm, "pack", pin.spec, "--pack-destination", str(folder), "--json", "--silent"],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise AssetError(f"npm pack {pin.spec} failed: {done.stderr.strip()}")
    filename = json.loads(done.stdout)[0]["filename"]
    return folder / filename


def sha512_integrity(tarball: Path) -> str:
    digest = hashlib.sha512(tarball.read_bytes()).digest()
    return "sha512-" + base64.b64encode(digest).decode()


def verify(pin: Pin, tarball: Path) -> None:
    found = sha512_integrity(tarball)
    if found != pin.integrity:
        raise AssetError(
            f"{pin.spec}: the tarball's integrity is {found}, not the pinned {pin.integrity}; "
            "nothing was placed"
        )


def place(pin: Pin, tarball: Path) -> None:
    names = [Path(file).name for file in pin.files]
    if len(set(names)) != len(names):
        raise AssetError(f"{pin.spec}: two listed files share a name; they are placed flat")
    shutil.rmtree(pin.destination, ignore_errors=True)
    pin.destination.mkdir(parents=True)
    with tarfile.open(tarball) as archive:
        for file in pin.files:
            member = archive.extractfile(TARBALL_ROOT + file)
            if member is None:
                raise AssetError(f"{pin.spec}: {file} is not a regular file in the package")
            (pin.destination / Path(file).name).write_bytes(member.read())
    (pin.destination / MARKER).write_text(pin.integrity + "\n")


def fetch(pin: Pin) -> None:
    with tempfile.TemporaryDirectory(prefix="web-assets-") as folder:
        tarball = npm_pack(pin, Path(folder))
        verify(pin, tarball)
        place(pin, tarball)
    print(f"web assets: {pin.spec} -> {pin.destination.relative_to(ROOT)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--force", action="store_true", help="fetch even what is up to date")
    parser.add_argument("--served-only", action="store_true", help="skip the test-only packages")
    arguments = parser.parse_args()
    try:
        for pin in load_pins():
            if arguments.served_only and pin.tests_only:
                continue
            if arguments.force or not up_to_date(pin):
                fetch(pin)
    except (AssetError, KeyError) as error:
        print(f"web assets: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
