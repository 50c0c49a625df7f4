"""Shared by the fault tests: quick or long variants, the ledger's organisations, a complaint
body, and a child process's environment."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from complaints_ledger.integrity.keys import generate_key
from tests.faults.http_load import (
    COUNCIL,
    PROVIDER,
    prepare_store,
)

RECEIVED_TOPIC_SUFFIX = "Complaint.Received"
ACKNOWLEDGED_TOPIC_SUFFIX = "Complaint.Acknowledged"
LONG = os.environ.get("COMPLAINTS_LEDGER_FAULTS", "").lower() == "long"


def long_or_quick(long: Any, quick: Any) -> Any:
    """The long variant's figure under COMPLAINTS_LEDGER_FAULTS=long, else the quick one's."""
    return long if LONG else quick


# --------------------------------------------------------------------------- the ledger


def prepare_ledger(url: str) -> str:
    """Register the council and the provider; return a fresh officer token of the council."""
    return prepare_store(url).officer


def complaint_body(number: int) -> dict[str, Any]:
    return {
        "organisation": COUNCIL,
        "regime": "england-2009",
        "kind": "complaint",
        "channel": "email",
        "received_at": (datetime.now(UTC) - timedelta(minutes=5)).isoformat(),
        "subjects": ["home care"],
        "about": {"organisation": PROVIDER, "service": "home care"},
        "complainant": {"name": f"Person {number}", "email": f"p{number}@example.org"},
        "summary": "Carers missed visits.",
    }


def child_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment of the ledger's processes: a signing key made for the test, the session
    keyring (tests/conftest.py puts it in os.environ), a short seal interval, JSON logs."""
    key = tmp_path / "signing-key.pem"
    if not key.exists():
        generate_key(key)
    env = {
        **os.environ,
        "COMPLAINTS_LEDGER_SIGNING_KEY_FILE": str(key),
        "COMPLAINTS_LEDGER_API_SEAL_SECONDS": "0.5",
        # JSON, as in production (exceptions are logged as data with their frames);
        # COMPLAINTS_LEDGER_FAULTS_LOG_FORMAT=console for readable tracebacks.
        "COMPLAINTS_LEDGER_LOG_FORMAT": os.environ.get(
            "COMPLAINTS_LEDGER_FAULTS_LOG_FORMAT", "json"
        ),
        "COMPLAINTS_LEDGER_LOG_LEVEL": "info",
        "PYTHONUNBUFFERED": "1",
        "COLUMNS": "200",
        **extra,
    }
    env.pop("COMPLAINTS_LEDGER_STORE", None)
    return env
