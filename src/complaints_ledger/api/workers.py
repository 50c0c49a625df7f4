"""Entry point of each API worker process under `serve --workers N`.

uvicorn starts every worker as a fresh process that imports this factory; the settings reach it
through the environment, which `serve` fills from its own resolved settings before starting them.
Sealing runs once, in the supervising process, not in each worker.
"""

from __future__ import annotations

import json
import os

from fastapi import FastAPI
from pydantic import SecretStr

from complaints_ledger.access import TokenStore
from complaints_ledger.api.app import create_app
from complaints_ledger.application.ledger import ComplaintsLedger
from complaints_ledger.integrity.log_sealer import LogSealer
from complaints_ledger.log_setup import configure_logging
from complaints_ledger.persistence.view_db import ViewDatabase
from complaints_ledger.settings import Settings

ENV_PREFIX = "COMPLAINTS_LEDGER_"


def export_settings(settings: Settings) -> None:
    """Put every setting into this process's environment, for the workers it starts. A setting
    that is not set (None) is left unset, so that the workers take it as unset too; a secret
    goes as itself, not as its masked form."""
    for name, dumped in settings.model_dump(mode="json").items():
        variable = f"{ENV_PREFIX}{name.upper()}"
        raw = getattr(settings, name)
        if raw is None:
            os.environ.pop(variable, None)
            continue
        value = raw.get_secret_value() if isinstance(raw, SecretStr) else dumped
        os.environ[variable] = value if isinstance(value, str) else json.dumps(value)


def prepare_store(settings: Settings) -> None:
    """Create the store's tables and keyring once, before the workers start, rather than have
    every worker race to create them."""
    ComplaintsLedger(settings).close()
    TokenStore.for_settings(settings).close()
    db = ViewDatabase(settings.store_url)
    try:
        LogSealer(db)
    finally:
        db.close()


def create_worker_app() -> FastAPI:
    settings = Settings()
    configure_logging(settings.log_level, settings.log_format)
    return create_app(settings, background_sealing=False, serving_process=True)
