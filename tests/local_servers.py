"""What the tests that start servers of their own share: a free loopback port, and the local
PostgreSQL binaries (tests/conftest.py's throwaway server, the fault suite's restartable one)."""

from __future__ import annotations

import socket
from pathlib import Path

POSTGRES_BIN_ROOT = Path("/usr/lib/postgresql")


def free_port() -> int:
    """A loopback port nothing listens on now (the kernel's choice)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def postgres_bin_dir(preferred: Path | None = None) -> Path | None:
    """`preferred` if it holds initdb and pg_ctl, else the newest local PostgreSQL that does."""

    def usable(bin_dir: Path) -> bool:
        return (bin_dir / "initdb").is_file() and (bin_dir / "pg_ctl").is_file()

    def version(path: Path) -> tuple[int, ...]:
        return tuple(int(p) for p in path.parent.name.split(".") if p.isdigit())

    if preferred is not None and usable(preferred):
        return preferred
    for bin_dir in sorted(POSTGRES_BIN_ROOT.glob("*/bin"), key=version, reverse=True):
        if usable(bin_dir):
            return bin_dir
    return None
