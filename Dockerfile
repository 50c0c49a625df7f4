# The ledger as an image: `docker compose up --build` (see compose.yaml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

COPY pyproject.toml README.md ./
COPY src ./src
COPY projections ./projections
RUN pip install . \
    && useradd --create-home --uid 10001 --user-group ledger

USER ledger
EXPOSE 8000

CMD ["complaints-ledger", "serve", "--host", "0.0.0.0", "--port", "8000"]
