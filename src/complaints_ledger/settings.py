"""Settings, read once from the environment (prefix COMPLAINTS_LEDGER_) and passed down."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from complaints_ledger.persistence.store_url import StoreURL, parse_store_url
from complaints_ledger.readside.as_of_limits import DEFAULT_MAX_BUILDS, DEFAULT_MAX_ROWS, AsOfLimits

DEFAULT_DATA_DIR = Path(".data")
DEFAULT_TOKEN_DAYS = 90
MAX_TOKEN_DAYS = 365
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
SSO_CALLBACK_PATH = "/sign-in/sso/callback"  # web/single_sign_on.py answers there


@dataclass(frozen=True)
class SignInProvider:
    """An OpenID Connect provider staff sign in with (access/openid_connect.py)."""

    issuer: str
    client_id: str
    client_secret: str = field(repr=False)
    redirect_url: str
    email_claim: str
    name: str
    scopes: str
    timeout_seconds: float


def _https_or_loopback(url: str, setting: str) -> str:
    """`url`, refused unless it is https (plain http only on this machine, for tests)."""
    parts = urlsplit(url)
    if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS):
        return url.rstrip("/") if setting == "oidc_issuer" else url
    raise ValueError(f"{setting} must be an https:// URL, not {url!r}")


def _callback(url: str) -> str:
    if urlsplit(url).path != SSO_CALLBACK_PATH:
        raise ValueError(f"oidc_redirect_url must end {SSO_CALLBACK_PATH}, not {url!r}")
    return _https_or_loopback(url, "oidc_redirect_url")


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
    oidc_issuer: str | None = Field(
        default=None,
        description="OpenID Connect single sign-on for the web interface: the identity "
        "provider's issuer URL (Entra ID: https://login.microsoftonline.com/TENANT-ID/v2.0); "
        "unset, only passwords sign in (docs/operations.md#single-sign-on-openid-connect)",
    )
    oidc_client_id: str | None = Field(
        default=None, description="the client (application) id registered with the provider"
    )
    oidc_client_secret: SecretStr | None = Field(
        default=None,
        description="the client secret (from the environment only; or oidc_client_secret_file)",
    )
    oidc_client_secret_file: Path | None = Field(
        default=None, description="a file holding the client secret (never committed)"
    )
    oidc_redirect_url: str | None = Field(
        default=None,
        description="this service's callback registered with the provider: "
        "https://HOST/sign-in/sso/callback",
    )
    oidc_email_claim: str = Field(
        default="email",
        description="the ID token claim that carries the email address of a staff account "
        "(Entra ID: email, or preferred_username)",
    )
    oidc_provider_name: str = Field(
        default="your organisation's account",
        description='the sign-in page\'s button says "Sign in with" this',
    )
    oidc_scopes: str = Field(default="openid email profile", description="scopes asked for")
    oidc_timeout_seconds: float = Field(
        default=5.0, gt=0, le=60, description="longest wait for any one answer of the provider"
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

    @model_validator(mode="after")
    def _single_sign_on_complete(self) -> Settings:
        self.sign_in_provider  # noqa: B018 - refuses half a configuration at start-up
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
    def sign_in_provider(self) -> SignInProvider | None:
        """The OpenID Connect provider staff may sign in with, if one is configured."""
        if self.oidc_issuer is None:
            return None
        missing = [
            name for name in ("oidc_client_id", "oidc_redirect_url") if not getattr(self, name)
        ]
        if missing:
            raise ValueError(f"oidc_issuer is set, so {' and '.join(missing)} must be too")
        return SignInProvider(
            issuer=_https_or_loopback(self.oidc_issuer, "oidc_issuer"),
            client_id=str(self.oidc_client_id),
            client_secret=self._oidc_client_secret(),
            redirect_url=_callback(str(self.oidc_redirect_url)),
            email_claim=self.oidc_email_claim,
            name=self.oidc_provider_name,
            scopes=self.oidc_scopes,
            timeout_seconds=self.oidc_timeout_seconds,
        )

    def _oidc_client_secret(self) -> str:
        if self.oidc_client_secret is not None and self.oidc_client_secret_file is not None:
            raise ValueError("set oidc_client_secret or oidc_client_secret_file, not both")
        if self.oidc_client_secret is not None:
            return self.oidc_client_secret.get_secret_value()
        if self.oidc_client_secret_file is None:
            raise ValueError(
                "oidc_issuer is set, so oidc_client_secret_file (or oidc_client_secret) must be too"
            )
        try:
            secret = self.oidc_client_secret_file.read_text().strip()
        except OSError as error:
            raise ValueError(f"oidc_client_secret_file cannot be read: {error}") from error
        if not secret:
            raise ValueError(f"oidc_client_secret_file {self.oidc_client_secret_file} is empty")
        return secret

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
