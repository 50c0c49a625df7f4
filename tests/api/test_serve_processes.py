"""`serve --workers N --threads M`: a real server in several processes over loopback HTTP.

Every worker takes requests on the same port; each acknowledged write is in the store once; one
sealer (in the supervising process) seals and signs every event; SQLite refuses more than one
worker with a clear error.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from typer.testing import CliRunner

from complaints_ledger.api.workers import export_settings
from complaints_ledger.cli.main import app as cli_app
from complaints_ledger.persistence.view_db import POSTGRES_EVENTS_TABLE
from complaints_ledger.settings import Settings
from tests.faults.common import complaint_body
from tests.faults.http_load import prepare_store
from tests.local_servers import serving

REQUESTS = 24


def _officer_token(url: str) -> str:
    return prepare_store(url).officer


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


@pytest.fixture
def served(postgres_url: str, tmp_path: Path) -> Iterator[tuple[str, str, subprocess.Popen[bytes]]]:
    """`serve --workers 2 --threads 2` on a fresh database; yields (base URL, token, server)."""
    token = _officer_token(postgres_url)
    with serving(postgres_url, tmp_path, "--workers", "2", "--threads", "2") as (base, server):
        yield base, token, server


@pytest.mark.postgres
def test_several_workers_serve_reads_and_writes_and_one_sealer_seals_them(
    served: tuple[str, str, subprocess.Popen[bytes]], postgres_url: str, tmp_path: Path
) -> None:
    base, token, server = served
    assert len(_children(server.pid)) >= 2  # the supervisor and its worker processes
    headers = {"Authorization": f"Bearer {token}"}

    def receive_and_read(number: int) -> tuple[int, int, str]:
        with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
            created = client.post("/complaints", json=complaint_body(number))
            case_id = created.json()["id"]
            read = client.get(f"/complaints/{case_id}")
            return created.status_code, read.status_code, read.json()["complainant"]["name"]

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(receive_and_read, range(REQUESTS)))
    assert [(c, r) for c, r, _ in results] == [(201, 200)] * REQUESTS
    assert sorted(name for *_, name in results) == sorted(f"Person {n}" for n in range(REQUESTS))

    with psycopg.connect(postgres_url) as connection:
        row = connection.execute(f"SELECT count(*) FROM {POSTGRES_EVENTS_TABLE}").fetchone()
    assert row is not None
    events = int(row[0])
    deadline = time.monotonic() + 30
    checkpoint: dict[str, Any] = {}
    while time.monotonic() < deadline:
        answer = httpx.get(f"{base}/integrity/checkpoints/latest", timeout=5)
        checkpoint = answer.json() if answer.status_code == 200 else {}
        if checkpoint.get("tree_size", 0) >= events:
            break
        time.sleep(0.3)
    assert checkpoint.get("tree_size") == events, checkpoint
    assert "sealing failed" not in (tmp_path / "server.log").read_text()


def test_more_than_one_worker_on_sqlite_is_refused(sqlite_url: str) -> None:
    result = CliRunner().invoke(cli_app, ["serve", "--workers", "2", "--store", sqlite_url])
    assert result.exit_code == 2, result.output
    assert "need a PostgreSQL store" in result.stderr
    assert "Traceback" not in result.output


def test_the_workers_read_the_same_settings_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    chosen = Settings(
        store="postgresql://writer@db.example:5433/ledger",
        retention_years={"complaint": 7, "concern": 6, "compliment": 2},
        api_threads=3,
        api_workers=5,
        keyring_file=tmp_path / "keys.json",
    )
    for name in list(os.environ):
        if name.startswith("COMPLAINTS_LEDGER_"):
            monkeypatch.delenv(name)
    with monkeypatch.context() as patched:
        for name in Settings.model_fields:
            patched.setenv(f"COMPLAINTS_LEDGER_{name.upper()}", "overwritten by export_settings")
        export_settings(chosen)
        assert Settings() == chosen


SECRET = secrets.token_urlsafe(16)  # made at run time: the test needs a secret, not a real one


def test_the_workers_get_single_sign_on_with_its_secret(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The client secret reaches the workers as itself (a dump masks it), and a setting left
    unset stays unset rather than becoming the text "null"."""
    chosen = Settings(
        store="postgresql://writer@db.example:5433/ledger",
        keyring_file=tmp_path / "keys.json",
        oidc_issuer="https://login.example.org/tenant/v2.0",
        oidc_client_id="complaints-ledger",
        oidc_client_secret=SECRET,
        oidc_redirect_url="https://ledger.example.org/sign-in/sso/callback",
    )
    for name in list(os.environ):
        if name.startswith("COMPLAINTS_LEDGER_"):
            monkeypatch.delenv(name)
    with monkeypatch.context() as patched:
        for name in Settings.model_fields:  # so that leaving the context clears what is exported
            patched.setenv(f"COMPLAINTS_LEDGER_{name.upper()}", "overwritten by export_settings")
        export_settings(chosen)
        assert "COMPLAINTS_LEDGER_OIDC_CLIENT_SECRET_FILE" not in os.environ
        workers = Settings()
        assert workers.sign_in_provider == chosen.sign_in_provider
        assert workers.sign_in_provider is not None
        assert workers.sign_in_provider.client_secret == SECRET


def _raw_exchange(base: str, request: bytes) -> tuple[bytes, bytes]:
    """Send `request` as bytes on a fresh connection; (the response head, what followed until
    the server closed the connection)."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(request)
        received = b""
        while chunk := connection.recv(65536):  # ends only when the server closes
            received += chunk
    head, _, rest = received.partition(b"\r\n\r\n")
    return head, rest


def test_a_request_framed_by_both_content_length_and_chunks_is_refused(
    sqlite_url: str, tmp_path: Path
) -> None:
    token = _officer_token(sqlite_url)
    body = json.dumps(complaint_body(1)).encode()
    chunked = f"{len(body):x}\r\n".encode() + body + b"\r\n0\r\n\r\n"
    request = (
        b"POST /complaints HTTP/1.1\r\nHost: ledger\r\nContent-Type: application/json\r\n"
        + f"Authorization: Bearer {token}\r\nContent-Length: 4\r\n".encode()
        + b"Transfer-Encoding: chunked\r\n\r\n"
        + chunked
    )
    with serving(sqlite_url, tmp_path) as (base, _):
        head, rest = _raw_exchange(base, request)
        listed = httpx.get(
            f"{base}/complaints", headers={"Authorization": f"Bearer {token}"}, timeout=10
        )
    assert head.startswith(b"HTTP/1.1 400 "), head
    assert b"connection: close" in head.lower()
    assert b"x-content-type-options: nosniff" in head.lower()
    assert json.loads(rest)["field"] == "Transfer-Encoding"
    assert listed.status_code == 200, listed.text
    assert listed.json()["items"] == [], "nothing was stored"
