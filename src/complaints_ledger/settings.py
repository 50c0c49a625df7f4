"""Settings, read once from the environment (prefix COMPLAINTS_LEDGER_) and passed down."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from complaints_ledger.persistence.store_url import StoreURL, parse_store_url
from complaints_ledger.readside.as_of_limits import DEFAULT_MAX_BUILDS, DEFAULT_MAX_ROWS, AsOfLimits

DEFAULT_DATA_DIR = Path(".data")
DEFAULT_TOKEN_DAYS = 90
MAX_TOKEN_DAYS = 365


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
    keyring_file: Path = Field(
        default=DEFAULT_DATA_DIR / "keyring.json",
        description="master keys that wrap each data subject's key, and the pseudonym secret "
        "(`complaints-ledger keys init`; see docs/privacy.md)",
    )
    key_cache_seconds: float = Field(
        default=60.0, ge=0, description="how long an unwrapped subject key may stay in memory"
    )
    retention_years: dict[str, int] = Field(
        default={"complaint": 10, "concern": 10, "compliment": 10},
        description="years each kind of case is kept after it is closed or withdrawn",
    )
    as_of_max_builds: int = Field(
        default=DEFAULT_MAX_BUILDS,
        ge=1,
        description="read-model builds as of a past instant kept at once; after a new one the "
        "least recently read are dropped (docs/projections.md)",
    )
    as_of_max_rows: int = Field(
        default=DEFAULT_MAX_ROWS,
        ge=1,
        description="view rows all as-of builds may hold together before the least recently "
        "read are dropped",
    )
    api_seal_seconds: float = Field(
        default=5.0, gt=0, description="How often the API seals new events and signs a checkpoint"
    )
    api_workers: int = Field(
        default=1,
        ge=1,
        le=64,
        description="API server processes (`serve --workers`); more than one needs PostgreSQL",
    )
    api_threads: int = Field(
        default=4,
        ge=1,
        le=256,
        description="requests each API process works on at once (`serve --threads`); more "
        "threads than cores mostly add contention for Python's interpreter lock",
    )
    store_statement_timeout_seconds: int = Field(
        default=30,
        ge=1,
        description="PostgreSQL: longest any one statement of the ledger may run before the "
        "server cancels it",
    )
    store_idle_in_transaction_seconds: int = Field(
        default=10,
        ge=1,
        description="PostgreSQL: a session left idle inside a transaction this long is ended "
        "by the server, so that it cannot hold locks for minutes",
    )
    api_shutdown_seconds: float = Field(
        default=10.0,
        gt=0,
        description="On SIGTERM: how long requests in flight may take to finish; a process whose "
        "threads still wait on the store that long after shutdown exits without them",
    )
    metrics_token_file: Path = Field(
        default=DEFAULT_DATA_DIR / "metrics-token",
        description="a file holding the bearer token that GET /metrics requires (read at each "
        "scrape); while it is missing or empty, /metrics answers 401",
    )
    token_days: int = Field(
        default=DEFAULT_TOKEN_DAYS,
        ge=1,
        description="days an API token lasts when created without --days",
    )
    token_max_days: int = Field(
        default=MAX_TOKEN_DAYS,
        ge=1,
        description="longest an API token may last; a token stored without an expiry (made "
        "before tokens had one) expires this many days after it was created",
    )
    session_secret_file: Path = Field(
        default=DEFAULT_DATA_DIR / "session-secret",
        description="the secret that signs web session cookies (made, readable by its owner "
        "only, when missing; replacing it signs everyone out)",
    )
    session_idle_minutes: int = Field(
        default=30, ge=1, description="a web session ends after this long without a request"
    )
    session_absolute_hours: int = Field(
        default=10, ge=1, description="a web session ends this long after sign-in, however used"
    )
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    log_format: Literal["auto", "json", "console"] = "auto"
    api_max_body_bytes: int = Field(
        default=65536, ge=1, description="largest HTTP request body the API accepts"
    )

    @model_validator(mode="after")
    def _default_token_within_maximum(self) -> Settings:
        if self.token_days > self.token_max_days:
            raise ValueError(
                f"token_days ({self.token_days}) exceeds token_max_days ({self.token_max_days})"
            )
        return self

    @field_validator("log_level", "log_format", mode="before")
    @classmethod
    def _case_insensitive_choice(cls, value: object) -> object:
        # LOG_LEVEL=WARNING is how most tools spell it; accept any case.
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("store")
    @classmethod
    def _store_is_valid(cls, value: str) -> str:
        parse_store_url(value)
        return value

    @property
    def as_of_limits(self) -> AsOfLimits:
        return AsOfLimits(self.as_of_max_builds, self.as_of_max_rows)

    @property
    def store_url(self) -> StoreURL:
        parsed = parse_store_url(self.store)
        if parsed.kind != "postgres":
            return parsed
        limits = {
            "POSTGRES_STATEMENT_TIMEOUT": str(self.store_statement_timeout_seconds),
            "POSTGRES_IDLE_IN_TRANSACTION_SESSION_TIMEOUT": str(
                self.store_idle_in_transaction_seconds
            ),
        }
        return replace(parsed, env={**parsed.env, **limits})
