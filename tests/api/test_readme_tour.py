"""The README's HTTP tour, run as it is written: the `make demo` steps from the Makefile in a
fresh folder, a real server on a free loopback port, then the tour's shell block pasted after the
`export` lines that `token demo` printed. Each request's HTTP status is checked, and what a
reader is told to look for (acknowledged on time, the case found as of the earlier instant)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.local_servers import free_port, stop_server, wait_ready

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
TOUR_HEADING = "## The HTTP API in five requests"
EXPORT_LINE = re.compile(r"^\s+(export [A-Z_]+_TOKEN=\S+)$", re.MULTILINE)
# Stands in for curl: sends each request to the test's port instead of 8000 (the URL and
# everything else as written), and keeps each status line and body for the test to read.
CURL_SHIM = """#!/bin/sh
n=$(( $(ls "$TOUR_LOG" | wc -l) / 2 ))  # a .head and a .body per request so far
"$REAL_CURL" --connect-to "localhost:8000:127.0.0.1:$TOUR_PORT" \\
  -D "$TOUR_LOG/$n.head" -o "$TOUR_LOG/$n.body" "$@"
status=$?
cat "$TOUR_LOG/$n.body"
exit $status
"""


def tour_block() -> str:
    readme = (ROOT / "README.md").read_text()
    section = readme.split(TOUR_HEADING, 1)[1]
    return section.split("```sh\n", 1)[1].split("\n```", 1)[0]


def demo_recipe() -> list[str]:
    """The shell lines of the Makefile's `demo` target, with $(BIN) made this venv's bin."""
    recipe = (ROOT / "Makefile").read_text().split("\ndemo:", 1)[1].split("\n\n", 1)[0]
    lines = [line.strip() for line in recipe.splitlines()[1:] if line.startswith("\t")]
    return [line.replace("$(BIN)", str(BIN)) for line in lines]


def fresh_env(folder: Path) -> dict[str, str]:
    """The environment of someone who just cloned: no COMPLAINTS_LEDGER_ settings at all."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMPLAINTS_LEDGER_")}
    return {**env, "COMPLAINTS_LEDGER_LOG_LEVEL": "WARNING", "PWD": str(folder)}


@pytest.fixture
def demo_server(tmp_path: Path) -> Iterator[tuple[int, str]]:
    """The `make demo` steps in a fresh folder; yields (port, what `token demo` printed)."""
    *steps, serve = demo_recipe()
    assert serve.endswith("complaints-ledger serve"), serve
    env = fresh_env(tmp_path)
    printed = ""
    for step in steps:
        done = subprocess.run(  # noqa: S602 - the Makefile's own lines
            step, shell=True, cwd=tmp_path, env=env, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, (step, done.stdout, done.stderr)
        printed += done.stdout
    port = free_port()
    log = (tmp_path / "server.log").open("wb")
    server = subprocess.Popen(  # noqa: S602
        f"{serve} --port {port}", shell=True, cwd=tmp_path, env=env, stdout=log, stderr=log
    )
    try:
        wait_ready(f"http://127.0.0.1:{port}", server, tmp_path / "server.log")
        yield port, printed
    finally:
        stop_server(server)
        log.close()


def run_tour(port: int, exports: list[str], folder: Path) -> list[tuple[int, Any]]:
    real_curl, bash = shutil.which("curl"), shutil.which("bash")
    if real_curl is None or bash is None:
        pytest.skip("the README tour needs curl and bash")
    shim_dir, requests = folder / "shim", folder / "requests"
    shim_dir.mkdir()
    requests.mkdir()
    (shim_dir / "curl").write_text(CURL_SHIM)
    (shim_dir / "curl").chmod(0o755)
    env = {
        **fresh_env(folder),
        "PATH": f"{shim_dir}{os.pathsep}{os.environ['PATH']}",
        "REAL_CURL": real_curl,
        "TOUR_PORT": str(port),
        "TOUR_LOG": str(requests),
    }
    script = "\n".join(["set -euo pipefail", *exports, tour_block()])
    ran = subprocess.run(  # noqa: S603
        [bash, "-c", script], cwd=folder, env=env, capture_output=True, text=True, check=False
    )
    assert ran.returncode == 0, (ran.stdout, ran.stderr)
    count = len(list(requests.glob("*.head")))
    return [
        (
            int((requests / f"{n}.head").read_text().split()[1]),
            json.loads((requests / f"{n}.body").read_text()),
        )
        for n in range(count)
    ]


def deadline(case: dict[str, Any], name: str) -> dict[str, Any]:
    [found] = [d for d in case["deadlines"] if d["name"] == name]
    return found


def test_the_readme_tour_runs_as_written(demo_server: tuple[int, str], tmp_path: Path) -> None:
    port, printed = demo_server
    exports = EXPORT_LINE.findall(printed)
    assert any(line.startswith("export OFFICER_TOKEN=") for line in exports), printed
    answers = run_tour(port, exports, tmp_path)
    assert [status for status, _ in answers] == [201, 200, 200, 200, 200]
    (_, created), (_, acknowledged), (_, case), (_, before), (_, board) = answers
    assert acknowledged["status"] == "acknowledged"
    assert deadline(acknowledged, "acknowledgement")["status"] == "met"  # on time, any day
    assert case["id"] == created["id"]
    assert case["version"] == 2
    assert (before["version"], before["status"]) == (1, "received")
    assert deadline(before, "acknowledgement")["status"] == "open"
    assert {row["organisation"] for row in board["rows"]} == {"Northshire County Council"}
    assert board["totals"]["overall"]["received"] > 0
