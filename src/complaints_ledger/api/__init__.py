"""The HTTP API (FastAPI): every command and query of the ledger, with access control and audit."""

from complaints_ledger.api.app import create_app

__all__ = ["create_app"]
