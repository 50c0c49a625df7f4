"""Settings, read once from the environment (prefix COMPLAINTS_LEDGER_) and passed down."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from complaints_ledger.store import StoreURL, parse_store_url

DEFAULT_DATA_DIR = Path(".data")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="COMPLAINTS_LEDGER_", extra="ignore")

    store: str = Field(
        default=f"sqlite:///{DEFAULT_DATA_DIR / 'ledger.db'}",
        description="sqlite:///path/to/ledger.db or postgresql://user@host:port/db",
    )
    snapshot_interval: int = Field(default=25, ge=0, description="0 disables snapshots")
    signing_key_file: Path = Field(
        default=DEFAULT_DATA_DIR / "signing-key.pem",
        description="Ed25519 private key that signs checkpoints (`complaints-ledger keys init`)",
    )
    api_seal_seconds: float = Field(
        default=5.0, gt=0, description="How often the API seals new events and signs a checkpoint"
    )
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    log_format: Literal["auto", "json", "console"] = "auto"
    api_max_body_bytes: int = Field(
        default=65536, ge=1, description="largest HTTP request body the API accepts"
    )

    @field_validator("store")
    @classmethod
    def _store_is_valid(cls, value: str) -> str:
        parse_store_url(value)
        return value

    @property
    def store_url(self) -> StoreURL:
        return parse_store_url(self.store)
