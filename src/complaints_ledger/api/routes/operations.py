"""Operations: liveness and readiness (no token needed) and Prometheus metrics (the metrics
token, not an API token: they describe the whole process, every organisation's traffic)."""

from __future__ import annotations

import hmac
from pathlib import Path
from typing import Annotated

import structlog
from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from complaints_ledger.api.deps import MetricsDep, unauthorized
from complaints_ledger.api.models import Health
from complaints_ledger.api.problems import RETRY_AFTER_SECONDS, documented, problem_response
from complaints_ledger.api.readiness import Readiness
from complaints_ledger.api.routes import SummaryRoute
from complaints_ledger.settings import Settings

logger = structlog.get_logger(__name__)

router = APIRouter(tags=["operations"], route_class=SummaryRoute)
metrics_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="MetricsToken",
    description="The token in COMPLAINTS_LEDGER_METRICS_TOKEN_FILE (not an API token).",
)


@router.get("/healthz", response_model=Health)
def healthz() -> dict[str, str]:
    """The process is alive."""
    return {"status": "ok"}


@router.get("/readyz", response_model=Health, responses=documented(503))
async def readyz(request: Request) -> dict[str, str] | JSONResponse:
    """Ready: the store answers a round trip, the keyring opens, the sealer keeps up. A 503
    names the failing part in `field`, within two seconds."""
    readiness: Readiness = request.app.state.readiness
    problem = await readiness.problem()
    if problem is not None:
        logger.warning("not ready", part=problem.part, detail=problem.detail)
        return problem_response(
            503,
            "not-ready",
            "Not ready",
            problem.detail,
            field=problem.part,
            headers={"Retry-After": RETRY_AFTER_SECONDS},
        )
    return {"status": "ok"}


@router.get(
    "/metrics",
    response_class=Response,
    responses={
        200: {"content": {"text/plain": {}}, "description": "Prometheus text format"},
        **documented(401),
    },
)
def metrics(
    request: Request,
    registry: MetricsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(metrics_bearer)],
) -> Response:
    """Prometheus metrics: requests, latencies, events appended, projection lag. Send
    `Authorization: Bearer <the token in COMPLAINTS_LEDGER_METRICS_TOKEN_FILE>`."""
    settings: Settings = request.app.state.settings
    expected = _metrics_token(settings.metrics_token_file)
    if expected is None:
        raise unauthorized(
            f"metrics are off: no token in {settings.metrics_token_file} "
            "(COMPLAINTS_LEDGER_METRICS_TOKEN_FILE)",
            "",
        )
    given = credentials.credentials if credentials is not None else ""
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise unauthorized(
            "send Authorization: Bearer <the metrics token>", ' error="invalid_token"'
        )
    return Response(registry.render(), media_type=registry.content_type)


def _metrics_token(path: Path) -> str | None:
    try:
        token = path.read_text().strip()
    except OSError:
        return None
    return token or None
