# The ledger as an image: `docker compose up --build` (see compose.yaml).

# The web interface's pinned npm files (web-assets.toml), integrity-checked; npm stays here.
FROM python:3.11-slim AS web-assets
RUN apt-get update && apt-get install -y --no-install-recommends npm \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY web-assets.toml ./
COPY scripts/fetch_web_assets.py ./scripts/
RUN python scripts/fetch_web_assets.py --served-only

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

COPY pyproject.toml README.md hatch_build.py ./
COPY src ./src
COPY --from=web-assets /app/src/complaints_ledger/web/static/ ./src/complaints_ledger/web/static/
COPY projections ./projections
# /keys holds the keyring (personal data) and the checkpoint signing key: mount a volume there.
RUN pip install . \
    && useradd --create-home --uid 10001 --user-group ledger \
    && mkdir -m 0700 /keys && chown ledger:ledger /keys

ENV COMPLAINTS_LEDGER_KEYRING_FILE=/keys/keyring.json \
    COMPLAINTS_LEDGER_SIGNING_KEY_FILE=/keys/signing-key.pem

USER ledger
EXPOSE 8000

CMD ["complaints-ledger", "serve", "--host", "0.0.0.0", "--port", "8000"]
