"""Shared fixtures: store URLs for SQLite and PostgreSQL, and Hypothesis profiles.

PostgreSQL resolution (session-wide, once per pytest process / xdist worker):

1. ``COMPLAINTS_LEDGER_TEST_POSTGRES`` if set, else ``postgresql://root@127.0.0.1:5432/test``.
2. If that server does not answer, a throwaway server is started from the local
   PostgreSQL binaries (``/usr/lib/postgresql/*/bin``) in a temporary folder on a free
   loopback port, and stopped at the end of the session.
3. If there is still no server: fail under ``CI=true``, skip otherwise.
"""

from __future__ import annotations

import os
import pwd
import secrets
import shlex
import shutil
import subprocess
import tempfile
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from hypothesis import settings
from psycopg import sql

from tests.local_servers import POSTGRES_BIN_ROOT, free_port, postgres_bin_dir

if TYPE_CHECKING:
    from collections.abc import Iterator

pytest_plugins = ["tests.ledger_fixtures"]

POSTGRES_ENV_VAR = "COMPLAINTS_LEDGER_TEST_POSTGRES"
DEFAULT_POSTGRES_URL = "postgresql://root@127.0.0.1:5432/test"
TEST_DATABASE_PREFIX = "cl_test_"
CONNECT_TIMEOUT_SECONDS = 3
PG_CTL_TIMEOUT_SECONDS = 60


# --------------------------------------------------------------------------- Hypothesis

settings.register_profile("dev")
settings.register_profile(
    "ci",
    max_examples=500,
    derandomize=True,
    deadline=None,
    database=None,
    print_blob=True,
)


def _hypothesis_profile() -> str:
    explicit = os.environ.get("HYPOTHESIS_PROFILE")
    if explicit:
        return explicit
    return "ci" if _under_ci() else "dev"


def _under_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


settings.load_profile(_hypothesis_profile())


# --------------------------------------------------------------------------- keyring

KEYRING_ENV_VAR = "COMPLAINTS_LEDGER_KEYRING_FILE"


@pytest.fixture(scope="session", autouse=True)
def session_keyring(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Every ledger a test opens (and every CLI it runs) seals personal data with a keyring made
    for this session, never the working directory's `.data/keyring.json`."""
    path = tmp_path_factory.mktemp("keyring") / "keyring.json"
    with _environment(KEYRING_ENV_VAR, str(path)):
        yield path


@contextmanager
def _environment(name: str, value: str) -> Iterator[None]:
    previous = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = previous


SESSION_SECRET_ENV_VAR = "COMPLAINTS_LEDGER_SESSION_SECRET_FILE"  # noqa: S105 - a variable name


@pytest.fixture(scope="session", autouse=True)
def session_secret_file(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Every app a test makes signs its web session cookies with a secret made for this test
    session, never the working directory's `.data/session-secret`."""
    path = tmp_path_factory.mktemp("sessions") / "session-secret"
    with _environment(SESSION_SECRET_ENV_VAR, str(path)):
        yield path


METRICS_FILE_ENV_VAR = "COMPLAINTS_LEDGER_METRICS_TOKEN_FILE"


@pytest.fixture(scope="session", autouse=True)
def session_metrics_token(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Every app a test makes requires this token for /metrics (see `metrics_auth`)."""
    path = tmp_path_factory.mktemp("metrics") / "metrics-token"
    token = secrets.token_urlsafe(16)
    path.write_text(f"{token}\n")
    with _environment(METRICS_FILE_ENV_VAR, str(path)):
        yield token


@pytest.fixture
def metrics_auth(session_metrics_token: str) -> dict[str, str]:
    """Headers that scrape /metrics."""
    return {"Authorization": f"Bearer {session_metrics_token}"}


# --------------------------------------------------------------------------- markers


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that use a PostgreSQL fixture directly are marked ``postgres`` too."""
    postgres_fixtures = {"postgres_url", "postgres_server_url"}
    for item in items:
        if postgres_fixtures.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.postgres)


# --------------------------------------------------------------------------- PostgreSQL


def _redacted(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def _with_database(url: str, database: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{database}"))


def _reachable(url: str) -> bool:
    try:
        with psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT_SECONDS) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error:
        return False
    return True


@dataclass
class _ThrowawayServer:
    """A PostgreSQL server in a temporary folder, trust auth, superuser ``root``."""

    bin_dir: Path
    base: Path
    port: int
    run_as: str | None  # initdb refuses to run as root: run as this user instead

    @property
    def data_dir(self) -> Path:
        return self.base / "data"

    @property
    def url(self) -> str:
        return f"postgresql://root@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        command = list(args)
        if self.run_as is not None:
            runuser = shutil.which("runuser")
            if runuser is not None:
                command = [runuser, "-u", self.run_as, "--", *command]
            else:
                su = shutil.which("su") or "/bin/su"
                command = [su, self.run_as, "-s", "/bin/sh", "-c", shlex.join(command)]
        return subprocess.run(  # noqa: S603 - fixed binaries, arguments built here
            command,
            check=True,
            capture_output=True,
            text=True,
            timeout=PG_CTL_TIMEOUT_SECONDS,
        )

    def start(self) -> None:
        self._run(
            str(self.bin_dir / "initdb"),
            "-D",
            str(self.data_dir),
            "-A",
            "trust",
            "-U",
            "root",
            "-E",
            "UTF8",
            "--no-locale",
            "--no-sync",
        )
        options = (
            f"-k {shlex.quote(str(self.base))} -p {self.port} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(
            str(self.bin_dir / "pg_ctl"),
            "-D",
            str(self.data_dir),
            "-l",
            str(self.base / "server.log"),
            "-o",
            options,
            "-w",
            "-t",
            str(PG_CTL_TIMEOUT_SECONDS),
            "start",
        )

    def stop(self) -> None:
        with suppress(subprocess.SubprocessError, OSError):
            self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), "-m", "fast", "stop")
        shutil.rmtree(self.base, ignore_errors=True)

    def log_tail(self, lines: int = 20) -> str:
        try:
            text = (self.base / "server.log").read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


def _start_throwaway_server() -> tuple[_ThrowawayServer | None, str]:
    """Start a throwaway server; return it (or None) and a note on what happened."""
    bin_dir = postgres_bin_dir()
    if bin_dir is None:
        return None, f"no initdb/pg_ctl under {POSTGRES_BIN_ROOT}/*/bin"

    run_as: str | None = None
    base = Path(tempfile.mkdtemp(prefix="cl-pg-"))
    if os.geteuid() == 0:
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            shutil.rmtree(base, ignore_errors=True)
            return None, "running as root and there is no 'postgres' user to run initdb"
        os.chown(base, owner.pw_uid, owner.pw_gid)
        run_as = "postgres"

    server = _ThrowawayServer(bin_dir=bin_dir, base=base, port=free_port(), run_as=run_as)
    try:
        server.start()
    except (subprocess.SubprocessError, OSError) as exc:
        detail = getattr(exc, "stderr", "") or ""
        note = f"throwaway server from {bin_dir} failed: {exc} {detail} {server.log_tail()}"
        server.stop()
        return None, note.strip()
    if not _reachable(server.url):
        note = f"throwaway server from {bin_dir} did not answer: {server.log_tail()}"
        server.stop()
        return None, note
    return server, f"throwaway PostgreSQL from {bin_dir} at {server.url}"


def _tell(request: pytest.FixtureRequest, line: str) -> None:
    """Write one line to the terminal, past pytest's output capture."""
    plugins = request.config.pluginmanager
    reporter = plugins.get_plugin("terminalreporter")
    capture = plugins.get_plugin("capturemanager")
    if reporter is None or capture is None:
        return
    with capture.global_and_fixture_disabled():
        reporter.write_line(f"\n{line}")


@pytest.fixture(scope="session")
def postgres_server_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """Base URL of a reachable PostgreSQL server (see the module docstring)."""
    url = os.environ.get(POSTGRES_ENV_VAR) or DEFAULT_POSTGRES_URL
    if _reachable(url):
        yield url
        return

    server, note = _start_throwaway_server()
    if server is not None:
        _tell(request, f"PostgreSQL not reachable at {_redacted(url)}; using {note}")
        try:
            yield server.url
        finally:
            server.stop()
        return

    message = (
        f"PostgreSQL not reachable at {_redacted(url)} ({note}); start it with "
        "`pg_ctlcluster --skip-systemctl-redirect $(pg_lsclusters -h | awk '{print $1}') "
        f"main start` or set {POSTGRES_ENV_VAR}=postgresql://USER@HOST:PORT/DB"
    )
    if _under_ci():
        pytest.fail(f"PostgreSQL tests must run under CI. {message}", pytrace=False)
    pytest.skip(message)


@contextmanager
def _fresh_database(server_url: str) -> Iterator[str]:
    """A fresh, empty database on the server, dropped (even if still in use) afterwards."""
    name = f"{TEST_DATABASE_PREFIX}{secrets.token_hex(8)}"
    identifier = sql.Identifier(name)
    with psycopg.connect(
        server_url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_SECONDS
    ) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(identifier))
    try:
        yield _with_database(server_url, name)
    finally:
        with psycopg.connect(
            server_url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_SECONDS
        ) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(identifier))


@pytest.fixture
def postgres_url(postgres_server_url: str) -> Iterator[str]:
    """URL of a fresh, empty database, dropped (even if still in use) after the test."""
    with _fresh_database(postgres_server_url) as url:
        yield url


# --------------------------------------------------------------------------- SQLite


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """``sqlite:///<tmp_path>/ledger.db``: an absolute path, so four slashes in all."""
    return f"sqlite:///{tmp_path.as_posix()}/ledger.db"


# --------------------------------------------------------------------------- both stores


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
    ]
)
def store_url(request: pytest.FixtureRequest) -> str:
    """Each contract test runs once per store: the SQLite and the PostgreSQL URL."""
    url: str = request.getfixturevalue(f"{request.param}_url")
    return url


@pytest.fixture(
    scope="module",
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
    ],
)
def module_store_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """Like `store_url`, but one store for a whole module (for slow set-ups such as fuzzing)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('store').as_posix()}/ledger.db"
        return
    with _fresh_database(request.getfixturevalue("postgres_server_url")) as url:
        yield url
